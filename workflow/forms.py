import datetime as dt

from django import forms
from django.utils import timezone

from . import services


class WorkflowForm(forms.ModelForm):
    """The edit form of a publishable item. Which version it was loaded from
    travels beside it (`workflow.editing`), so a save over someone
    else's newer work is refused, not lost."""

    workflow_user = None  # set by the admin for each request


def parse_local_time(value: str) -> dt.datetime:
    """A `datetime-local` value typed in the newsroom's time zone, made aware.

    Refuses times that do not exist there (the hour skipped when clocks go
    forward), instead of silently moving them.
    """
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise services.InvalidTransition(
            "Enter the date and time as YYYY-MM-DD HH:MM."
        ) from None
    # Far enough from the ends of the calendar that a time zone cannot move it
    # off them (Python's dates end at year 9999).
    if not 1900 <= naive.year <= 9998:
        raise services.InvalidTransition(
            f"{value.strip()} is out of range: enter a year from 1900 to 9998."
        )
    if naive.tzinfo is not None:
        return naive
    naive = naive.replace(second=0, microsecond=0)
    aware = timezone.make_aware(naive)
    # Through UTC and back: astimezone() to the same zone object changes nothing.
    if timezone.localtime(aware.astimezone(dt.UTC)).replace(tzinfo=None) != naive:
        raise services.InvalidTransition(
            f"{naive:%Y-%m-%d %H:%M} does not exist in "
            f"{timezone.get_current_timezone_name()}: the clocks skip that hour. "
            "Pick another time."
        )
    return aware

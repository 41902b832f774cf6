import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone

from . import services


def jsonable(value):
    """A form value as JSON: model instances by pk, querysets as pk lists."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class WorkflowForm(forms.ModelForm):
    """An edit form that knows which revision it was loaded from, so a save
    that would overwrite someone else's newer work is refused, not lost."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_user = None  # set by the admin for each request

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            latest = services.latest_revision(self.instance)
            self.initial["base_revision"] = latest.number if latest else None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.errors:
            return cleaned
        try:
            services.check_edit(
                self.instance,
                by=self.workflow_user,
                base_revision=cleaned.get("base_revision"),
                unsaved_data={
                    name: jsonable(value)
                    for name, value in cleaned.items()
                    if name != "base_revision"
                },
            )
        except services.EditConflict as conflict:
            # Keep the user's text on screen, now based on the latest revision, so
            # that saving again after merging goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix("base_revision")] = conflict.latest.number
            raise forms.ValidationError(conflict.messages, code="conflict") from None
        return cleaned


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

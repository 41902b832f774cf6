"""RSS and Atom feeds of a hub's stories: the site's story feed narrowed to
the hub's (`hub_stories`, so the same public rule); and the calendar of
upcoming launches (iCalendar, RFC 5545)."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone

from articles.feeds import StoryFeed
from core.cache import cached_page, depends_on

from .models import Launch
from .views import HUB_KEYS, get_entity, hub_stories


class HubFeed(StoryFeed):
    def get_object(self, request, kind, slug):
        return get_entity(kind, slug)

    def uncached(self, request, *args, **kwargs):
        # The links and entities change without a story changing.
        return depends_on(super().uncached(request, *args, **kwargs), *HUB_KEYS)

    def title(self, obj):
        return f"{super().title(obj)}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest stories about {obj.name}."

    def stories(self, obj):
        return hub_stories(obj)


# --- The launch calendar ---------------------------------------------------------

# Written by hand (RFC 5545 is a few rules for the little we send), rather than
# with a library: text escaping, 75-octet line folding and CRLF are below, and
# tests/space/test_launch_ical.py checks them.

CALENDAR_LAUNCHES = 100
# A launch's iCalendar STATUS: Go is CONFIRMED; a time not yet firm (TBD, To
# Be Confirmed, Hold) is TENTATIVE. An outcome means it took place at its
# time: CONFIRMED. We have no "cancelled" status (LL2 drops a cancelled
# launch from its list), so nothing is CANCELLED.
ICAL_STATUS = {
    Launch.Status.GO: "CONFIRMED",
    Launch.Status.TBD: "TENTATIVE",
    Launch.Status.TBC: "TENTATIVE",
    Launch.Status.HOLD: "TENTATIVE",
    Launch.Status.SUCCESS: "CONFIRMED",
    Launch.Status.FAILURE: "CONFIRMED",
    Launch.Status.PARTIAL_FAILURE: "CONFIRMED",
}


def ical_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def ical_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line folded at 75 octets (CRLF and a space before each
    continuation), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74  # a continuation starts with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out) + "\r\n"


def calendar(request, launches, now: dt.datetime) -> str:
    host = urlsplit(settings.SITE_URL).hostname or request.get_host()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{ical_text(settings.SITE_NAME)}//Launches//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(settings.SITE_NAME + ': upcoming launches')}",
    ]
    for launch in launches:
        url = request.build_absolute_uri(launch.get_absolute_url())
        end = (
            launch.window_end
            if launch.window_end and launch.window_end > launch.net
            else None
        )
        where = [x.name for x in (launch.pad,) if x]
        about = [
            f"Status: {launch.get_status_display()}",
            *([f"Launch vehicle: {launch.vehicle.name}"] if launch.vehicle else []),
            *([f"Launch provider: {launch.provider.name}"] if launch.provider else []),
            *([launch.description] if launch.description else []),
            url,
        ]
        lines += [
            "BEGIN:VEVENT",
            f"UID:launch-{launch.pk}@{host}",
            f"DTSTAMP:{ical_time(now)}",
            f"DTSTART:{ical_time(launch.net)}",
            f"DTEND:{ical_time(end or launch.net + dt.timedelta(hours=1))}",
            # Raised by each move of its time, so calendars take the new one.
            f"SEQUENCE:{launch.slip_count}",
            f"STATUS:{ICAL_STATUS[launch.status]}",
            f"SUMMARY:{ical_text(launch.name)}",
            f"DESCRIPTION:{ical_text(chr(10).join(about))}",
            *([f"LOCATION:{ical_text(where[0])}"] if where else []),
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


@cached_page
def launches_ics(request):
    """Upcoming launches as an iCalendar file readers subscribe to: each
    launch one event, moved when its time moves."""
    now = timezone.now()
    launches = (
        Launch.objects.upcoming(now)
        .select_related("pad", "vehicle", "provider")
        .annotate(slip_count=Count("slips"))[:CALENDAR_LAUNCHES]
    )
    response = HttpResponse(
        calendar(request, launches, now), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="launches.ics"'
    return depends_on(response, "list:space")

"""/space/launches.ics: upcoming launches as RFC 5545 iCalendar (CRLF, lines
folded at 75 octets, TEXT escaped), one event per launch with a stable UID, a
SEQUENCE raised by each move of its time, cached and purged like the feeds."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from space.feeds import fold, ical_text
from space.launches import update_launch
from space.models import Launch
from tests.factories import LaunchFactory, LaunchProviderFactory, PlaceFactory

MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
NET = dt.datetime(2026, 3, 3, 14, 2, tzinfo=dt.UTC)
URL = "/space/launches.ics"


@pytest.fixture
def pinned(monkeypatch, settings):
    settings.SITE_URL = "https://news.example"
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    return MOMENT


def unfold(body: bytes) -> list[str]:
    """RFC 5545 3.1: content lines end in CRLF, a CRLF followed by a space
    continues the line; no line longer than 75 octets."""
    assert body.endswith(b"\r\n")
    raw = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in raw)
    assert all(len(line) <= 75 for line in raw), [x for x in raw if len(x) > 75]
    lines: list[str] = []
    for line in raw:
        if line.startswith(b" "):
            lines[-1] += line[1:].decode()
        else:
            lines.append(line.decode())
    return lines


def events(body: bytes) -> list[dict[str, str]]:
    """The VEVENTs as {name: value}, checking the calendar's frame."""
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    found, current = [], None
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice"
            current[name] = value
    assert current is None
    return found


def unescape(value: str) -> str:
    out, chars = "", iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out += "\n" if following in "nN" else following
        else:
            assert char not in ",;", f"unescaped {char!r} in {value!r}"
            out += char
    return out


@pytest.mark.django_db
def test_calendar_lists_only_upcoming_launches_as_valid_events(client, pinned):
    go = LaunchFactory(
        name="Falcon 9 | Starlink 6-10",
        net=NET,
        window_end=NET + dt.timedelta(hours=4),
        status=Launch.Status.GO,
        pad=PlaceFactory(name="Space Launch Complex 40"),
        provider=LaunchProviderFactory(name="SpaceX"),
    )
    tbd = LaunchFactory(
        name="Atlas V, Block 2; the \\ test",
        net=NET + dt.timedelta(days=10),
        status=Launch.Status.TBD,
        description="Line one\nLine two, with ; and 🚀 " + "é" * 80,
    )
    LaunchFactory(name="Gone", net=MOMENT - dt.timedelta(minutes=1))

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.content)
    assert [unescape(e["SUMMARY"]) for e in found] == [go.name, tbd.name]
    first, second = found
    assert first["UID"] == f"launch-{go.pk}@news.example"
    assert first["DTSTAMP"] == "20260301T120000Z"
    assert first["DTSTART"] == "20260303T140200Z"
    assert first["DTEND"] == "20260303T180200Z"  # the window's end
    assert first["SEQUENCE"] == "0"
    assert first["STATUS"] == "CONFIRMED"
    assert unescape(first["LOCATION"]) == "Space Launch Complex 40"
    assert first["URL"] == f"http://testserver{go.get_absolute_url()}"
    assert "Launch provider: SpaceX" in unescape(first["DESCRIPTION"])
    assert second["DTEND"] == "20260313T150200Z"  # no window: an hour
    assert second["STATUS"] == "TENTATIVE"
    assert "LOCATION" not in second
    assert unescape(second["DESCRIPTION"]).startswith("Status: TBD\n" + tbd.description)
    assert "Gone" not in response.text


@pytest.mark.django_db
def test_a_move_raises_the_sequence_and_shows_on_the_cached_calendar(
    client, pinned, django_capture_on_commit_callbacks
):
    launch = LaunchFactory(net=NET)
    (before,) = events(client.get(URL).content)
    assert before["SEQUENCE"] == "0"

    with django_capture_on_commit_callbacks(execute=True):
        update_launch(launch, net=NET + dt.timedelta(days=2), by=None, source="import")
    with django_capture_on_commit_callbacks(execute=True):
        update_launch(launch, net=NET + dt.timedelta(days=3), by=None, source="import")

    (after,) = events(client.get(URL).content)
    assert after["UID"] == before["UID"]  # the same event, moved
    assert after["SEQUENCE"] == "2"
    assert after["DTSTART"] == "20260306T140200Z"


@pytest.mark.django_db
def test_calendar_queries_are_fixed(
    client, pinned, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    LaunchFactory(net=NET)
    with django_assert_num_queries(1):
        client.get(URL)
    for n in range(5):
        LaunchFactory(net=NET + dt.timedelta(days=n), pad=PlaceFactory())
    with django_assert_num_queries(1):
        client.get(URL)


@pytest.mark.django_db
def test_calendar_is_served_from_the_page_cache(client, pinned, monkeypatch):
    LaunchFactory(net=NET)
    first = client.get(URL)
    assert "list:space" in first["Surrogate-Key"]
    monkeypatch.setattr(
        "space.feeds.calendar", lambda *a: pytest.fail("rendered again")
    )
    assert client.get(URL).content == first.content


def test_text_escaping_and_folding_follow_rfc_5545():
    assert ical_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line).encode()
    parts = folded.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode() == line
    assert fold("SHORT:x") == "SHORT:x\r\n"


def test_calendar_address():
    assert reverse("space:launches_ics") == URL

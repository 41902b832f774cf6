"""A launch's hub: its countdown and times (server-rendered, so they read
without JavaScript), its window, its status and its time changes in plain
words, newest first, in a fixed number of queries; the calendar's link."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from space.launches import update_launch
from space.models import Launch
from tests.factories import (
    LaunchFactory,
    LaunchProviderFactory,
    LaunchVehicleFactory,
    PlaceFactory,
)

MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
NET = dt.datetime(2026, 3, 3, 14, 2, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 5, 13, 31, tzinfo=dt.UTC)
CALENDAR_LINK = '<link rel="alternate" type="text/calendar"'


@pytest.fixture
def pinned(monkeypatch, settings):
    settings.TIME_ZONE = "America/New_York"
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    return MOMENT


@pytest.fixture
def launch(pinned):
    return LaunchFactory(
        name="Falcon 9 | Starlink 6-10",
        slug="starlink-6-10",
        net=NET,
        window_start=NET,
        window_end=NET + dt.timedelta(hours=4, minutes=31),
        status=Launch.Status.GO,
        pad=PlaceFactory(name="Space Launch Complex 40"),
        vehicle=LaunchVehicleFactory(name="Falcon 9"),
    )


def text(html: str) -> str:
    """The page's words, tags dropped and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.django_db
def test_hub_shows_the_countdown_and_times_without_javascript(client, launch):
    response = client.get(launch.get_absolute_url())

    assert response.status_code == 200
    html = response.text
    assert (
        '<time datetime="2026-03-03T14:02:00Z" data-countdown>'
        "in 2 days, 2 hours and 2 minutes</time> at the earliest"
    ) in html
    words = text(html)
    assert "Status: Go" in words
    assert (
        "Lift-off in 2 days, 2 hours and 2 minutes at the earliest, "
        "as of 1 March 2026, 07:00 EST." in words
    )
    assert "newsroom time (America/New_York) 3 March 2026, 09:02 EST" in words
    assert "UTC 3 March 14:02 UTC" in words
    assert (
        "Window, newsroom time 3 March 2026, 09:02 EST to 3 March 2026, 13:33 EST"
        in (words)
    )
    # The reader's own zone is the script's to fill in.
    assert re.search(r'<p data-reader-time="2026-03-03T14:02:00Z" hidden>', html)


@pytest.mark.django_db
def test_the_script_is_a_static_file_not_inline(client, launch):
    html = client.get(launch.get_absolute_url()).text
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert any("space/countdown" in attrs and "defer" in attrs for attrs in scripts)
    for attrs in scripts:  # CSP: no inline script (JSON-LD is data)
        assert "src=" in attrs or 'type="application/ld+json"' in attrs


@pytest.mark.django_db
def test_time_changes_are_listed_newest_first_in_plain_words(client, launch, editor):
    update_launch(
        launch,
        net=LATER,
        by=None,
        source="import",
        noticed_at=dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC),
    )
    update_launch(
        launch,
        net=LATER + dt.timedelta(days=300),
        by=editor,
        source="hand",
        noticed_at=dt.datetime(2026, 3, 1, 11, 15, tzinfo=dt.UTC),
    )

    words = text(client.get(launch.get_absolute_url()).text)

    newest = (
        "Moved from 5 March 13:31 to 30 December 13:31 UTC "
        "(noticed 1 March 11:15 UTC, by hand)"
    )
    oldest = (
        "Moved from 3 March 14:02 to 5 March 13:31 UTC "
        "(noticed 1 March 10:00 UTC, launch library 2 import)"
    )
    assert "Time changes" in words
    assert words.index(newest) < words.index(oldest)
    assert editor.username not in words  # who edited stays in the newsroom


@pytest.mark.django_db
def test_a_launch_without_time_changes_has_no_such_section(client, launch):
    assert "Time changes" not in client.get(launch.get_absolute_url()).text


@pytest.mark.django_db
def test_a_past_launch_has_no_countdown(client, pinned):
    past = LaunchFactory(
        net=MOMENT - dt.timedelta(days=1), status=Launch.Status.SUCCESS
    )
    html = client.get(past.get_absolute_url()).text
    assert "data-countdown" not in html
    assert "Status: Success" in text(html)


@pytest.mark.django_db
def test_a_new_time_change_shows_on_a_cached_hub(
    client, launch, django_capture_on_commit_callbacks
):
    assert "Time changes" not in client.get(launch.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        update_launch(launch, net=LATER, by=None, source="import")
    html = client.get(launch.get_absolute_url()).text
    assert "Moved from 3 March 14:02 to 5 March 13:31 UTC" in text(html)
    assert 'datetime="2026-03-05T13:31:00Z"' in html


@pytest.mark.django_db
def test_hub_queries_do_not_grow_with_time_changes(
    client, launch, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # count the page's own queries each time

    def visit():
        assert client.get(launch.get_absolute_url()).status_code == 200

    with django_assert_num_queries(QUERIES):
        visit()
    for n in range(4):
        update_launch(
            launch, net=LATER + dt.timedelta(hours=n), by=None, source="import"
        )
    with django_assert_num_queries(QUERIES):
        visit()


# The launch hub's queries: the launch with its links, the stories, its
# missions, the sections and its time changes.
QUERIES = 5


@pytest.mark.django_db
def test_calendar_is_linked_where_launches_are_coming_up(client, launch, pinned):
    html = client.get(launch.get_absolute_url()).text
    assert CALENDAR_LINK in html and 'href="/space/launches.ics"' in html

    # A vehicle or pad with an upcoming launch links it; one without does not.
    for entity in (launch.vehicle, launch.pad):
        assert CALENDAR_LINK in client.get(entity.get_absolute_url()).text
    idle = LaunchProviderFactory(name="Idle")
    assert CALENDAR_LINK not in client.get(idle.get_absolute_url()).text


def jsonld(html: str) -> dict:
    import json

    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_a_moved_launch_is_a_rescheduled_event_with_its_earlier_times(
    client, launch, django_capture_on_commit_callbacks
):
    assert jsonld(client.get(launch.get_absolute_url()).text)["eventStatus"] == (
        "https://schema.org/EventScheduled"
    )
    with django_capture_on_commit_callbacks(execute=True):  # purges the hub
        update_launch(launch, net=LATER, by=None, source="import")

    data = jsonld(client.get(launch.get_absolute_url()).text)

    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["startDate"].startswith("2026-03-05")
    assert data["previousStartDate"] == ["2026-03-03T09:02:00-05:00"]


@pytest.mark.django_db
def test_a_moved_launch_that_is_on_hold_stays_postponed_and_an_outcome_scheduled(
    client, launch, django_capture_on_commit_callbacks
):
    update_launch(
        launch, net=LATER, status=Launch.Status.HOLD, by=None, source="import"
    )
    data = jsonld(client.get(launch.get_absolute_url()).text)
    assert data["eventStatus"] == "https://schema.org/EventPostponed"
    assert len(data["previousStartDate"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        update_launch(launch, status=Launch.Status.SUCCESS, by=None, source="import")
    data = jsonld(client.get(launch.get_absolute_url()).text)
    assert data["eventStatus"] == "https://schema.org/EventScheduled"


@pytest.mark.django_db
def test_a_launch_with_an_outcome_counts_down_no_more(client, now):
    """An editor may set the outcome before the time the launch last had:
    the hub stops counting down and the calendar drops it."""
    launch = LaunchFactory(
        slug="flown-early",
        net=now + dt.timedelta(hours=5),
        status=Launch.Status.SUCCESS,
    )
    waiting = LaunchFactory(slug="still-waiting", net=now + dt.timedelta(hours=5))

    page = client.get(launch.get_absolute_url()).content.decode()
    calendar = client.get("/space/launches.ics").content.decode()

    assert "Lift-off" not in page
    assert "Lift-off" in client.get(waiting.get_absolute_url()).content.decode()
    assert "flown-early" not in calendar and "still-waiting" in calendar

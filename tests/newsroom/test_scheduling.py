"""Scheduling to the minute: time is pinned, never slept on."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory
from workflow import services
from workflow.forms import parse_local_time
from workflow.models import Transition
from workflow.states import State

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def clock(monkeypatch):
    """Set the time every `timezone.now()` call sees."""

    class Clock:
        def set(self, when: dt.datetime):
            monkeypatch.setattr(timezone, "now", lambda: when)

    return Clock()


def scheduled_story(at, **kwargs):
    kwargs.setdefault("authors", [AuthorFactory()])  # the checklist's byline
    return ArticleFactory(status=State.SCHEDULED, published_at=at, **kwargs)


def test_visible_exactly_at_its_minute_without_a_worker(client, clock):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    story = scheduled_story(two_pm, headline="Starship catch attempt")

    clock.set(two_pm - dt.timedelta(seconds=1))
    assert story not in Article.objects.public()
    assert client.get(story.get_absolute_url()).status_code == 404
    assertNotContains(client.get(reverse("home")), "Starship catch attempt")

    clock.set(two_pm)
    assert story in Article.objects.public()
    assert client.get(story.get_absolute_url()).status_code == 200
    assertContains(client.get(reverse("home")), "Starship catch attempt")
    story.refresh_from_db()
    assert story.status == State.SCHEDULED  # no worker has run


def test_worker_records_due_stories_once(clock, django_capture_on_commit_callbacks):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    due = scheduled_story(two_pm)
    later = scheduled_story(two_pm + dt.timedelta(minutes=1))
    clock.set(two_pm)

    with django_capture_on_commit_callbacks(execute=True):
        report = services.publish_due()
    assert report.published == [due]
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (State.PUBLISHED, State.SCHEDULED)
    assert due.published_at == two_pm  # the minute it was scheduled for
    step = Transition.for_item(due).get()
    assert (step.action, step.by, step.from_state) == ("publish", None, "scheduled")

    assert services.publish_due().published == []  # idempotent
    assert Transition.for_item(due).count() == 1


def test_failing_story_does_not_block_the_others(clock, monkeypatch, caplog):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    stories = [scheduled_story(two_pm) for _ in range(3)]
    broken = stories[1]
    real = services._record_published

    def flaky(item):
        if item.pk == broken.pk:
            raise RuntimeError("disk full")
        real(item)

    monkeypatch.setattr(services, "_record_published", flaky)
    clock.set(two_pm)
    report = services.publish_due()

    assert report.failed == [broken]
    assert sorted(s.pk for s in report.published) == sorted(
        [stories[0].pk, stories[2].pk]
    )
    broken.refresh_from_db()
    assert broken.status == State.SCHEDULED
    assert not Transition.for_item(broken).exists()
    assert "Could not publish scheduled Article" in caplog.text


def test_management_command_runs_once_and_reports(clock, capsys):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    scheduled_story(two_pm, headline="Crew-12 docks")
    clock.set(two_pm + dt.timedelta(minutes=3))
    call_command("publish_scheduled")
    assert "Crew-12 docks" in capsys.readouterr().out
    assert Article.objects.get().status == State.PUBLISHED


def test_spring_forward_local_time_is_converted_right():
    # 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT.
    after = parse_local_time("2026-03-08T03:30")
    assert after.astimezone(dt.UTC) == dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC)
    before = parse_local_time("2026-03-08T01:30")
    assert before.astimezone(dt.UTC) == dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.UTC)


def test_time_skipped_by_the_clocks_is_refused():
    with pytest.raises(services.InvalidTransition, match="does not exist"):
        parse_local_time("2026-03-08T02:30")


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-40T25:00", "x" * 5000])
def test_malformed_time_is_a_clear_error(value):
    with pytest.raises(services.InvalidTransition, match="YYYY-MM-DD HH:MM"):
        parse_local_time(value)


def test_visibility_flips_at_the_minute_across_fall_back(client, clock):
    # 2026-11-01 01:30 happens twice in New York; the first (EDT) is meant.
    first_1_30 = parse_local_time("2026-11-01T01:30")
    assert first_1_30.astimezone(dt.UTC) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=dt.UTC
    )
    story = scheduled_story(first_1_30)
    clock.set(dt.datetime(2026, 11, 1, 5, 29, 59, tzinfo=dt.UTC))
    assert client.get(story.get_absolute_url()).status_code == 404
    clock.set(dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC))
    assert client.get(story.get_absolute_url()).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks: concurrent workers need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_publish_each_story_once():
    due = timezone.now() - dt.timedelta(minutes=1)
    stories = [scheduled_story(due) for _ in range(12)]
    barrier = threading.Barrier(2)
    reports = []

    def worker():
        barrier.wait()
        try:
            reports.append(services.publish_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    published = [item.pk for r in reports for item in r.published]
    assert sorted(published) == sorted(s.pk for s in stories)  # each exactly once
    for story in stories:
        assert (
            Transition.objects.filter(object_id=story.pk, action="publish").count() == 1
        )

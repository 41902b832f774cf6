"""The `publish_scheduled` worker's loop (`--every SECONDS`), as docker-compose.yml
and `make run` start it. Sleeping is replaced by a fake that moves the pinned
clock on, so each round sees a later minute and no test waits."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory
from workflow import services
from workflow.management.commands import publish_scheduled
from workflow.models import Transition
from workflow.states import State

# As the worker runs: in autocommit, each item in its own transaction, and each
# round starting as a request does (close_old_connections), which a test's
# enclosing transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)
NEW_YORK = ZoneInfo("America/New_York")


class Stop(Exception):
    """Ends a loop that would otherwise run until the process is stopped."""


@pytest.fixture
def rounds(monkeypatch):
    """Pin the clock at `start`; each sleep of the worker moves it on by the
    seconds slept. After `count` sleeps, `stop` is raised (KeyboardInterrupt:
    Ctrl+C; another exception: the process dying)."""

    class Rounds:
        def __init__(self):
            self.slept = []

        def run(self, start, *, count, stop=KeyboardInterrupt, every=30, **kwargs):
            now = [start]
            monkeypatch.setattr(timezone, "now", lambda: now[0])

            def sleep(seconds):
                self.slept.append(seconds)
                if len(self.slept) >= count:
                    raise stop
                now[0] += dt.timedelta(seconds=seconds)

            monkeypatch.setattr(publish_scheduled.time, "sleep", sleep)
            call_command("publish_scheduled", "--every", str(every), **kwargs)

    return Rounds()


def scheduled(at, headline):
    return ArticleFactory(
        status=State.SCHEDULED,
        published_at=at,
        headline=headline,
        authors=[AuthorFactory()],  # the checklist's byline
    )


def test_loop_publishes_each_story_when_its_minute_comes(rounds, capsys):
    two_pm = dt.datetime(2026, 11, 1, 14, 0, tzinfo=NEW_YORK)  # clocks went back
    first = scheduled(two_pm, "Starship flight 6 launches")
    second = scheduled(two_pm + dt.timedelta(minutes=1), "Booster caught again")

    rounds.run(two_pm - dt.timedelta(seconds=20), count=4)  # 13:59:40 … 14:01:10

    assert rounds.slept == [30, 30, 30, 30]
    out = capsys.readouterr().out
    assert out.count("Published") == 2
    assert out.index("Starship flight 6") < out.index("Booster caught again")
    for story in (first, second):
        story.refresh_from_db()
        assert story.status == State.PUBLISHED
        assert Transition.for_item(story).get().action == "publish"  # once each


def test_ctrl_c_ends_the_loop_quietly(rounds):
    rounds.run(timezone.now(), count=1, stop=KeyboardInterrupt)  # no traceback
    assert rounds.slept == [30]


def test_a_failing_round_is_logged_and_the_next_one_runs(rounds, monkeypatch, caplog):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    story = scheduled(two_pm, "Crew-12 docks")
    real, calls = services.publish_due, []

    def flaky():
        calls.append(timezone.now())
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return real()

    monkeypatch.setattr(publish_scheduled, "publish_due", flaky)
    with caplog.at_level(logging.ERROR):
        rounds.run(two_pm, count=2, every=5)

    assert len(calls) == 2
    assert "Could not publish scheduled items" in caplog.text
    story.refresh_from_db()
    assert story.status == State.PUBLISHED


def test_once_without_every(monkeypatch):
    monkeypatch.setattr(publish_scheduled.time, "sleep", pytest.fail)  # never sleeps
    call_command("publish_scheduled")


@pytest.mark.parametrize("every", ["0", "-30"])
def test_every_needs_a_positive_number_of_seconds(every, monkeypatch):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    story = scheduled(two_pm, "Never recorded")
    monkeypatch.setattr(timezone, "now", lambda: two_pm + dt.timedelta(hours=1))
    with pytest.raises(CommandError, match="1 or more"):
        call_command("publish_scheduled", "--every", every)
    assert Article.objects.get(pk=story.pk).status == State.SCHEDULED

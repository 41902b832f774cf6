"""The demo's launch day (issue 16): an upcoming launch dated from the day
the demo is loaded, with one time change and its story bundle made through
the workflow, and the landing day's live story with its entries."""

from datetime import timedelta

import pytest

import demo.loader as demo
from articles.models import Article, Status
from demo import content
from launchdesk.models import BundleItem
from live.models import LiveEntry
from space.models import Launch, Slip
from workflow.models import Transition

pytestmark = pytest.mark.django_db


def test_the_upcoming_launch_is_ahead_and_has_moved_once(now):
    demo.load_demo()

    launch = Launch.objects.get(slug=content.UPCOMING_LAUNCH["slug"])
    hour = now.replace(minute=0, second=0, microsecond=0)
    assert launch.net == hour + content.UPCOMING_LAUNCH["net"]
    assert launch.net > now
    (slip,) = Slip.objects.filter(launch=launch)
    assert (slip.from_net, slip.to_net) == (
        hour + content.UPCOMING_LAUNCH["first_net"],
        launch.net,
    )


def test_the_bundle_went_through_the_workflow(now):
    demo.load_demo()
    launch = Launch.objects.get(slug=content.UPCOMING_LAUNCH["slug"])

    for spec in content.BUNDLE_STORIES:
        story = Article.objects.get(slug=spec["slug"])
        steps = list(
            Transition.for_item(story)
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
        offset = spec["bundle"].get("offset")
        if offset is None:
            assert story.status == Status.APPROVED, spec["slug"]
            assert steps == ["submit", "approve"]
        else:
            assert story.status == Status.SCHEDULED, spec["slug"]
            assert story.published_at == launch.net + offset
            assert steps == ["submit", "approve", "schedule"]
        assert launch.stories.filter(pk=story.pk).exists()
        item = BundleItem.objects.get(article=story)
        assert (item.launch, item.offset, item.outcome) == (
            launch,
            offset,
            spec["bundle"].get("outcome", ""),
        )
    assert Article.objects.get(slug="live-cargo-dragon-launch").is_live


def test_a_rerun_on_a_later_day_leaves_the_launch_and_its_bundle(monkeypatch, now):
    demo.load_demo()
    before = {
        "launch": list(Launch.objects.values_list("slug", "net")),
        "slips": Slip.objects.count(),
        "bundle": list(
            Article.objects.filter(
                slug__in=[spec["slug"] for spec in content.BUNDLE_STORIES]
            ).values_list("slug", "status", "published_at")
        ),
        "steps": Transition.objects.count(),
        "entries": list(LiveEntry.objects.values_list("pk", "posted_at")),
    }

    monkeypatch.setattr(demo.timezone, "now", lambda: now + timedelta(days=3))
    demo.load_demo()

    assert list(Launch.objects.values_list("slug", "net")) == before["launch"]
    assert Slip.objects.count() == before["slips"]
    assert Transition.objects.count() == before["steps"]
    assert list(LiveEntry.objects.values_list("pk", "posted_at")) == before["entries"]


def test_the_landing_day_live_story_shows_its_entries(client):
    demo.load_demo()
    story = Article.objects.get(slug=content.LANDING_LIVE["slug"])

    response = client.get(story.get_absolute_url())

    assert story.is_live and story.coverage_end
    assert response.status_code == 200
    page = response.content.decode()
    texts = [text for _, text, _, _ in content.LANDING_LIVE["entries"]]
    pinned = next(t for _, t, _, p in content.LANDING_LIVE["entries"] if p)
    for text in texts:
        assert text.split(":")[0][:40] in page
    assert page.index(pinned[:40]) < min(
        page.index(t[:40]) for t in texts if t != pinned
    )
    assert '"LiveBlogPosting"' in page

"""Once a scheduled item's minute has come the admin shows it as live, in the
newsroom's time zone, before the `publish_scheduled` worker has recorded it: in
the change list's status column and in the change form's workflow panel, for
stories and galleries alike. The clock is pinned, never slept on."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, GalleryFactory
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.admin import state_label
from workflow.models import Transition
from workflow.roles import EDITORS
from workflow.states import State

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")  # the default TIME_ZONE


@pytest.fixture
def clock(monkeypatch):
    """Set the time every `timezone.now()` call sees."""

    class Clock:
        def set(self, when: dt.datetime):
            monkeypatch.setattr(timezone, "now", lambda: when)

    return Clock()


@pytest.fixture
def editor(db):
    return user_in(EDITORS, username="edie")


def story(at, **kwargs):
    kwargs.setdefault("authors", [AuthorFactory()])  # the checklist's byline
    return ArticleFactory(status=State.SCHEDULED, published_at=at, **kwargs)


def gallery(at, **kwargs):
    return GalleryFactory(status=State.SCHEDULED, published_at=at, **kwargs)


KINDS = {
    "story": (story, "articles_article"),
    "gallery": (gallery, "media_library_gallery"),
}

# 14:00 in New York on a summer day, a winter day, and the days the clocks
# change (2026-03-08 forward, 2026-11-01 back): a UTC offset applied the wrong
# way round, or a fixed one, shows another hour on at least one of them.
TWO_PMS = [
    dt.datetime(2026, 7, 14, 14, 0, tzinfo=NEW_YORK),
    dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK),
    dt.datetime(2026, 3, 8, 14, 0, tzinfo=NEW_YORK),
    dt.datetime(2026, 11, 1, 14, 0, tzinfo=NEW_YORK),
]


# --- The one rule ---------------------------------------------------------------


@pytest.mark.parametrize("two_pm", TWO_PMS, ids=str)
def test_scheduled_item_shows_as_published_from_its_minute(clock, two_pm):
    item = story(two_pm)

    clock.set(two_pm - dt.timedelta(seconds=1))
    assert item.shown_status == State.SCHEDULED
    assert state_label(item) == "Scheduled for 14:00"

    clock.set(two_pm)
    assert item.shown_status == State.PUBLISHED
    assert state_label(item) == "Published at 14:00"
    item.refresh_from_db()
    assert item.status == State.SCHEDULED  # nothing was written


def test_shown_state_agrees_with_what_readers_get(clock):
    """`shown_status` and the public query are the same rule, at every second
    around the minute."""
    two_pm = TWO_PMS[0]
    item = story(two_pm)
    model = type(item)
    for seconds in (-61, -1, 0, 1, 59):
        clock.set(two_pm + dt.timedelta(seconds=seconds))
        live = model.objects.public().filter(pk=item.pk).exists()
        due = model.objects.due().filter(pk=item.pk).exists()
        assert (item.shown_status == State.PUBLISHED) == live == due


def test_label_names_the_day_unless_it_is_today(clock):
    two_pm = TWO_PMS[1]
    item = story(two_pm)
    clock.set(two_pm + dt.timedelta(days=1))
    assert state_label(item) == "Published at 14:00 on 2026-11-23"
    clock.set(two_pm - dt.timedelta(days=1))
    assert state_label(item) == "Scheduled for 14:00 on 2026-11-23"


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.APPROVED])
def test_items_not_going_live_show_their_state(state):
    assert state_label(ArticleFactory(status=state)) == state.label


def test_unpublished_item_is_not_shown_live(clock):
    two_pm = TWO_PMS[1]
    item = ArticleFactory(status=State.UNPUBLISHED, published_at=two_pm)
    clock.set(two_pm + dt.timedelta(hours=1))
    assert state_label(item) == "Unpublished"


def test_recorded_publication_shows_the_same(clock):
    two_pm = TWO_PMS[1]
    item = ArticleFactory(status=State.PUBLISHED, published_at=two_pm)
    clock.set(two_pm + dt.timedelta(minutes=5))
    assert state_label(item) == "Published at 14:00"


# --- The change list -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_change_list_shows_due_item_as_published(client, editor, clock, kind):
    make, prefix = KINDS[kind]
    two_pm = TWO_PMS[3]  # the day the clocks go back
    item = make(two_pm)
    client.force_login(editor)
    changelist = reverse(f"admin:{prefix}_changelist")

    clock.set(two_pm - dt.timedelta(seconds=30))
    response = client.get(changelist)
    assertContains(response, "Scheduled for 14:00")
    assertNotContains(response, "Published at")

    clock.set(two_pm + dt.timedelta(seconds=30))
    response = client.get(changelist)
    assertContains(response, "Published at 14:00")
    assertNotContains(response, "Scheduled for")
    item.refresh_from_db()
    assert item.status == State.SCHEDULED  # the worker has not run


@pytest.mark.parametrize("kind", list(KINDS))
def test_change_list_still_filters_and_sorts_by_stored_status(
    client, editor, clock, kind
):
    make, prefix = KINDS[kind]
    make(TWO_PMS[1])
    clock.set(TWO_PMS[1] + dt.timedelta(minutes=1))
    client.force_login(editor)
    changelist = reverse(f"admin:{prefix}_changelist")
    column = client.get(changelist).context["cl"].list_display.index("state_column")
    response = client.get(changelist, {"status__exact": "scheduled", "o": column})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert response.context["cl"].get_ordering_field_columns() == {column: "asc"}


# --- The change form's workflow panel --------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_workflow_panel_shows_due_item_as_published(client, editor, clock, kind):
    make, prefix = KINDS[kind]
    two_pm = TWO_PMS[2]  # the day the clocks go forward
    item = make(two_pm)
    client.force_login(editor)
    change = reverse(f"admin:{prefix}_change", args=[item.pk])

    clock.set(two_pm - dt.timedelta(minutes=1))
    response = client.get(change)
    assertContains(response, 'class="workflow-state">Scheduled</span> for 14:00')
    assertContains(response, "Goes live")
    assertNotContains(response, "the scheduler records it")

    clock.set(two_pm + dt.timedelta(minutes=1))
    response = client.get(change)
    assertContains(response, 'class="workflow-state">Published</span> at 14:00')
    assertContains(response, "the scheduler records it as published shortly")
    assertNotContains(response, "Goes live")
    item.refresh_from_db()
    assert item.status == State.SCHEDULED


def test_workflow_panel_after_the_worker_ran(client, editor, clock):
    from workflow import services

    two_pm = TWO_PMS[1]
    item = story(two_pm)
    clock.set(two_pm + dt.timedelta(minutes=1))
    services.publish_due()
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[item.pk]))
    assertContains(response, 'class="workflow-state">Published</span> at 14:00')
    assertNotContains(response, "the scheduler records it")


@pytest.mark.parametrize("action", ["unschedule", "reschedule"])
def test_a_story_live_at_its_minute_cannot_be_unscheduled(
    client, editor, story_in, now, action
):
    """Once its minute has come a scheduled story is live, recorded or not:
    moving or cancelling its schedule would take it off the site with no
    reason given, so only Unpublish (with its reason) is offered."""
    story = story_in(State.SCHEDULED)
    Article.objects.filter(pk=story.pk).update(
        published_at=now - dt.timedelta(minutes=1)
    )
    story.refresh_from_db()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assertNotContains(page, "/workflow/unschedule/")
    assertNotContains(page, "/workflow/reschedule/")
    with pytest.raises(services.InvalidTransition):
        services.transition(story, action, by=editor, at=now + dt.timedelta(hours=1))
    story.refresh_from_db()
    assert story.status == State.SCHEDULED and story.is_public
    assert not Transition.objects.exists()
    # Before its minute, both are offered and work.
    Article.objects.filter(pk=story.pk).update(published_at=now + dt.timedelta(hours=2))
    story.refresh_from_db()
    assertContains(
        client.get(reverse("admin:articles_article_change", args=[story.pk])),
        f"/workflow/{action}/",
    )
    services.transition(story, action, by=editor, at=now + dt.timedelta(hours=3))
    assert Transition.objects.count() == 1

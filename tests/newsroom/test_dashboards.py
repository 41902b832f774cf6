"""The admin's front page (workflow/desk.py): "My stories" for writers, the
editor's desk (review queue across content types, today's schedule) for
editors, Django's index for staff with neither role."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from media_library.models import Gallery
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    SectionFactory,
    UserFactory,
)
from tests.newsroom.workflow_helpers import user_in
from workflow.desk import waited
from workflow.models import Transition
from workflow.roles import EDITORS, WRITERS
from workflow.states import State

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
# Sunday 8 March 2026, 12:00 in New York: the clocks went forward at 02:00, so
# this local day runs from 05:00 UTC (midnight EST) to 04:00 UTC on the 9th
# (midnight EDT), 23 hours.
NOON_ON_DST_DAY = dt.datetime(2026, 3, 8, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def moment(monkeypatch, settings):
    """The clock stopped at noon in New York on the day the clocks go forward
    (the `now` fixture's way, at a chosen instant)."""
    settings.TIME_ZONE = NEW_YORK
    monkeypatch.setattr(timezone, "now", lambda: NOON_ON_DST_DAY)
    return NOON_ON_DST_DAY


def step(item, to_state, *, by, at, comment="", action="step"):
    """An audit row, as `services.transition` writes them, at a given time."""
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=action,
        from_state=State.DRAFT,
        to_state=to_state,
        by=by,
        at=at,
        comment=comment,
    )


def desk(client, user):
    client.force_login(user)
    return client.get(reverse("admin:index"))


def group(response, key):
    """The titles of one group on the writer's page, from the view's context."""
    groups = {g.key: g for g in response.context["mine"]}
    return [str(row.item) for row in groups[key].rows]


# --- My stories -------------------------------------------------------------


@pytest.fixture
def writers_work(moment, writer, other_writer, editor, story_in):
    """One of the writer's items in each place, and work that is not theirs."""
    hour = dt.timedelta(hours=1)
    venus = story_in(State.DRAFT, headline="Draft about Venus")
    Article.objects.filter(pk=venus.pk).update(updated_at=moment - 2 * hour)
    sent_back = story_in(State.CHANGES_REQUESTED, headline="Sent back about Io")
    step(sent_back, State.IN_REVIEW, by=writer, at=moment - 5 * hour)
    step(
        sent_back,
        State.CHANGES_REQUESTED,
        by=editor,
        at=moment - 2 * hour,
        comment="Needs a second source for the launch date.",
        action="request_changes",
    )
    waiting = story_in(State.IN_REVIEW, headline="Waiting about Mars")
    step(waiting, State.IN_REVIEW, by=writer, at=moment - 3 * hour)
    scheduled = story_in(State.SCHEDULED, headline="Scheduled about Europa")
    scheduled.published_at = dt.datetime(2026, 3, 9, 14, 30, tzinfo=dt.UTC)
    scheduled.save()
    recent = story_in(State.PUBLISHED, headline="Published about Titan")
    recent.published_at = moment - dt.timedelta(days=3)
    recent.save()
    old = story_in(State.PUBLISHED, headline="Published long ago")
    old.published_at = moment - dt.timedelta(days=40)
    old.save()
    ceres = GalleryFactory(title="Gallery draft of Ceres", created_by=writer)
    Gallery.objects.filter(pk=ceres.pk).update(updated_at=moment - hour)
    ArticleFactory(headline="Otto's own draft", created_by=other_writer)
    GalleryFactory(title="Otto's gallery", created_by=other_writer)


def test_writer_lands_on_my_stories(client, writer, writers_work):
    response = desk(client, writer)
    assert response.status_code == 200
    assert response.context["editor"] is False
    assert group(response, "drafts") == ["Gallery draft of Ceres", "Draft about Venus"]
    assert group(response, "sent_back") == ["Sent back about Io"]
    assert group(response, "in_review") == ["Waiting about Mars"]
    assert group(response, "scheduled") == ["Scheduled about Europa"]
    assert group(response, "published") == ["Published about Titan"]
    # Sent back: the editor's words, who and when.
    assertContains(response, "Needs a second source for the launch date.")
    assertContains(response, "Sent back by Edie")
    assertContains(response, "Sun 8 Mar at 10:00 EDT")
    # In review since; the scheduled time in New York and UTC (after the clocks
    # went forward: EDT, four hours behind).
    assertContains(response, "submitted Sun 8 Mar at 09:00 EDT")
    assertContains(response, "Monday 9 March at 10:30 EDT (14:30 UTC)")
    # Each row opens its edit form; the published story links its live page.
    titan = Article.objects.get(headline="Published about Titan")
    assertContains(response, reverse("admin:articles_article_change", args=[titan.pk]))
    assertContains(response, titan.get_absolute_url())
    ceres = Gallery.objects.get(title="Gallery draft of Ceres")
    assertContains(
        response, reverse("admin:media_library_gallery_change", args=[ceres.pk])
    )
    assertContains(response, "Write a new story")
    assertContains(response, reverse("admin:articles_article_add"))
    # Not the queue, and nothing of anyone else's.
    assertNotContains(response, 'id="review-queue"')
    assertNotContains(response, "Otto")
    assertNotContains(response, "Published long ago")
    # Everything else in the admin is still one click away.
    assertContains(response, "Everything in the admin")
    assertContains(response, reverse("admin:articles_article_changelist"))


def test_empty_groups_say_so(client, moment, writer):
    response = desk(client, writer)
    assertContains(response, "You have no drafts.")
    assertContains(response, "Nothing has been sent back to you.")
    assertContains(response, "Nothing of yours is waiting for an editor.")
    assertContains(response, "Nothing of yours is scheduled.")
    assertContains(response, "Nothing of yours went live in the last 14 days.")


def test_bylined_story_is_the_writers_own(client, moment, writer):
    story = ArticleFactory(headline="Co-written about Pluto", created_by=None)
    story.bylines.create(author=AuthorFactory(user=writer))
    assert group(desk(client, writer), "drafts") == ["Co-written about Pluto"]


# --- The editor's desk --------------------------------------------------------


@pytest.fixture
def queue(moment, writer, other_writer, editor):
    """Three items waiting, submitted at different times, one a gallery."""
    politics = SectionFactory(name="Politics", slug="politics")
    science = SectionFactory(name="Science", slug="science")
    newest = ArticleFactory(
        headline="Newest in queue", section=politics, status=State.IN_REVIEW
    )
    newest.bylines.create(author=AuthorFactory(name="Wanda Writer", user=writer))
    step(newest, State.IN_REVIEW, by=writer, at=moment - dt.timedelta(minutes=5))
    oldest = ArticleFactory(
        headline="Oldest in queue", section=science, status=State.IN_REVIEW
    )
    oldest.bylines.create(author=AuthorFactory(name="Otto Other", user=other_writer))
    step(oldest, State.IN_REVIEW, by=other_writer, at=moment - dt.timedelta(days=1))
    step(
        oldest,
        State.CHANGES_REQUESTED,
        by=editor,
        at=moment - dt.timedelta(hours=5),
        comment="Cut the second half.",
    )
    # Resubmitted: it waits from its latest submission, not its first.
    step(
        oldest,
        State.IN_REVIEW,
        by=other_writer,
        at=moment - dt.timedelta(hours=3, minutes=20),
    )
    gallery = GalleryFactory(
        title="Gallery in queue", status=State.IN_REVIEW, created_by=other_writer
    )
    step(gallery, State.IN_REVIEW, by=other_writer, at=moment - dt.timedelta(hours=1))
    ArticleFactory(headline="A draft nobody sent", status=State.DRAFT)
    return oldest, gallery, newest


def test_editor_desk_lists_queue_oldest_first(client, editor, queue):
    response = desk(client, editor)
    assert response.status_code == 200
    rows = response.context["queue"]
    assert [str(row.item) for row in rows] == [
        "Oldest in queue",
        "Gallery in queue",
        "Newest in queue",
    ]
    oldest, gallery, newest = rows
    assert (oldest.writers, oldest.section, oldest.waiting) == (
        "Otto Other",
        "Science",
        "3 h 20 min",
    )
    assert oldest.commented.comment == "Cut the second half."
    # A gallery has no section and no bylines: whoever submitted it is named.
    assert (gallery.writers, gallery.section) == ("otto", "")
    assert gallery.waiting == "1 h 0 min"
    assert (newest.writers, newest.section, newest.waiting) == (
        "Wanda Writer",
        "Politics",
        "5 min",
    )
    assertContains(response, 'id="review-queue"')
    assertContains(response, "Cut the second half.")
    assertNotContains(response, "A draft nobody sent")
    # An editor with no work of their own sees no "My stories".
    assertNotContains(response, 'id="my-stories"')


def test_editor_desk_lists_what_is_approved_and_not_yet_scheduled(
    client, editor, writer, moment
):
    ready = ArticleFactory(headline="Approved and waiting", status=State.APPROVED)
    ready.bylines.create(author=AuthorFactory(name="Wanda Writer", user=writer))
    step(ready, State.IN_REVIEW, by=writer, at=moment - dt.timedelta(hours=2))
    step(ready, State.APPROVED, by=editor, at=moment - dt.timedelta(hours=1))
    ArticleFactory(headline="Already scheduled", status=State.SCHEDULED,
                   published_at=moment + dt.timedelta(days=2))  # fmt: skip

    response = desk(client, editor)
    rows = response.context["approved"]
    assert [(str(r.item), r.writers, r.waiting) for r in rows] == [
        ("Approved and waiting", "Wanda Writer", "2 h 0 min")
    ]
    assert [str(row.item) for row in response.context["queue"]] == []
    assertContains(response, 'id="approved"')
    assertNotContains(response, "Already scheduled")


def test_an_empty_approved_list_says_so(client, editor, moment):
    response = desk(client, editor)
    assert response.context["approved"] == []
    assertContains(response, "Nothing approved is waiting to be scheduled.")


def test_writers_do_not_get_the_approved_list(client, writer, moment):
    ArticleFactory(headline="Approved and waiting", status=State.APPROVED)
    response = desk(client, writer)
    assert response.context["approved"] == []
    assertNotContains(response, 'id="approved"')
    assertNotContains(response, "Approved and waiting")


def test_model_review_queue_has_the_desks_columns(client, editor, queue):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_review_queue"))
    assert [str(row.item) for row in response.context["rows"]] == [
        "Oldest in queue",
        "Newest in queue",
    ]
    for words in ("Writer", "Section", "Last comment", "3 h 20 min", "Science"):
        assertContains(response, words)
    assertNotContains(response, "Gallery in queue")


def test_editor_who_writes_sees_desk_and_own_stories(client, moment, editor):
    ArticleFactory(headline="The editor's own column", created_by=editor)
    response = desk(client, editor)
    assertContains(response, 'id="review-queue"')
    assertContains(response, 'id="my-stories"')
    assert group(response, "drafts") == ["The editor's own column"]


def test_superuser_sees_the_desk(client, moment, queue):
    boss = UserFactory(is_staff=True, is_superuser=True)
    response = desk(client, boss)
    assert len(response.context["queue"]) == 3


def test_todays_schedule_follows_the_newsroom_day_across_dst(client, editor, moment):
    def live(headline, at, status=State.SCHEDULED):
        return ArticleFactory(headline=headline, status=status, published_at=at)

    # The newsroom's Sunday runs 05:00 UTC Sunday to 04:00 UTC Monday.
    live("Saturday 23:59 EST", dt.datetime(2026, 3, 8, 4, 59, tzinfo=dt.UTC))
    live(
        "Midnight EST",
        dt.datetime(2026, 3, 8, 5, 0, tzinfo=dt.UTC),
        status=State.PUBLISHED,
    )
    live("Sunday 23:59 EDT", dt.datetime(2026, 3, 9, 3, 59, tzinfo=dt.UTC))
    live("Monday midnight EDT", dt.datetime(2026, 3, 9, 4, 0, tzinfo=dt.UTC))
    live("Afternoon", dt.datetime(2026, 3, 8, 18, 15, tzinfo=dt.UTC))
    ArticleFactory(headline="Approved, no time yet", status=State.APPROVED)

    response = desk(client, editor)
    assert [str(row.item) for row in response.context["schedule"]] == [
        "Midnight EST",
        "Afternoon",
        "Sunday 23:59 EDT",
    ]
    assertContains(response, "Today, Sunday 8 March")
    assertContains(response, "00:00 EST")
    assertContains(response, "14:15 EDT")
    assertContains(response, "(18:15 UTC)")
    assertContains(response, "23:59 EDT")
    assertContains(response, "(03:59 UTC)")


def test_writer_sees_no_schedule_of_others(client, writer, moment):
    ArticleFactory(
        headline="Someone else's noon story",
        status=State.SCHEDULED,
        published_at=moment + dt.timedelta(hours=1),
    )
    response = desk(client, writer)
    assert response.context["schedule"] == []
    assertNotContains(response, "Someone else's noon story")


# --- Who sees what ------------------------------------------------------------


def test_queue_for_editors_only(client, writer, editor, queue):
    before = list(Article.objects.values_list("pk", "status", "version"))
    allowed = desk(client, editor)
    assert allowed.status_code == 200
    assert len(allowed.context["queue"]) == 3

    refused = desk(client, writer)
    assert refused.status_code == 200
    assert refused.context["queue"] == []
    assertNotContains(refused, "Oldest in queue")  # Otto's, under review
    # The writer's own story in review is on their page, not as a queue.
    assert group(refused, "in_review") == ["Newest in queue"]

    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_review_queue"))
    assert page.status_code == 403
    assert list(Article.objects.values_list("pk", "status", "version")) == before


def test_staff_without_a_role_get_djangos_index(client, moment, queue):
    staff = UserFactory(is_staff=True)
    response = desk(client, staff)
    assert response.status_code == 200
    assert "admin/index.html" in [t.name for t in response.templates]
    assertNotContains(response, "Oldest in queue")
    assertNotContains(response, 'id="my-stories"')


def test_not_staff_are_sent_to_log_in(client, moment, queue):
    outsider = UserFactory(is_staff=False)
    response = desk(client, outsider)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.logout()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_login_lands_writer_on_my_stories(client, moment):
    writer = user_in(WRITERS, username="lander")
    writer.set_password("sky-crane-writer")
    writer.save()
    response = client.post(
        reverse("admin:login"),
        {"username": "lander", "password": "sky-crane-writer", "next": "/admin/"},
        follow=True,
    )
    assert response.context["title"] == "My stories"


# --- Queries ------------------------------------------------------------------


def _pile(n, *, writer, editor, moment):
    for i in range(n):
        story = ArticleFactory(
            headline=f"Queued {i}",
            status=State.IN_REVIEW,
            section=SectionFactory(),
            created_by=writer,
        )
        story.bylines.create(author=AuthorFactory())
        step(story, State.IN_REVIEW, by=writer, at=moment - dt.timedelta(hours=i))
        step(story, State.IN_REVIEW, by=editor, at=moment, comment=f"Note {i}")
        ArticleFactory(
            headline=f"Today {i}",
            status=State.SCHEDULED,
            published_at=moment + dt.timedelta(minutes=i + 1),
            created_by=editor,
        )
        gallery = GalleryFactory(status=State.IN_REVIEW, created_by=writer)
        step(gallery, State.IN_REVIEW, by=writer, at=moment)
        for state in (State.DRAFT, State.CHANGES_REQUESTED):
            mine = ArticleFactory(status=state, created_by=writer)
            mine.bylines.create(author=AuthorFactory())
            step(mine, state, by=editor, at=moment, comment="Fix it")


@pytest.mark.parametrize("role", [EDITORS, WRITERS])
def test_front_page_queries_do_not_grow(
    client, moment, role, django_assert_max_num_queries
):
    writer = user_in(WRITERS, username="pilewriter")
    editor = user_in(EDITORS, username="pileeditor")
    viewer = editor if role == EDITORS else writer
    client.force_login(viewer)
    _pile(2, writer=writer, editor=editor, moment=moment)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("admin:index"))
    _pile(8, writer=writer, editor=editor, moment=moment)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("admin:index"))
    if role == EDITORS:
        assert len(response.context["queue"]) == 20
        assert len(response.context["schedule"]) == 10
    else:
        assert len(group(response, "sent_back")) == 10


def test_waited_in_newsroom_words():
    assert waited(dt.timedelta(seconds=30)) == "under a minute"
    assert waited(dt.timedelta(minutes=7)) == "7 min"
    assert waited(dt.timedelta(hours=3, minutes=20)) == "3 h 20 min"
    assert waited(dt.timedelta(days=2, hours=4, minutes=5)) == "2 days 4 h"
    assert waited(dt.timedelta(days=1)) == "1 day 0 h"

"""The workflow through the admin, as writers and editors use it: every refused
request shows 403 (or no access) AND leaves the database unchanged."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import SectionFactory
from tests.newsroom.workflow_helpers import edit_data, snapshot
from workflow import services
from workflow.models import Revision, ShareLink, Transition
from workflow.states import State

pytestmark = pytest.mark.django_db


def url(name, story, *args):
    return reverse(f"admin:articles_article_{name}", args=[story.pk, *args])


def login(client, user):
    client.force_login(user)
    return client


# --- A writer cannot reach another writer's draft ---------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("change", []),
        ("history", []),
        ("delete", []),
        ("revisions", []),
        ("diff", []),
        ("preview", []),
        ("revision_preview", [1]),
    ],
)
def test_writer_cannot_reach_another_writers_draft(
    client, story_in, other_writer, writer, name, args
):
    story = story_in(State.DRAFT, body="<p>Secret draft text</p>")
    services.save_revision(story, by=writer)
    before = snapshot(story)
    response = login(client, other_writer).get(url(name, story, *args))
    assert response.status_code in (302, 403, 404)
    assert b"Secret draft text" not in response.content
    assert snapshot(story) == before
    if name in ("revisions", "diff", "preview", "revision_preview"):
        # Exactly what a story that does not exist gets: ids cannot be probed.
        missing = client.get(
            url(name, story, *args).replace(f"/{story.pk}/", "/999999/")
        )
        assert (response.status_code, response.content) == (
            missing.status_code,
            missing.content,
        )


def test_writer_cannot_delete_another_writers_draft_by_post(
    client, story_in, other_writer
):
    story = story_in(State.DRAFT)
    response = login(client, other_writer).post(url("delete", story), {"post": "yes"})
    assert response.status_code in (302, 403)
    assert Article.objects.filter(pk=story.pk).exists()


def test_writer_list_shows_only_their_stories(client, story_in, writer, other_writer):
    mine = story_in(State.DRAFT, headline="Mine to edit")
    theirs = story_in(State.DRAFT, headline="Not mine")
    theirs.created_by = other_writer
    theirs.save()
    theirs.bylines.all().delete()
    response = login(client, writer).get(reverse("admin:articles_article_changelist"))
    assertContains(response, mine.headline)
    assertNotContains(response, "Not mine")


# --- Transitions over HTTP --------------------------------------------------


def test_writer_submits_over_http(client, story_in, writer, editor):
    story = story_in(State.DRAFT)
    response = login(client, writer).post(url("transition", story, "submit"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == State.IN_REVIEW
    assert Transition.for_item(story).get().by == writer


@pytest.mark.parametrize("action", ["publish", "approve", "schedule", "unpublish"])
def test_writer_refused_editor_actions_over_http(client, story_in, writer, action):
    state = State.PUBLISHED if action == "unpublish" else State.APPROVED
    if action == "approve":
        state = State.IN_REVIEW
    story = story_in(state)
    before = snapshot(story)
    response = login(client, writer).post(
        url("transition", story, action),
        {"comment": "because", "at": "2099-01-01T10:00"},
    )
    assert response.status_code == 403
    assert snapshot(story) == before


def test_editor_wrong_state_gets_a_message_and_no_change(client, story_in, editor):
    story = story_in(State.DRAFT)
    before = snapshot(story)
    response = login(client, editor).post(
        url("transition", story, "publish"), follow=True
    )
    assertContains(
        response, "cannot be published now: it is a draft. It must be sent for review"
    )
    assert snapshot(story) == before


def test_transition_needs_post(client, story_in, editor):
    story = story_in(State.APPROVED)
    assert (
        login(client, editor).get(url("transition", story, "publish")).status_code
        == 405
    )
    assert snapshot(story)[0] == State.APPROVED


def test_editor_schedules_in_newsroom_time_and_sees_utc(client, story_in, editor):
    story = story_in(State.APPROVED)
    response = login(client, editor).post(
        url("transition", story, "schedule"), {"at": "2099-07-04T14:00"}, follow=True
    )
    story.refresh_from_db()
    assert story.status == State.SCHEDULED
    assert story.published_at == dt.datetime(2099, 7, 4, 18, 0, tzinfo=dt.UTC)
    assertContains(
        response, "Scheduled: goes live Saturday 4 July 2099 at 14:00 EDT (18:00 UTC)"
    )
    assertContains(response, "= 2099-07-04 18:00 UTC")


def test_schedule_in_the_past_over_http_is_refused_clearly(client, story_in, editor):
    story = story_in(State.APPROVED)
    before = snapshot(story)
    response = login(client, editor).post(
        url("transition", story, "schedule"), {"at": "2001-01-01T09:00"}, follow=True
    )
    assertContains(response, "has already passed")
    assert snapshot(story) == before


def test_writer_cannot_publish_with_admin_action(client, story_in, writer):
    story = story_in(State.APPROVED)
    before = snapshot(story)
    login(client, writer).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [story.pk]},
    )
    assert snapshot(story) == before


def test_editor_publishes_with_admin_action(client, story_in, editor):
    story = story_in(State.APPROVED)
    login(client, editor).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [story.pk]},
    )
    story.refresh_from_db()
    assert story.status == State.PUBLISHED
    assert Transition.for_item(story).get().by == editor


def test_crafted_status_in_the_edit_form_is_ignored(client, story_in, writer):
    story = story_in(State.DRAFT)
    response = login(client, writer).post(
        url("change", story),
        edit_data(story, status="published", published_at_0="2020-01-01",
                  published_at_1="10:00", headline="Edited headline"),
    )  # fmt: skip
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Edited headline"
    assert (story.status, story.published_at) == (State.DRAFT, None)


def test_writer_cannot_edit_own_story_once_submitted(client, story_in, writer):
    story = story_in(State.IN_REVIEW)
    before = snapshot(story)
    response = login(client, writer).post(
        url("change", story), edit_data(story, headline="Sneaky change")
    )
    assert response.status_code == 403
    assert snapshot(story) == before


# --- Revisions, conflicts, restore, diff ------------------------------------


def test_every_save_stores_a_revision(client, story_in, writer):
    story = story_in(State.DRAFT)
    login(client, writer)
    for n in (1, 2):
        client.post(url("change", story), edit_data(story, headline=f"Take {n}"))
    revisions = Revision.for_item(story).order_by("number")
    assert [r.data["headline"] for r in revisions] == ["Take 1", "Take 2"]
    assert revisions[0].created_by == writer


def test_concurrent_edit_refused_and_nothing_lost(client, story_in, writer, editor):
    story = story_in(State.DRAFT, body="<p>Original</p>")
    services.save_revision(story, by=writer)
    stale = edit_data(story, body="<p>My careful rewrite</p>")  # loaded at rev 1
    # Meanwhile the editor saves.
    login(client, editor).post(
        url("change", story), edit_data(story, body="<p>Editor fix</p>")
    )
    story.refresh_from_db()
    assert story.body == "<p>Editor fix</p>"

    response = login(client, writer).post(url("change", story), stale)

    assert response.status_code == 200
    assertContains(response, "after you opened it. Nothing was overwritten")
    assertContains(response, "My careful rewrite")  # still on screen
    story.refresh_from_db()
    assert story.body == "<p>Editor fix</p>"  # not overwritten
    draft = Revision.for_item(story).get(kind=Revision.Kind.CONFLICT)
    assert draft.data["body"] == "<p>My careful rewrite</p>"
    assert draft.created_by == writer


def test_restore_writes_a_new_revision(client, story_in, editor):
    story = story_in(State.DRAFT, headline="First headline")
    services.save_revision(story, by=editor)
    story.headline = "Second headline"
    story.save()
    services.save_revision(story, by=editor)

    response = login(client, editor).post(
        url("restore", story, 1), {"_version": story.version}
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "First headline"
    numbers = list(
        Revision.for_item(story).order_by("number").values_list("number", "kind")
    )
    assert numbers == [(1, "saved"), (2, "saved"), (3, "restored")]


def test_diff_shows_the_change(client, story_in, editor):
    story = story_in(State.DRAFT, body="<p>The rover landed on Monday.</p>")
    services.save_revision(story, by=editor)
    story.body = "<p>The rover landed on Thursday.</p>"
    story.save()
    services.save_revision(story, by=editor)
    response = login(client, editor).get(url("diff", story), {"a": 1, "b": 2})
    assertContains(response, "<del>Monday.</del><ins>Thursday.</ins>")


@pytest.mark.parametrize("query", [{}, {"a": "x", "b": "2"}, {"a": "1", "b": "99"}])
def test_diff_with_bad_input_redirects_with_a_message(client, story_in, editor, query):
    story = story_in(State.DRAFT)
    services.save_revision(story, by=editor)
    response = login(client, editor).get(url("diff", story), query, follow=True)
    assertContains(response, "Pick two revisions to compare")


def test_editing_a_live_story_keeps_it_live_and_records_update(
    client, story_in, editor
):
    story = story_in(State.PUBLISHED)
    login(client, editor).post(url("change", story), edit_data(story, dek="Fresh dek"))
    story.refresh_from_db()
    assert story.status == State.PUBLISHED
    assert story.revised_at is not None
    response = client.get(story.get_absolute_url())
    assertContains(response, "Updated <time")


# --- Previews and share links -----------------------------------------------


def test_editor_previews_draft_with_banner_and_no_cache(client, story_in, editor):
    story = story_in(State.DRAFT, headline="Draft about Europa")
    response = login(client, editor).get(url("preview", story))
    assertContains(response, "Draft about Europa")
    assertContains(response, "not on the public site")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_revision_preview_shows_that_revision(client, story_in, editor):
    story = story_in(State.DRAFT, headline="Old headline")
    services.save_revision(story, by=editor)
    story.headline = "New headline"
    story.save()
    response = login(client, editor).get(url("revision_preview", story, 1))
    assertContains(response, "Old headline")
    assertNotContains(response, "<h1>New headline</h1>")


@pytest.fixture
def share(client, story_in, editor):
    story = story_in(State.IN_REVIEW, headline="Embargoed Mars sample story")
    login(client, editor).post(url("share", story))
    client.logout()
    link = ShareLink.objects.get()
    from django.test import RequestFactory

    from workflow.views import share_url

    return story, link, share_url(RequestFactory().get("/"), link)


def test_share_link_shows_the_story_to_anyone(client, share):
    story, link, address = share
    response = client.get(address)
    assertContains(response, "Embargoed Mars sample story")
    assertContains(response, "Shared for review; not published")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    lifetime = link.expires_at - link.created_at
    assert abs(lifetime - dt.timedelta(hours=48)) < dt.timedelta(seconds=5)


def test_expired_share_link_is_gone(client, share):
    story, link, address = share
    link.expires_at = timezone.now() - dt.timedelta(seconds=1)
    link.save()
    response = client.get(address)
    assert response.status_code == 410
    assertContains(response, "has expired", status_code=410)
    assertNotContains(response, "Embargoed", status_code=410)


def test_revoked_share_link_is_gone(client, share, editor):
    story, link, address = share
    login(client, editor).post(url("revoke", story, link.pk))
    client.logout()
    response = client.get(address)
    assert response.status_code == 410
    assertContains(response, "was withdrawn", status_code=410)


def test_tampered_share_link_is_404(client, share):
    story, link, address = share
    assert client.get(address[:-3] + "xyz/").status_code == 404
    assert client.get(address.replace(link.token, link.token[::-1])).status_code == 404


def test_share_link_for_another_story_is_404(client, share, story_in):
    story, link, address = share
    other = story_in(State.DRAFT)
    response = client.get(address.replace(f"/{story.pk}/", f"/{other.pk}/"))
    assert response.status_code == 404


def test_writer_cannot_create_share_links(client, story_in, writer):
    story = story_in(State.DRAFT)
    assert login(client, writer).post(url("share", story)).status_code == 403
    assert not ShareLink.objects.exists()


def test_previews_never_reach_public_lists(client, share):
    assertNotContains(client.get(reverse("home")), "Embargoed Mars sample story")


# --- Review queue, calendar, audit list, locks ------------------------------


def test_review_queue_oldest_first(client, story_in, writer, editor):
    first = story_in(State.DRAFT, headline="Submitted first")
    second = story_in(State.DRAFT, headline="Submitted second")
    services.transition(first, "submit", by=writer)
    services.transition(second, "submit", by=writer)
    Transition.objects.filter(object_id=second.pk).update(
        at=timezone.now() + dt.timedelta(minutes=5)
    )
    content = (
        login(client, editor)
        .get(reverse("admin:articles_article_review_queue"))
        .content.decode()
    )
    assert content.index("Submitted first") < content.index("Submitted second")


def test_review_queue_refused_to_writers(client, writer):
    response = login(client, writer).get(reverse("admin:articles_article_review_queue"))
    assert response.status_code == 403


def test_calendar_shows_scheduled_story_in_both_zones(client, story_in, editor):
    story = story_in(State.APPROVED, headline="Eclipse live blog")
    services.transition(
        story, "schedule", by=editor,
        at=dt.datetime(2099, 7, 4, 18, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    response = login(client, editor).get(
        reverse("admin:articles_article_calendar"), {"week": "2099-07-04"}
    )
    assertContains(response, "Eclipse live blog")
    assertContains(response, "14:00 EDT")
    assertContains(response, "(18:00 UTC)")


@pytest.mark.parametrize("week", ["nonsense", "2026-99-99", "%00", "9" * 1000])
def test_calendar_with_bad_week_shows_this_week(client, editor, week):
    response = login(client, editor).get(
        reverse("admin:articles_article_calendar"), {"week": week}
    )
    assert response.status_code == 200


def test_audit_list_shows_activity_and_is_read_only(client, story_in, writer, editor):
    story = story_in(State.DRAFT, headline="Audited")
    services.transition(story, "submit", by=writer, comment="Ready")
    response = login(client, editor).get(
        reverse("admin:workflow_transition_changelist")
    )
    assertContains(response, "Ready")
    assert client.get(reverse("admin:workflow_transition_add")).status_code == 403


def test_edit_lock_shows_who_else_has_it_open(client, story_in, editor, now):
    from tests.newsroom.workflow_helpers import user_in

    story = story_in(State.IN_REVIEW)
    other = user_in("Editors", username="priya", first_name="Priya", last_name="R")
    login(client, other).get(url("change", story))
    response = login(client, editor).get(url("change", story))
    assertContains(response, "Priya R (since")
    assertContains(response, "also has this open")


def test_change_form_shows_state_and_only_allowed_buttons(client, story_in, writer):
    story = story_in(State.DRAFT)
    response = login(client, writer).get(url("change", story))
    assertContains(response, 'class="workflow-state">Draft<')
    assertContains(response, "Submit for review")
    assertNotContains(response, "Publish now")


# --- E-mail -----------------------------------------------------------------


def test_editors_emailed_on_submit_writers_on_changes(
    story_in, writer, editor, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://news.example.com/"
    writer.email, editor.email = "wanda@example.com", "edie@example.com"
    writer.save()
    editor.save()
    story = story_in(State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "submit", by=writer)
    assert mail.outbox[-1].to == ["edie@example.com"]
    change = f"https://news.example.com/admin/articles/article/{story.pk}/change/"
    assert f"Open it: {change}" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "request_changes", by=editor, comment="Add a source")
    assert mail.outbox[-1].to == ["wanda@example.com"]
    assert "Add a source" in mail.outbox[-1].body


def test_mail_failure_never_breaks_a_transition(
    story_in, writer, editor, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(services, "send_mail", broken)
    story = story_in(State.DRAFT)
    editor.email = "edie@example.com"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "submit", by=writer)
    story.refresh_from_db()
    assert story.status == State.IN_REVIEW


def test_new_story_in_admin_belongs_to_its_writer(client, writer):
    from tests.factories import AuthorFactory

    profile = AuthorFactory(user=writer)
    section = SectionFactory()
    login(client, writer).post(
        reverse("admin:articles_article_add"),
        {
            "headline": "A writer's first draft",
            "section": section.pk,
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    story = Article.objects.get()
    assert story.created_by == writer
    assert story.status == State.DRAFT
    assert Revision.for_item(story).get().data["bylines"] == [profile.pk]
    assert [b.author for b in story.bylines.all()] == [profile]
    assert services.can_edit(writer, story)

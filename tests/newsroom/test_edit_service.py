"""An edit is one service (issue 13): `workflow.services.edit` decides who may
change what, claims the version, runs the publish check and writes the revision
and the history entry, once, whatever the caller: the admin's form or a direct
call. Each allowed edit is paired with a refused one that asserts the refusal
AND that nothing changed in the database."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import ImageFactory, SectionFactory
from tests.newsroom.workflow_helpers import edit_data
from workflow import services, signals
from workflow.models import Revision, Transition
from workflow.roles import EDITORS, WRITERS
from workflow.states import State

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def history(story):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(story.pk),
    )


def stored(story) -> dict:
    """Everything an edit writes, as the database holds it."""
    row = Article.objects.get(pk=story.pk)
    return {
        "headline": row.headline,
        "body": row.body,
        "featured": row.featured,
        "hero_image": row.hero_image_id,
        "version": row.version,
        "status": row.status,
        "revised_at": row.revised_at,
        "revisions": Revision.for_item(row).count(),
        "history": history(row).count(),
        "transitions": Transition.for_item(row).count(),
    }


def edited(story, **fields):
    """`story` as loaded by a page, with `fields` changed in memory."""
    item = Article.objects.get(pk=story.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    return item


# --- Who may edit ---------------------------------------------------------------


def test_a_writer_edits_their_own_draft(writer, story_in):
    story = story_in(State.DRAFT)
    before = stored(story)
    item = edited(story, headline="A better headline")

    revision = services.edit(item, by=writer, base_version=item.version)

    after = stored(story)
    assert after["headline"] == "A better headline"
    assert after["version"] == before["version"] + 1
    assert revision.data["headline"] == "A better headline"
    assert revision.created_by == writer


def test_a_writer_is_refused_another_writers_draft(other_writer, story_in):
    story = story_in(State.DRAFT)
    before = stored(story)
    item = edited(story, headline="Not mine to change")

    with pytest.raises(services.WorkflowPermissionDenied):
        services.edit(item, by=other_writer, base_version=item.version)

    assert stored(story) == before


def test_a_writer_is_refused_their_own_story_once_submitted(writer, story_in):
    story = story_in(State.IN_REVIEW)
    before = stored(story)
    item = edited(story, headline="Sneaky change")

    with pytest.raises(services.WorkflowPermissionDenied):
        services.edit(item, by=writer, base_version=item.version)

    assert stored(story) == before


def test_a_writer_edits_their_own_draft_in_the_admin(client, writer, story_in):
    story = story_in(State.DRAFT)
    client.force_login(writer)

    response = client.post(change_url(story), edit_data(story, headline="New words"))

    assert response.status_code == 302
    assert stored(story)["headline"] == "New words"


def test_another_writers_post_is_refused_in_the_admin(client, other_writer, story_in):
    story = story_in(State.DRAFT)
    before = stored(story)
    client.force_login(other_writer)

    response = client.post(change_url(story), edit_data(story, headline="Mine now"))

    assert response.status_code in (302, 403, 404)
    assert stored(story) == before


# --- The version ----------------------------------------------------------------


def test_an_edit_from_the_current_version_is_saved(editor, story_in):
    story = story_in(State.DRAFT)
    item = edited(story, body="<p>Fresh text.</p>")

    services.edit(item, by=editor, base_version=story.version)

    assert stored(story)["body"] == "<p>Fresh text.</p>"


# The page showed version 1; another save made it 2. A form that lost its
# version, or sends one that never was, is refused the same way.
@pytest.mark.parametrize("base_version", [1, None, 7])
def test_an_edit_from_a_stale_version_is_refused_and_writes_no_revision(
    editor, story_in, base_version
):
    story = story_in(State.DRAFT)
    services.edit(edited(story, headline="Someone else's"), by=editor, base_version=1)
    before = stored(story)
    item = edited(story, headline="Made from an old page")

    with pytest.raises(services.StaleVersion) as refused:
        services.edit(item, by=editor, base_version=base_version)

    assert refused.value.code == "stale"
    assert stored(story) == before


def test_a_stale_admin_post_shows_the_conflict_and_keeps_the_text(
    client, editor, writer, story_in
):
    story = story_in(State.DRAFT)
    stale = edit_data(story, body="<p>My careful rewrite</p>")
    services.edit(edited(story, body="<p>Editor fix</p>"), by=editor, base_version=1)
    before = stored(story)
    client.force_login(writer)

    response = client.post(change_url(story), stale)

    assert response.status_code == 200
    assertContains(response, "after you opened it. Nothing was overwritten")
    assertContains(response, "My careful rewrite")
    after = stored(story)
    # The refused text is kept (a conflict revision); nothing else is written.
    assert after.pop("revisions") == before.pop("revisions") + 1
    assert after == before
    assert Revision.for_item(story).latest("number").kind == Revision.Kind.CONFLICT


# --- Featuring ------------------------------------------------------------------


def test_featuring_is_a_permission_of_editors_only():
    editors = Group.objects.get(name=EDITORS)
    writers = Group.objects.get(name=WRITERS)
    assert editors.permissions.filter(codename="feature_article").exists()
    assert not writers.permissions.filter(codename="feature_article").exists()


def test_the_featured_field_is_guarded(editor, writer):
    assert services.guarded_fields(writer, Article) == ["featured"]
    assert services.guarded_fields(editor, Article) == []


def test_an_editor_features_a_story_through_the_service(editor, story_in):
    story = story_in(State.DRAFT)

    services.edit(edited(story, featured=True), by=editor, base_version=1)

    assert stored(story)["featured"] is True


def test_a_writer_featuring_through_the_service_is_refused(writer, story_in):
    story = story_in(State.DRAFT)
    before = stored(story)
    item = edited(story, featured=True, headline="Lead story, please")

    with pytest.raises(services.WorkflowPermissionDenied, match="feature"):
        services.edit(item, by=writer, base_version=1)

    assert stored(story) == before


def test_a_writer_unfeaturing_through_the_service_is_refused(writer, story_in):
    story = story_in(State.DRAFT, featured=True)
    before = stored(story)

    with pytest.raises(services.WorkflowPermissionDenied, match="feature"):
        services.edit(edited(story, featured=False), by=writer, base_version=1)

    assert stored(story) == before


def test_a_writer_may_edit_a_featured_story_leaving_it_featured(writer, story_in):
    story = story_in(State.DRAFT, featured=True)

    services.edit(edited(story, dek="A new dek"), by=writer, base_version=1)

    assert stored(story)["featured"] is True


def test_a_writer_creating_a_featured_story_through_the_service_is_refused(writer):
    story = Article(headline="Brand new", slug="brand-new", section=SectionFactory())
    story.featured = True

    with pytest.raises(services.WorkflowPermissionDenied, match="feature"):
        services.edit(story, by=writer)

    assert not Article.objects.filter(slug="brand-new").exists()
    assert not LogEntry.objects.exists()


def test_an_editor_features_a_story_through_the_admin(client, editor, story_in):
    story = story_in(State.DRAFT)
    client.force_login(editor)

    assertContains(client.get(change_url(story)), 'name="featured"')
    response = client.post(change_url(story), edit_data(story, featured="on"))

    assert response.status_code == 302
    assert stored(story)["featured"] is True


def test_a_writer_featuring_through_the_admin_changes_nothing_about_it(
    client, writer, story_in
):
    story = story_in(State.DRAFT)
    before = stored(story)
    client.force_login(writer)

    assertNotContains(client.get(change_url(story)), 'name="featured"')
    response = client.post(change_url(story), edit_data(story, featured="on"))

    assert response.status_code == 302  # the field is not theirs: ignored
    after = stored(story)
    assert after["featured"] is False
    # The rest of the (unchanged) edit is saved as any other.
    assert after["version"] == before["version"] + 1
    assert "eatured" not in history(story).get().get_change_message()


# --- Revision and history, once per edit -----------------------------------------


def test_an_admin_edit_writes_one_revision_and_one_history_entry(
    client, editor, story_in, django_capture_on_commit_callbacks
):
    story = story_in(State.DRAFT)
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs)

    signals.edited.connect(receiver)
    client.force_login(editor)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(change_url(story), edit_data(story, dek="New dek"))
    finally:
        signals.edited.disconnect(receiver)

    assert response.status_code == 302
    revision = Revision.for_item(story).get()
    assert (revision.kind, revision.data["dek"]) == (Revision.Kind.SAVED, "New dek")
    entry = history(story).get()
    assert (entry.action_flag, entry.user) == (CHANGE, editor)
    assert entry.get_change_message() not in ("", "No fields changed.")
    assert not Transition.for_item(story).exists()  # an edit is no transition
    assert [kw["revision"] for kw in sent] == [revision]


def test_a_service_edit_writes_one_revision_and_one_history_entry(
    editor, story_in, django_capture_on_commit_callbacks
):
    story = story_in(State.DRAFT)
    sent = []

    def receiver(**kwargs):
        sent.append(kwargs)

    signals.edited.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            revision = services.edit(
                edited(story, headline="Scripted"), by=editor, base_version=1
            )
    finally:
        signals.edited.disconnect(receiver)

    assert list(Revision.for_item(story)) == [revision]
    assert history(story).get().action_flag == CHANGE
    assert [kw["revision"] for kw in sent] == [revision]


def test_a_new_story_through_the_admin_writes_one_of_each(client, writer):
    section = SectionFactory()
    client.force_login(writer)

    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Fresh story",
            "slug": "fresh",
            "section": section.pk,
            "tags": "",
            "body": "<p>Text.</p>",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    story = Article.objects.get(slug="fresh")
    assert story.created_by == writer
    assert Revision.for_item(story).count() == 1
    assert history(story).get().action_flag == ADDITION


# --- The publish check for live items --------------------------------------------


def test_an_editor_edits_a_live_story(editor, story_in, now):
    story = story_in(State.PUBLISHED)

    services.edit(edited(story, headline="Updated"), by=editor, base_version=1)

    after = stored(story)
    assert (after["headline"], after["status"]) == ("Updated", State.PUBLISHED)
    assert after["revised_at"] == now


def test_an_edit_that_would_show_readers_a_picture_without_alt_text_is_refused(
    editor, story_in, now
):
    story = story_in(State.PUBLISHED)
    before = stored(story)
    item = edited(story, hero_image=ImageFactory(alt_text=""), headline="With art")

    with pytest.raises(services.NotPublishable, match="alt text"):
        services.edit(item, by=editor, base_version=1)

    assert stored(story) == before

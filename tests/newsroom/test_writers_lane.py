"""Writers see only what they may see (issue 12): every picker in the story form
(related stories, gallery, bylines) offers, and every posted id is accepted,
only from what the user may see; an id they may not see is refused with the
words a missing one gets; links an editor made to what a writer cannot see are
neither shown to the writer nor lost when the writer saves; featuring a story is
an editor's call, checked on the server. Each refusal also asserts that nothing
changed, in the database and on the page served."""

import datetime as dt
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    SectionFactory,
)
from tests.newsroom.workflow_helpers import edit_data
from workflow.states import State

pytestmark = pytest.mark.django_db

MISSING = 987654  # an id no row has


# --- Helpers -------------------------------------------------------------------


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def autocomplete(client, field, term="", model="article"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": model, "field_name": field,
         "term": term},
    )  # fmt: skip
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


def rows(story) -> tuple:
    """What a refused save must leave as it was."""
    story = Article.objects.get(pk=story.pk)
    return (
        story.version,
        story.headline,
        story.featured,
        story.gallery_id,
        sorted(story.related.values_list("pk", flat=True)),
        sorted(story.bylines.values_list("author_id", flat=True)),
    )


def field_errors(response, name: str) -> list[str]:
    """A field's error texts, with ids made alike (a many-valued field names the
    refused id in its message)."""
    errors = response.context["adminform"].form.errors.get(name, [])
    return [re.sub(r"\d+", "<id>", str(error)) for error in errors]


@pytest.fixture
def others_draft(other_writer):
    return ArticleFactory(headline="Secret scoop in the works", created_by=other_writer)


@pytest.fixture
def others_published(other_writer, now):
    return ArticleFactory(
        headline="Launch went fine", created_by=other_writer, published=True
    )


# --- Pickers: what the autocomplete offers -----------------------------------


def test_related_picker_offers_a_writer_own_work_and_published_stories_only(
    client, writer, story_in, others_draft, others_published, other_writer, now
):
    mine = story_in(State.DRAFT, headline="My own draft")
    ArticleFactory(
        headline="Embargoed for tomorrow",
        created_by=other_writer,
        status=State.SCHEDULED,
        published_at=now + dt.timedelta(days=1),
    )
    client.force_login(writer)

    offered = autocomplete(client, "related")

    assert mine.headline in offered
    assert others_published.headline in offered
    assert others_draft.headline not in offered
    assert "Embargoed for tomorrow" not in offered
    assert autocomplete(client, "related", term="Secret") == set()


def test_related_picker_offers_an_editor_every_story(
    client, editor, others_draft, others_published
):
    client.force_login(editor)

    offered = autocomplete(client, "related")

    assert {others_draft.headline, others_published.headline} <= offered


def test_gallery_picker_offers_a_writer_own_and_published_galleries_only(
    client, writer, other_writer, editor, now
):
    own = GalleryFactory(title="My gallery", created_by=writer)
    hidden = GalleryFactory(title="Secret gallery", created_by=other_writer)
    public = GalleryFactory(
        title="Public gallery",
        created_by=other_writer,
        status=State.PUBLISHED,
        published_at=now - dt.timedelta(hours=1),
    )

    client.force_login(writer)
    offered = autocomplete(client, "gallery")
    assert {own.title, public.title} <= offered
    assert hidden.title not in offered

    client.force_login(editor)
    assert hidden.title in autocomplete(client, "gallery")


def test_byline_picker_offers_active_authors_only(client, writer):
    AuthorFactory(name="Active Alice")
    AuthorFactory(name="Departed Dan", is_active=False)
    client.force_login(writer)

    offered = autocomplete(client, "author", model="byline")

    assert "Active Alice" in offered
    assert "Departed Dan" not in offered


# --- Forms: what a posted id may be ------------------------------------------


def test_a_hidden_related_story_is_refused_as_a_missing_one_is(
    client, writer, story_in, others_draft
):
    story = story_in(State.DRAFT)
    before = rows(story)
    client.force_login(writer)

    hidden = client.post(change_url(story), edit_data(story, related=[others_draft.pk]))
    missing = client.post(change_url(story), edit_data(story, related=[MISSING]))

    assert hidden.status_code == missing.status_code == 200
    assert field_errors(hidden, "related") == field_errors(missing, "related")
    assert field_errors(hidden, "related") == [
        "Select a valid choice. <id> is not one of the available choices."
    ]
    assertNotContains(hidden, others_draft.headline)
    assert rows(story) == before


def test_a_hidden_gallery_is_refused_as_a_missing_one_is(
    client, writer, other_writer, story_in
):
    story = story_in(State.DRAFT)
    secret = GalleryFactory(title="Secret gallery", created_by=other_writer)
    before = rows(story)
    client.force_login(writer)

    hidden = client.post(change_url(story), edit_data(story, gallery=secret.pk))
    missing = client.post(change_url(story), edit_data(story, gallery=MISSING))

    assert hidden.status_code == missing.status_code == 200
    assert field_errors(hidden, "gallery") == field_errors(missing, "gallery")
    assert field_errors(hidden, "gallery") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assertNotContains(hidden, secret.title)
    assert rows(story) == before


def test_an_editor_may_link_any_story_and_gallery(
    client, editor, story_in, others_draft, other_writer
):
    story = story_in(State.DRAFT)
    gallery = GalleryFactory(title="Secret gallery", created_by=other_writer)
    client.force_login(editor)

    response = client.post(
        change_url(story),
        edit_data(story, related=[others_draft.pk], gallery=gallery.pk),
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert list(story.related.all()) == [others_draft]
    assert story.gallery == gallery


def test_a_writer_may_link_a_published_story_of_another_writer(
    client, writer, story_in, others_published
):
    story = story_in(State.DRAFT)
    client.force_login(writer)

    response = client.post(
        change_url(story), edit_data(story, related=[others_published.pk])
    )

    assert response.status_code == 302
    assert list(story.related.all()) == [others_published]


def test_a_new_byline_for_an_inactive_author_is_refused_as_a_missing_one_is(
    client, writer, story_in
):
    story = story_in(State.DRAFT)
    departed = AuthorFactory(name="Departed Dan", is_active=False)
    before = rows(story)
    client.force_login(writer)

    def add_byline(author_id):
        data = edit_data(story)
        n = int(data["bylines-TOTAL_FORMS"])
        data[f"bylines-{n}-author"] = author_id
        data[f"bylines-{n}-position"] = n
        data["bylines-TOTAL_FORMS"] = str(n + 1)
        response = client.post(change_url(story), data)
        formset = response.context["inline_admin_formsets"][0].formset
        return response, [str(e) for e in formset.forms[n].errors.get("author", [])]

    inactive, inactive_errors = add_byline(departed.pk)
    missing, missing_errors = add_byline(MISSING)

    assert inactive.status_code == missing.status_code == 200
    assert inactive_errors == missing_errors != []
    assert rows(story) == before


def test_a_byline_of_an_author_who_left_stays_when_the_story_is_saved(
    client, editor, story_in
):
    departed = AuthorFactory(name="Departed Dan")
    story = story_in(State.DRAFT)
    story.bylines.create(author=departed, position=1)
    departed.is_active = False
    departed.save()
    client.force_login(editor)

    response = client.post(change_url(story), edit_data(story, headline="New words"))

    assert response.status_code == 302
    assert departed.pk in story.bylines.values_list("author_id", flat=True)


# --- Links an editor made to what the writer may not see ----------------------


def test_a_writer_never_sees_a_hidden_related_story_and_saving_keeps_it(
    client, writer, story_in, others_draft, others_published
):
    story = story_in(State.DRAFT)
    story.related.add(others_draft, others_published)  # by an editor
    client.force_login(writer)

    page = client.get(change_url(story))

    assertNotContains(page, others_draft.headline)
    assertContains(page, others_published.headline)
    assertContains(page, "Also linked: 1 story you cannot see; saving keeps them.")

    # The picker showed only the published story, so that is all the page sends.
    response = client.post(
        change_url(story),
        edit_data(story, headline="Writer's new headline",
                  related=[others_published.pk]),
    )  # fmt: skip

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Writer's new headline"
    assert set(story.related.all()) == {others_draft, others_published}
    # Nor does the history say the writer changed the links.
    entry = LogEntry.objects.filter(object_id=str(story.pk)).latest("pk")
    assert "Related" not in entry.get_change_message()


def test_a_writer_may_unlink_what_they_see_and_the_hidden_link_stays(
    client, writer, story_in, others_draft, others_published
):
    story = story_in(State.DRAFT)
    story.related.add(others_draft, others_published)
    client.force_login(writer)

    response = client.post(change_url(story), edit_data(story))  # none chosen

    assert response.status_code == 302
    assert list(story.related.all()) == [others_draft]


def test_a_hidden_gallery_is_not_shown_to_the_writer_and_saving_keeps_it(
    client, writer, other_writer, story_in
):
    secret = GalleryFactory(title="Secret gallery", created_by=other_writer)
    story = story_in(State.DRAFT, gallery=secret)
    client.force_login(writer)

    page = client.get(change_url(story))
    assertNotContains(page, secret.title)
    assertContains(page, "Linked: 1 gallery you cannot see")

    response = client.post(change_url(story), edit_data(story, gallery=""))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.gallery == secret


def test_a_refused_save_does_not_show_the_hidden_headline_either(
    client, writer, story_in, others_draft
):
    story = story_in(State.DRAFT)
    story.related.add(others_draft)
    before = rows(story)
    client.force_login(writer)

    response = client.post(change_url(story), edit_data(story, related=[MISSING]))

    assert response.status_code == 200
    assertNotContains(response, others_draft.headline)
    assert rows(story) == before


def test_the_read_only_page_of_a_story_in_review_names_only_what_the_writer_sees(
    client, writer, other_writer, story_in, others_draft, others_published
):
    secret = GalleryFactory(title="Secret gallery", created_by=other_writer)
    story = story_in(State.IN_REVIEW, gallery=secret)
    story.related.add(others_draft, others_published)
    client.force_login(writer)

    page = client.get(change_url(story))

    assert page.status_code == 200
    assertNotContains(page, others_draft.headline)
    assertNotContains(page, secret.title)
    assertContains(page, others_published.headline)
    assertContains(page, "1 story you cannot see")
    assertContains(page, "1 gallery you cannot see")


def test_an_editor_sees_every_link(client, editor, story_in, others_draft):
    story = story_in(State.DRAFT)
    story.related.add(others_draft)
    client.force_login(editor)

    page = client.get(change_url(story))

    assertContains(page, others_draft.headline)
    assertNotContains(page, "you cannot see")


# --- Featuring is an editor's call ---------------------------------------------


def test_a_writer_posting_featured_changes_nothing_about_featuring(
    client, writer, story_in
):
    story = story_in(State.DRAFT)
    client.force_login(writer)

    response = client.post(change_url(story), edit_data(story, featured="on"))

    assert response.status_code == 302  # the rest of the edit is saved
    story.refresh_from_db()
    assert story.featured is False


def test_a_writer_cannot_unfeature_a_story_either(client, writer, story_in):
    story = story_in(State.DRAFT, featured=True)
    client.force_login(writer)

    response = client.post(change_url(story), edit_data(story))  # no "featured"

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.featured is True


def test_a_writer_adding_a_story_cannot_feature_it(client, writer):
    section = SectionFactory()
    client.force_login(writer)

    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Brand new story",
            "slug": "brand-new-story",
            "section": section.pk,
            "tags": "",
            "body": "<p>Text.</p>",
            "featured": "on",
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Article.objects.get(slug="brand-new-story").featured is False


def test_an_editor_features_a_story(client, editor, story_in):
    story = story_in(State.DRAFT)
    client.force_login(editor)

    page = client.get(change_url(story))
    assertContains(page, 'name="featured"')
    response = client.post(change_url(story), edit_data(story, featured="on"))

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.featured is True


def test_a_writer_is_not_offered_the_featured_box(client, writer, story_in):
    story = story_in(State.DRAFT)
    client.force_login(writer)

    assertNotContains(client.get(change_url(story)), 'name="featured"')


def new_story_post(section, **bylines) -> dict:
    """The add form's POST as its page sends it, the byline row as shown."""
    return {
        "headline": "Brand new story",
        "slug": "brand-new-story",
        "section": section.pk,
        "tags": "",
        "body": "<p>Text.</p>",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        **bylines,
    }


def test_a_writers_new_story_opens_with_their_byline_and_the_checklist_counts_it(
    client, writer, now
):
    me = AuthorFactory(name="Wanda Writer", user=writer)
    section = SectionFactory()
    client.force_login(writer)

    page = client.get(reverse("admin:articles_article_add"))
    [row] = page.context["inline_admin_formsets"][0].formset.forms
    assert row["author"].value() == me.pk
    assertContains(page, f'<option value="{me.pk}" selected>Wanda Writer</option>')

    shown = {
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": str(me.pk),
        "bylines-0-position": "0",
    }
    checked = client.post(
        reverse("admin:articles_article_checklist_new"),
        new_story_post(section, **shown),
    ).json()
    assert {i["key"]: i["passed"] for i in checked["items"]}["bylines"] is True

    client.post(reverse("admin:articles_article_add"), new_story_post(section, **shown))
    story = Article.objects.get(slug="brand-new-story")
    assert list(story.bylines.values_list("author__name", flat=True)) == [
        "Wanda Writer"
    ]


def test_a_writer_who_clears_the_offered_byline_gets_none_on_the_checklist(
    client, writer, now
):
    AuthorFactory(name="Wanda Writer", user=writer)
    section = SectionFactory()
    client.force_login(writer)
    cleared = {
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-0-author": "",
        "bylines-0-position": "0",
    }
    checked = client.post(
        reverse("admin:articles_article_checklist_new"),
        new_story_post(section, **cleared),
    ).json()
    assert {i["key"]: i["passed"] for i in checked["items"]}["bylines"] is False


def test_an_editor_without_an_author_profile_gets_no_byline_row(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add"))
    assert page.context["inline_admin_formsets"][0].formset.forms == []

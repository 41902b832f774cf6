"""The story form's "Live coverage" (live re-registers the story admin): the
is_live switch, and for a live story the link to its desk and its coverage
times. Each allowed change has its refused pair (the status code, or the
switch read-only, and nothing changed)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from live import services
from tests.factories import ArticleFactory, AuthorFactory
from tests.newsroom.workflow_helpers import edit_data

MOMENT = dt.datetime(2026, 4, 1, 23, 35, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)


def change_url(story) -> str:
    return reverse("admin:articles_article_change", args=[story.pk])


def desk_url(story) -> str:
    return reverse("admin:live_desk", args=[story.pk])


def own_draft(writer, **fields):
    story = ArticleFactory(status=Status.DRAFT, created_by=writer, **fields)
    story.bylines.create(author=AuthorFactory(user=writer))
    return story


def live_state(story):
    return Article.objects.values_list("is_live", "coverage_start", "coverage_end").get(
        pk=story.pk
    )


def switch(story, on: bool) -> dict:
    data = edit_data(story, **{"is_live-shown": "1"})
    if on:
        data["is_live"] = "on"
    return data


def test_the_story_admin_is_lives_subclass_of_spaces():
    from django.contrib import admin

    from live.admin import LiveArticleAdmin
    from space.admin import SpaceArticleAdmin

    registered = admin.site._registry[Article]
    assert type(registered) is LiveArticleAdmin
    assert isinstance(registered, SpaceArticleAdmin)  # space's rows are kept


@pytest.mark.django_db
def test_a_live_storys_form_links_its_desk_and_shows_coverage(client, editor, writer):
    story = services.start_coverage(own_draft(writer), by=editor)
    client.force_login(editor)

    page = client.get(change_url(story))

    assert page.status_code == 200
    assert f'href="{desk_url(story)}">Open the live desk</a>' in page.text
    assert "Live coverage started" in page.text
    assert 'name="coverage_start"' not in page.text  # read-only
    assert 'name="is_live"' in page.text  # an editor may switch it off


@pytest.mark.django_db
def test_another_storys_form_has_no_desk_link(client, editor, writer):
    story = own_draft(writer)
    client.force_login(editor)

    page = client.get(change_url(story))

    assert page.status_code == 200
    assert "Open the live desk" not in page.text
    assert desk_url(story) not in page.text
    assert "Live coverage started" not in page.text
    assert 'name="is_live"' in page.text


@pytest.mark.django_db
def test_the_writer_of_a_live_story_opens_its_desk_from_the_form(
    client, editor, writer
):
    story = services.start_coverage(own_draft(writer), by=editor)
    client.force_login(writer)

    page = client.get(change_url(story))
    assert page.status_code == 200
    assert "Open the live desk" in page.text
    assert client.get(desk_url(story)).status_code == 200


@pytest.mark.django_db
def test_another_writer_has_neither_form_nor_desk(client, editor, writer, other_writer):
    story = services.start_coverage(own_draft(writer), by=editor)
    client.force_login(other_writer)
    assert client.get(change_url(story)).status_code in (302, 403, 404)
    assert client.get(desk_url(story)).status_code == 403


@pytest.mark.django_db
def test_editor_turns_live_coverage_on_and_off(client, editor, writer):
    story = own_draft(writer)
    client.force_login(editor)

    response = client.post(change_url(story), switch(story, on=True))

    assert response.status_code == 302
    assert live_state(story) == (True, MOMENT, None)

    story.refresh_from_db()
    response = client.post(change_url(story), switch(story, on=False))

    assert response.status_code == 302
    assert live_state(story)[0] is False


@pytest.mark.django_db
def test_writer_turns_their_story_live_but_may_not_turn_it_off(client, writer):
    story = own_draft(writer)
    client.force_login(writer)

    assert client.post(change_url(story), switch(story, on=True)).status_code == 302
    assert live_state(story) == (True, MOMENT, None)

    story.refresh_from_db()
    assert 'name="is_live"' not in client.get(change_url(story)).text  # read-only
    response = client.post(change_url(story), switch(story, on=False))
    assert response.status_code == 302  # the rest of the form is saved
    assert live_state(story) == (True, MOMENT, None)


@pytest.mark.django_db
def test_another_writer_may_not_turn_a_story_live(client, writer, other_writer):
    story = own_draft(writer)
    client.force_login(other_writer)

    response = client.post(change_url(story), switch(story, on=True))

    assert response.status_code in (302, 403, 404)
    assert "/login/" not in getattr(response, "url", "")
    assert live_state(story) == (False, None, None)


@pytest.mark.django_db
def test_a_form_posted_without_the_switch_leaves_it_as_it_is(client, editor, writer):
    """A page or script from before the switch: no checkbox is not "off"."""
    story = services.start_coverage(own_draft(writer), by=editor)
    client.force_login(editor)

    response = client.post(change_url(story), edit_data(story, headline="Go for TLI"))

    assert response.status_code == 302
    assert live_state(story) == (True, MOMENT, None)
    assert Article.objects.get(pk=story.pk).headline == "Go for TLI"


@pytest.mark.django_db
def test_an_ended_coverage_keeps_its_times_when_saved(client, editor, writer):
    story = services.start_coverage(own_draft(writer), by=editor)
    services.end_coverage(story, by=editor)
    story.refresh_from_db()
    client.force_login(editor)

    response = client.post(change_url(story), switch(story, on=True))

    assert response.status_code == 302
    assert live_state(story) == (True, MOMENT, MOMENT)

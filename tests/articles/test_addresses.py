"""A story's address is for ever: old slugs redirect, deleted stories are Gone."""

import pytest

from tests.factories import ArticleFactory
from workflow.states import State

pytestmark = pytest.mark.django_db


def test_changed_slug_redirects_permanently(client):
    story = ArticleFactory(slug="sky-crane-photo", published=True)
    story.slug = "perseverance-sky-crane-photo"
    story.save()
    response = client.get("/stories/sky-crane-photo/")
    assert response.status_code == 301
    assert response["Location"] == "/stories/perseverance-sky-crane-photo/"
    assert client.get(response["Location"]).status_code == 200


def test_changed_slug_twice_still_redirects_to_the_current_one(client):
    story = ArticleFactory(slug="first", published=True)
    for slug in ("second", "third"):
        story.slug = slug
        story.save()
    for old in ("first", "second"):
        response = client.get(f"/stories/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/stories/third/")


def test_draft_slug_changes_leave_no_redirects(client):
    story = ArticleFactory(slug="working-title")
    story.slug = "final-title"
    story.save()
    assert client.get("/stories/working-title/").status_code == 404


def test_old_slug_of_an_unpublished_story_is_404_not_a_redirect(client):
    story = ArticleFactory(slug="old", published=True)
    story.slug = "new"
    story.status = State.UNPUBLISHED
    story.save()
    assert client.get("/stories/old/").status_code == 404
    assert client.get("/stories/new/").status_code == 404


def test_deleted_story_is_gone(client):
    story = ArticleFactory(slug="retracted-story", published=True)
    story.delete()
    response = client.get("/stories/retracted-story/")
    assert response.status_code == 410
    assert b"This story has been removed" in response.content


def test_deleted_draft_is_just_not_found(client):
    ArticleFactory(slug="never-published").delete()
    assert client.get("/stories/never-published/").status_code == 404

"""A public picture's files are kept a year by the caches in front (Varnish, a
CDN: immutable addresses). So they name the picture's content key, and taking
down what showed the picture purges that key: an unpublished story's
embargoed picture stops being served by the caches, not only by the site."""

import pytest
from django.test import Client

from media_library.renditions import rendition_url
from media_library.usage import content_key
from tests.factories import AuthorFactory, ImageFactory, gallery_with
from workflow import services
from workflow.states import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def purged(monkeypatch, django_capture_on_commit_callbacks):
    """Run a change with its after-commit purges; the keys they purged."""
    seen = set()
    monkeypatch.setattr("newsroom.signals.purge", lambda keys: seen.update(keys))

    def run(change) -> set[str]:
        seen.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return set(seen)

    return run


def test_a_public_pictures_file_names_its_key_a_private_one_none(
    client, story_in, editor
):
    public, private = ImageFactory(), ImageFactory()
    story_in(State.PUBLISHED, hero_image=public)
    story_in(State.DRAFT, hero_image=private)

    response = client.get(rendition_url(public, "card", 480, "jpeg"))
    assert response.status_code == 200
    assert response["Surrogate-Key"] == content_key(public.pk)
    assert "immutable" in response["Cache-Control"]

    staff = Client()
    staff.force_login(editor)
    response = staff.get(rendition_url(private, "card", 480, "jpeg"))
    assert response.status_code == 200
    assert "Surrogate-Key" not in response  # kept by nobody in front
    assert "private" in response["Cache-Control"]


def test_unpublishing_a_story_purges_its_pictures(story_in, editor, purged):
    hero = ImageFactory()
    story = story_in(State.PUBLISHED, hero_image=hero)

    keys = purged(
        lambda: services.transition(story, "unpublish", by=editor, comment="Embargo")
    )

    assert content_key(hero.pk) in keys
    assert f"story:{story.pk}" in keys


def test_publishing_and_editing_leave_the_pictures_cached(story_in, editor, purged):
    hero = ImageFactory()
    story = story_in(State.APPROVED, hero_image=hero)

    published = purged(lambda: services.transition(story, "publish", by=editor))
    story.refresh_from_db()
    story.headline = "Clay at Jezero, confirmed"
    edited = purged(story.save)

    assert content_key(hero.pk) not in published | edited
    assert f"story:{story.pk}" in edited


def test_an_author_made_inactive_purges_their_headshot(purged):
    headshot = ImageFactory()
    author = AuthorFactory(headshot=headshot)
    author.bio = "Covers Mars."
    assert content_key(headshot.pk) not in purged(author.save)

    author.is_active = False
    assert content_key(headshot.pk) in purged(author.save)


def test_a_picture_taken_out_of_a_gallery_is_purged(purged, now):
    gallery = gallery_with(2, status=State.PUBLISHED, published_at=now)
    item = gallery.items.first()

    assert content_key(item.image_id) in purged(item.delete)

"""Issue 17: a picture's sizes are made when it is placed in something on its
way to readers, not in a reader's request. An upload queues them; when that
failed (or the picture predates it), approving, scheduling or publishing the
story or gallery that places it makes whatever is missing, and so does an edit
that places a picture in a published story."""

import pytest

from media_library import usage
from media_library.models import GalleryItem, Rendition
from media_library.tasks import missing_sizes
from tests.factories import ImageFactory, gallery_with
from workflow import services
from workflow.states import State

pytestmark = pytest.mark.django_db


def test_placed_images_finds_every_kind_of_placement(story_in):
    hero, inline = ImageFactory(), ImageFactory()
    story = story_in(State.DRAFT, hero_image=hero)
    story.inline_image_rows.create(image=inline)
    gallery = gallery_with(2)

    assert usage.placed_images(story) == sorted([hero.pk, inline.pk])
    assert usage.placed_images(gallery) == sorted(
        GalleryItem.objects.filter(gallery=gallery).values_list("image", flat=True)
    )


def test_approving_a_story_makes_its_missing_sizes(
    story_in, editor, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    story = story_in(State.IN_REVIEW, hero_image=image)
    assert missing_sizes(image)

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "approve", by=editor)

    assert missing_sizes(image) == []
    assert Rendition.objects.filter(image=image).exists()


def test_sending_a_story_back_makes_nothing(
    story_in, editor, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    story = story_in(State.IN_REVIEW, hero_image=image)

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "request_changes", by=editor, comment="Tighter")

    assert not Rendition.objects.filter(image=image).exists()


def test_publishing_a_gallery_makes_its_pictures_sizes(
    editor, django_capture_on_commit_callbacks
):
    gallery = gallery_with(1, status=State.APPROVED)
    image = gallery.items.get().image
    Rendition.objects.filter(image=image).delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(gallery, "publish", by=editor)

    assert missing_sizes(image) == []


def test_an_edit_to_a_published_story_makes_its_new_pictures_sizes(
    story_in, editor, django_capture_on_commit_callbacks
):
    story = story_in(State.PUBLISHED)
    image = ImageFactory()
    story.hero_image = image
    story.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.record_edit(story, by=editor)

    assert missing_sizes(image) == []


def test_an_edit_to_a_draft_makes_nothing(
    story_in, writer, django_capture_on_commit_callbacks
):
    story = story_in(State.DRAFT)
    image = ImageFactory()
    story.hero_image = image
    story.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.record_edit(story, by=writer)

    assert not Rendition.objects.filter(image=image).exists()

"""A picture's page lists where it is used; a draft a writer may not see is
named only by its kind there, never by its headline (issue 12)."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ImageFactory
from workflow.states import State

pytestmark = pytest.mark.django_db


def picture_page(user, image):
    client = Client()
    client.force_login(user)
    return client.get(reverse("admin:media_library_image_change", args=[image.pk]))


def test_another_writers_draft_is_not_named_on_the_picture_page(
    story_in, other_writer, writer, editor
):
    image = ImageFactory()
    story_in(State.DRAFT, hero_image=image, headline="Secret Artemis crew pick")

    seen_by_other = picture_page(other_writer, image)
    assertNotContains(seen_by_other, "Secret Artemis crew pick")
    assertContains(seen_by_other, "Hero image of a story you cannot see")

    assertContains(picture_page(writer, image), "Secret Artemis crew pick")
    assertContains(picture_page(editor, image), "Secret Artemis crew pick")


def test_a_live_story_is_named_to_everyone(story_in, other_writer):
    image = ImageFactory()
    story_in(State.PUBLISHED, hero_image=image, headline="Sky crane seen from orbit")
    assertContains(picture_page(other_writer, image), "Sky crane seen from orbit")

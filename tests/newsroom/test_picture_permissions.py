"""The permission matrix for library pictures (issue 12): every role × every
kind of use (none, drafts only, public) × what they try. Allowed cases show the
change; refused ones the refusal and that nothing changed."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from media_library.models import Image
from media_library.renditions import rendition_url
from media_library.usage import PictureOnTheSite, check_may_change, is_public
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    ImageFactory,
)
from workflow.states import State

pytestmark = pytest.mark.django_db


def hero_of(status, minutes_ago=60):
    def use(image):
        ArticleFactory(
            status=status,
            published_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
            hero_image=image,
        )

    return use


def inline_in_live_story(image):
    ArticleFactory(
        published=True, body=f'<figure data-library-image="{image.pk}"></figure>'
    )


def in_gallery(status):
    def use(image):
        gallery = GalleryFactory(
            status=status,
            published_at=timezone.now() - dt.timedelta(hours=1)
            if status == State.PUBLISHED
            else None,
        )
        gallery.items.create(image=image)

    return use


def headshot(active):
    def use(image):
        AuthorFactory(headshot=image, is_active=active)

    return use


# name -> (how the picture is used, whether readers see it)
USES = {
    "unused": (lambda image: None, False),
    "draft story's hero": (hero_of(State.DRAFT), False),
    "hero of a story scheduled for later": (hero_of(State.SCHEDULED, -60), False),
    "hero of a story whose minute has come": (hero_of(State.SCHEDULED, 1), True),
    "live story's hero": (hero_of(State.PUBLISHED), True),
    "unpublished story's hero": (hero_of(State.UNPUBLISHED), False),
    "live story's inline picture": (inline_in_live_story, True),
    "draft gallery's picture": (in_gallery(State.DRAFT), False),
    "public gallery's picture": (in_gallery(State.PUBLISHED), True),
    "active author's headshot": (headshot(True), True),
    "former author's headshot": (headshot(False), False),
}
# What they try: the fields changed.
CHANGES = {
    "credit": {"credit": "Someone Else"},
    "alt text": {"alt_text": "Something else."},
    "file": {"file": None},
    "focal point": {"focal_x": 0.2},
    "library title": {"title": "A better title"},
}
SHOWN = {"credit", "alt text", "file", "focal point"}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("use", list(USES))
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_who_may_change_a_picture(request, role, use, change, now):
    user = request.getfixturevalue(role)
    image = ImageFactory()
    make_use, public = USES[use]
    make_use(image)
    assert is_public(image) == public

    refused = role == "writer" and public and change in SHOWN
    if refused:
        with pytest.raises(PictureOnTheSite, match="only an editor may"):
            check_may_change(user, image, CHANGES[change])
    else:
        check_may_change(user, image, CHANGES[change])  # raises nothing


@pytest.mark.parametrize("use", list(USES))
@pytest.mark.parametrize("role", ["anonymous", "writer", "editor"])
def test_who_may_see_a_picture(request, client, role, use, now):
    image = ImageFactory()
    make_use, public = USES[use]
    make_use(image)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(rendition_url(image, "card", 480, "jpeg"))

    assert response.status_code == (200 if public or role != "anonymous" else 404)


@pytest.mark.parametrize("use", ["unused", "draft story's hero", "live story's hero"])
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_who_may_delete_a_picture(request, role, use, now):
    user = request.getfixturevalue(role)
    image = ImageFactory()
    USES[use][0](image)
    client = Client()
    client.force_login(user)
    url = reverse("admin:media_library_image_delete", args=[image.pk])

    response = client.post(url, {"post": "yes"})

    if role == "editor" and use == "unused":
        assert response.status_code == 302
        assert not Image.objects.filter(pk=image.pk).exists()
    else:
        # Writers may not delete; nobody deletes a picture in use.
        assert response.status_code in (200, 403)
        assert Image.objects.filter(pk=image.pk).exists()

"""The bulk upload can put its pictures in a gallery (issue 12): at its end, as
one edit of it; a gallery on the site takes them only when they pass the
publish check, and a writer may choose only galleries they may edit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from media_library.models import Gallery, GalleryItem, Image
from tests.factories import GalleryFactory, ImageFactory, image_bytes
from workflow.models import Revision
from workflow.states import State

pytestmark = pytest.mark.django_db
URL = reverse("admin:media_library_image_bulk_upload")


def upload(user, gallery, files):
    client = Client()
    client.force_login(user)
    return client.post(
        URL,
        {
            "files": files,
            "credit": "NASA",
            "licence": "public-domain",
            "tags": "",
            "gallery": gallery.pk if gallery else "",
        },
    )


def new_files(n, start=0):
    return [
        SimpleUploadedFile(
            f"flight-{i}.png", image_bytes(80, 60, color=(i, 40, 90), fmt="PNG")
        )
        for i in range(start, start + n)
    ]


def items(gallery) -> list[int]:
    return list(gallery.items.order_by("position").values_list("image_id", flat=True))


def test_uploads_go_to_the_end_of_a_draft_gallery(editor):
    gallery = GalleryFactory(created_by=editor)
    first = ImageFactory()
    gallery.items.create(image=first, position=0)
    version = Gallery.objects.get(pk=gallery.pk).version

    response = upload(editor, gallery, new_files(2))

    assertContains(response, "2 pictures added to the gallery")
    added = list(Image.objects.exclude(pk=first.pk).order_by("pk"))
    assert items(gallery) == [first.pk] + [i.pk for i in added]
    assert Gallery.objects.get(pk=gallery.pk).version == version + 1
    assert Revision.for_item(gallery).count() == 1


def test_a_live_gallery_refuses_pictures_without_alt_text(editor, client, media_files):
    gallery = GalleryFactory(
        status=State.PUBLISHED, published_at=timezone.now(), created_by=editor
    )
    gallery.items.create(image=ImageFactory(), position=0)
    before, page = items(gallery), client.get(gallery.get_absolute_url()).content

    response = upload(editor, gallery, new_files(2))

    assertContains(response, "Not added to the gallery")
    assertContains(response, "alt text")
    assert items(gallery) == before
    assert client.get(gallery.get_absolute_url()).content == page
    # The uploads themselves are in the library, waiting for their alt text.
    assert Image.objects.count() == 3


def test_a_live_gallery_takes_complete_pictures(editor, client):
    gallery = GalleryFactory(
        status=State.PUBLISHED, published_at=timezone.now(), created_by=editor
    )
    gallery.items.create(image=ImageFactory(), position=0)
    complete = ImageFactory(title="Booster catch")
    again = SimpleUploadedFile("catch.png", complete.file.read())  # the same bytes

    response = upload(editor, gallery, [again])

    assertContains(response, "1 picture added to the gallery")
    assert items(gallery)[-1] == complete.pk
    page = client.get(gallery.get_absolute_url())
    assertContains(page, f"/images/{complete.pk}/")
    assertContains(page, "2 pictures")


def test_a_writer_cannot_upload_into_a_gallery_they_may_not_edit(
    writer, other_writer, media_files
):
    theirs = GalleryFactory(created_by=other_writer, title="Otto's secret gallery")
    client = Client()
    client.force_login(writer)
    form = client.get(URL)
    assert "Otto's secret gallery" not in form.content.decode()

    response = upload(writer, theirs, new_files(1))

    assert response.status_code == 200
    assert "gallery" in response.context["form"].errors
    assert Image.objects.count() == 0  # refused before anything was stored
    assert media_files() == []
    assert GalleryItem.objects.count() == 0

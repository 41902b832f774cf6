import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from pytest_django.asserts import assertContains

from media_library.models import Image
from tests.factories import ImageFactory, UserFactory, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def upload_form(data: bytes, name="hazcam.png", **extra):
    return {
        "file": SimpleUploadedFile(name, data, content_type="image/png"),
        "title": "Hazcam view",
        "alt_text": "Smoke over a rocky plain.",
        "caption": "The plume.",
        "credit": "NASA/JPL-Caltech",
        "licence": "public-domain",
        "source_url": "",
        "tags": "Mars",
        **extra,
    }


def test_metadata_and_sha256_recorded_on_upload():
    data = image_bytes(320, 180, fmt="PNG")
    image = ImageFactory(file=ContentFile(data, name="hazcam.png"))
    image.refresh_from_db()
    assert (image.width, image.height) == (320, 180)
    assert image.format == "PNG"
    assert image.file_size == len(data)
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert image.orientation == "landscape"


def test_admin_upload_records_uploader_and_metadata(admin_client, media_files):
    data = image_bytes(200, 100, fmt="PNG")
    response = admin_client.post(
        reverse("admin:media_library_image_add"), upload_form(data)
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by.is_superuser
    assert (image.width, image.height, image.format) == (200, 100, "PNG")
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert len(media_files()) == 1


def test_duplicate_upload_refused_with_link_and_no_second_file(
    admin_client, media_files
):
    data = image_bytes(200, 100, fmt="PNG")
    original = ImageFactory(
        title="Sky crane plume", file=ContentFile(data, name="plume.png")
    )
    before = media_files()

    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(data, name="same-bytes-other-name.png"),
    )

    assert response.status_code == 200
    change_url = reverse("admin:media_library_image_change", args=[original.pk])
    assertContains(
        response,
        f'already in the library as <a href="{change_url}">“Sky crane plume”</a>',
    )
    assert Image.objects.count() == 1
    assert media_files() == before


def test_duplicate_saved_past_the_form_leaves_no_file(media_files):
    data = image_bytes(50, 50, fmt="PNG")
    ImageFactory(file=ContentFile(data, name="first.png"))
    before = media_files()
    with pytest.raises(IntegrityError):
        ImageFactory(file=ContentFile(data, name="second.png"))
    assert media_files() == before
    assert Image.objects.count() == 1


def test_non_image_upload_refused_with_clear_error(admin_client, media_files):
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(b"<svg onload=alert(1)></svg>", name="evil.png"),
    )
    assert response.status_code == 200
    assertContains(response, "SVG drawings are not accepted")
    assert Image.objects.count() == 0
    assert media_files() == []


def test_required_alt_text_and_credit(admin_client, media_files):
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(image_bytes(fmt="PNG"), alt_text="", credit=""),
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"alt_text", "credit"}
    assert Image.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "..\\..\\win.png", "a/b/c.png", "ev\x00il.png"]
)
def test_file_names_reduced_to_safe_basename(name, settings):
    image = ImageFactory(file=ContentFile(image_bytes(fmt="PNG"), name=name))
    stored = image.file.name
    assert stored.startswith("images/")
    assert ".." not in stored
    assert "\\" not in stored
    assert "\x00" not in stored
    assert re.fullmatch(r"images/\d{4}/\d\d/[0-9a-f]{32}/[\w.-]+", stored)
    assert (settings.MEDIA_ROOT / stored).is_file()


def test_same_file_name_twice_does_not_overwrite():
    first = ImageFactory(file=ContentFile(image_bytes(fmt="PNG"), name="launch.png"))
    second = ImageFactory(
        file=ContentFile(image_bytes(color=(1, 2, 3), fmt="PNG"), name="launch.png")
    )
    assert first.file.name != second.file.name


def test_image_list_shows_thumbnails_and_searches(admin_client):
    ImageFactory(title="Hazcam plume", credit="NASA/JPL-Caltech")
    ImageFactory(title="Falcon 9 launch", credit="SpaceX")
    url = reverse("admin:media_library_image_changelist")
    response = admin_client.get(url, {"q": "SpaceX"})
    assertContains(response, "Falcon 9 launch")
    assert "Hazcam plume" not in response.content.decode()
    assertContains(response, "<img src=")


def test_upload_over_the_byte_limit_refused(admin_client, media_files, settings):
    data = image_bytes(300, 300, fmt="PNG")
    settings.IMAGE_MAX_UPLOAD_BYTES = len(data) - 1
    response = admin_client.post(
        reverse("admin:media_library_image_add"), upload_form(data)
    )
    assert response.status_code == 200
    assertContains(response, "the library takes images up to")
    assert Image.objects.count() == 0
    assert media_files() == []

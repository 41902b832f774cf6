"""Renditions: made on first use and stored, once even under concurrent first
requests; crops keep the focal point; a new focal point or file retires them."""

import io
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image as PILImage

from media_library import renditions, tasks
from media_library.models import Image, Rendition
from media_library.renditions import (
    SPECS,
    avif_available,
    plan,
    rendition_for,
    rendition_url,
)
from tests.factories import ArticleFactory, ImageFactory, UserFactory, image_bytes

pytestmark = pytest.mark.django_db


def rendition_files(media_files) -> list[str]:
    return [name for name in media_files() if name.startswith("renditions/")]


def landscape(width=1600, height=900, **kwargs) -> Image:
    data = image_bytes(width, height, color=(90, 90, 90), fmt="PNG")
    return ImageFactory(file=ContentFile(data, name="wide.png"), **kwargs)


def test_made_on_first_use_then_reused(media_files, django_assert_num_queries):
    image = landscape()
    assert rendition_files(media_files) == []  # nothing made at upload

    first = rendition_for(image, spec="card", width=480, fmt="webp")

    assert (first.width, first.height) == (480, 270)
    assert len(rendition_files(media_files)) == 1
    with PILImage.open(first.file) as picture:
        assert (picture.format, picture.size) == ("WEBP", (480, 270))
    with django_assert_num_queries(1):  # one lookup, no rendering
        again = rendition_for(image, spec="card", width=480, fmt="webp")
    assert again.pk == first.pk
    assert len(rendition_files(media_files)) == 1


def published_hero(image: Image) -> Image:
    """Put `image` on a live story, so readers may see it."""
    ArticleFactory(published=True, hero_image=image)
    return image


def test_view_makes_the_file_once_and_sends_it(client, media_files):
    image = published_hero(landscape())
    url = rendition_url(image, "hero", 800, "jpeg")

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    with PILImage.open(io.BytesIO(b"".join(response.streaming_content))) as sent:
        assert (sent.format, sent.size) == ("JPEG", (800, 450))
    assert client.get(url).status_code == 200
    assert Rendition.objects.count() == 1
    assert len(rendition_files(media_files)) == 1


def test_old_version_redirects_to_the_current_one(client):
    image = published_hero(landscape())
    old = rendition_url(image, "card", 480, "jpeg")
    image.focal_x = 0.1
    image.save()

    response = client.get(old)

    assert response.status_code == 302
    assert response["Location"] == rendition_url(image, "card", 480, "jpeg")
    assert Rendition.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    ["card-481.jpg", "poster-480.jpg", "social-1200.webp", "card-480.png"],
)
def test_only_the_specs_sizes_and_formats_exist(client, path):
    image = published_hero(landscape())
    base = rendition_url(image, "card", 480, "jpeg").rsplit("/", 1)[0]
    assert client.get(f"{base}/{path}").status_code == 404
    assert Rendition.objects.count() == 0


def test_missing_image_is_404(client):
    image = landscape()
    url = rendition_url(image, "card", 480, "jpeg")
    image.delete()
    assert client.get(url).status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one lock for the whole database, so writers cannot race; "
    "the row-level wait on the unique constraint needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_make_one_file(media_files, monkeypatch):
    # The upload commits here: keep its renditions from being made ahead, so
    # the requests below are the first.
    monkeypatch.setattr(tasks, "make_renditions_later", lambda image: None)
    image = landscape()
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    made, errors = [], []

    def first_request():
        try:
            own = Image.objects.get(pk=image.pk)  # each request loads its own
            barrier.wait()
            made.append(rendition_for(own, spec="hero", width=1200, fmt="jpeg").pk)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(made) == threads_count
    assert len(set(made)) == 1
    assert Rendition.objects.count() == 1
    assert len(rendition_files(media_files)) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one lock for the whole database, so writers cannot race; "
    "the row-level wait on the unique constraint needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_task_and_readers_at_once_make_each_size_once(media_files, monkeypatch):
    """Two workers making the hero sizes ahead while readers ask for one."""
    monkeypatch.setattr(tasks, "make_renditions_later", lambda image: None)
    image = landscape()
    barrier = threading.Barrier(6)
    errors = []

    def work(kind):
        try:
            own = Image.objects.get(pk=image.pk)
            barrier.wait()
            if kind == "task":
                tasks.make_renditions.call(own.pk, own.rendition_version, "hero")
            else:
                rendition_for(own, spec="hero", width=1200, fmt="jpeg")
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(kind,))
        for kind in ["task", "task", "reader", "reader", "reader", "reader"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sizes = len(renditions.candidates(image, SPECS["hero"])) * len(
        renditions.formats_for(SPECS["hero"])
    )
    assert Rendition.objects.count() == sizes
    assert len(rendition_files(media_files)) == sizes


# --- Focal point ---------------------------------------------------------------

FOCAL_POINTS = [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5), (0.03, 0.97), (0.9, 0.1)]
SHAPES = [(4000, 1000), (1000, 4000), (1600, 900), (900, 1600), (500, 500)]


@pytest.mark.parametrize("spec", ["thumbnail", "card", "hero", "social"])
@pytest.mark.parametrize("size", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("focal", FOCAL_POINTS, ids=str)
def test_crop_keeps_the_focal_point_inside(spec, size, focal):
    width, height = size
    crop = plan(width, height, focal, SPECS[spec], SPECS[spec].widths[0])
    left, top, right, bottom = crop.box
    assert 0 <= left < right <= width
    assert 0 <= top < bottom <= height
    assert left <= focal[0] * width <= right
    assert top <= focal[1] * height <= bottom
    rw, rh = SPECS[spec].ratio
    assert abs((right - left) / (bottom - top) - rw / rh) < 0.01
    assert abs(crop.width / crop.height - rw / rh) < 0.01


def test_crop_centres_on_the_focal_point_when_it_can():
    crop = plan(4000, 1000, (0.5, 0.5), SPECS["thumbnail"], 160)
    assert crop.box == (1500, 0, 2500, 1000)
    crop = plan(4000, 1000, (0.3, 0.5), SPECS["thumbnail"], 160)
    assert crop.box == (700, 0, 1700, 1000)


def test_rendered_crop_shows_what_is_at_the_focal_point():
    # A grey panorama with one red square near its right edge.
    picture = PILImage.new("RGB", (2000, 500), (128, 128, 128))
    picture.paste((255, 0, 0), (1800, 200, 1900, 300))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = ImageFactory(
        file=ContentFile(buffer.getvalue(), name="pano.png"), focal_x=0.925
    )

    made = rendition_for(image, spec="thumbnail", width=160, fmt="jpeg")

    with PILImage.open(made.file) as square:
        colours = {square.getpixel((x, 80))[:3] for x in range(0, 160, 4)}
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in colours)


def test_never_wider_than_the_picture():
    image = landscape(300, 200)
    widths = [p.width for _, p in renditions.candidates(image, SPECS["hero"])]
    assert widths == [300]
    made = rendition_for(image, spec="hero", width=1600, fmt="jpeg")
    assert (made.width, made.height) == (300, 169)


# --- Retiring ------------------------------------------------------------------


def test_new_focal_point_retires_renditions_and_their_files(
    media_files, django_capture_on_commit_callbacks
):
    image = landscape()
    rendition_for(image, spec="card", width=480, fmt="jpeg")
    rendition_for(image, spec="thumbnail", width=160, fmt="webp")
    old_url = rendition_url(image, "card", 480, "jpeg")
    old_files = rendition_files(media_files)
    assert len(old_files) == 2

    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x, image.focal_y = 0.2, 0.8
        image.save()

    # The old version's rows and files are gone; the new version's are made
    # ahead (media_library.tasks), under new names.
    assert set(Rendition.objects.values_list("version", flat=True)) == {
        image.rendition_version
    }
    assert not set(old_files) & set(rendition_files(media_files))
    assert rendition_url(image, "card", 480, "jpeg") != old_url
    fresh = rendition_for(image, spec="card", width=480, fmt="jpeg")
    assert fresh.version == image.rendition_version


def test_saving_without_changes_keeps_renditions(
    media_files, django_capture_on_commit_callbacks
):
    image = landscape()
    rendition_for(image, spec="card", width=480, fmt="jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.get(pk=image.pk).save()
    assert Rendition.objects.count() == 1
    assert len(rendition_files(media_files)) == 1


def test_replacing_the_file_retires_renditions_and_the_old_file(
    client, media_files, django_capture_on_commit_callbacks
):
    image = landscape()
    old_file = image.file.name
    rendition_for(image, spec="card", width=480, fmt="jpeg")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    replacement = image_bytes(800, 600, color=(1, 2, 3), fmt="PNG")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:media_library_image_change", args=[image.pk]),
            {
                "file": SimpleUploadedFile("new.png", replacement),
                "title": image.title,
                "alt_text": image.alt_text,
                "caption": image.caption,
                "credit": image.credit,
                "licence": image.licence,
                "source_url": "",
                "focal_x": "0.5",
                "focal_y": "0.5",
                "tags": "",
                "_version": image.version,
            },
        )

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.width, image.height) == (800, 600)
    # Renditions of the old file are gone; the new one's are made ahead.
    current = Rendition.objects.filter(version=image.rendition_version)
    assert Rendition.objects.count() == current.count() > 0
    assert media_files() == sorted([image.file.name, *(r.file.name for r in current)])
    assert old_file not in media_files()


def test_deleting_an_image_deletes_its_files(
    media_files, django_capture_on_commit_callbacks
):
    image = landscape()
    rendition_for(image, spec="card", width=480, fmt="jpeg")
    assert len(media_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert media_files() == []


# --- Formats -------------------------------------------------------------------


@pytest.mark.skipif(
    not avif_available(),
    reason="this Pillow cannot encode AVIF (PIL.features.check('avif') is false "
    "or its libavif has no encoder); pages fall back to WebP and JPEG",
)
def test_avif_rendition():
    made = rendition_for(landscape(), spec="card", width=480, fmt="avif")
    with PILImage.open(made.file) as picture:
        assert (picture.format, picture.size) == ("AVIF", (480, 270))


def test_without_avif_encoding_webp_and_jpeg_only(monkeypatch):
    monkeypatch.setattr(renditions, "avif_available", lambda: False)
    assert renditions.formats_for(SPECS["card"]) == ("webp", "jpeg")
    assert renditions.formats_for(SPECS["social"]) == ("jpeg",)


def test_transparent_png_keeps_alpha_in_webp_and_goes_on_white_in_jpeg():
    picture = PILImage.new("RGBA", (400, 400), (0, 0, 0, 0))
    picture.paste((0, 0, 255, 255), (0, 0, 200, 400))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = ImageFactory(file=ContentFile(buffer.getvalue(), name="logo.png"))

    webp = rendition_for(image, spec="thumbnail", width=160, fmt="webp")
    jpeg = rendition_for(image, spec="thumbnail", width=160, fmt="jpeg")

    with PILImage.open(webp.file) as picture:
        assert picture.mode == "RGBA"
        assert picture.getpixel((150, 80))[3] == 0
    with PILImage.open(jpeg.file) as picture:
        assert picture.getpixel((150, 80)) > (240, 240, 240)
        assert picture.getpixel((10, 80))[2] > 200


def test_a_width_a_small_picture_cannot_fill_redirects_to_the_one_made_ahead(client):
    """A picture narrower than the spec's widths has one rendition for them
    all (`candidates`): the wider address redirects to it rather than making a
    copy in a reader's request, and structured data names the one made."""
    small = published_hero(landscape(width=600, height=338))
    made_width, _ = renditions.candidates(small, SPECS["hero"])[0]
    assert made_width == 800

    response = client.get(rendition_url(small, "hero", 1200, "jpeg"))

    assert response.status_code == 302
    assert response["Location"] == rendition_url(small, "hero", 800, "jpeg")
    assert not Rendition.objects.filter(image=small, target_width=1200).exists()
    url, width, _ = renditions.jpeg(small, "hero", 1200)
    assert (url, width) == (rendition_url(small, "hero", 800, "jpeg"), 600)

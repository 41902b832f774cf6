"""`strip_image_metadata`: originals stored before uploads were stripped lose
their GPS position and the rest, by the upload's own stripping; only files that
carry some are rewritten, renditions are remade only where the pixels changed,
a second run changes nothing, and a broken file does not stop the others."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import ExifTags, PngImagePlugin
from PIL import Image as PILImage

from media_library.models import Image, Rendition
from media_library.renditions import rendition_for
from media_library.validation import check_upload
from tests.factories import ImageFactory, exif_jpeg, image_bytes, xmp_packet

pytestmark = pytest.mark.django_db


def legacy_image(data: bytes, name: str = "legacy.jpg", **fields) -> Image:
    """An image stored as uploaded, metadata and all, as the library once did."""
    stored = default_storage.save(f"images/2019/05/{name}", ContentFile(data))
    with PILImage.open(io.BytesIO(data)) as picture:
        width, height = picture.size
    return Image.objects.create(
        file=stored,
        title=fields.pop("title", name),
        alt_text="A rocket on the pad at dawn.",
        credit="NASA",
        width=width,
        height=height,
        file_size=len(data),
        format="JPEG" if name.endswith(".jpg") else "PNG",
        sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )


def two_tone() -> PILImage.Image:
    """60 × 40: the left half red, the right half blue."""
    picture = PILImage.new("RGB", (60, 40), (0, 0, 255))
    picture.paste((255, 0, 0), (0, 0, 30, 40))
    return picture


def phone_photo() -> bytes:
    """Held upright (orientation 6), with GPS position, camera and XMP."""
    return exif_jpeg(
        two_tone(), orientation=6, gps=True, xmp=xmp_packet(title="Pad 39A")
    )


def png_with_text(**chunks: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def strip(*args) -> str:
    out = io.StringIO()
    call_command("strip_image_metadata", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def carries_nothing(data: bytes) -> None:
    with PILImage.open(io.BytesIO(data)) as picture:
        assert not picture.getexif()
        assert not picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not {"xmp", "photoshop", "comment", "exif"} & picture.info.keys()
    assert b"PhoneMaker" not in data
    assert b"Pad 39A" not in data


def test_gps_stripped_picture_turned_upright_and_renditions_remade(
    media_files, django_capture_on_commit_callbacks
):
    uploaded = phone_photo()
    image = legacy_image(uploaded)
    old_file = image.file.name
    rendition_for(image, spec="card", width=480, fmt="jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        output = strip()

    image.refresh_from_db()
    assert "exif, xmp removed; renditions made again" in output
    assert "1 stripped (1 with new renditions), 0 already clean" in output
    stored = image.file.read()
    carries_nothing(stored)
    assert (image.width, image.height, image.file_size) == (40, 60, len(stored))
    with PILImage.open(io.BytesIO(stored)) as picture:
        assert picture.size == (40, 60)
        assert picture.getpixel((20, 5))[0] > 180  # red on top: turned upright
    # The very bytes an upload of the same file is stored as: one stripping.
    assert stored == check_upload(ContentFile(uploaded, "x.jpg")).file.read()
    assert image.sha256 == hashlib.sha256(uploaded).hexdigest()  # as uploaded
    assert old_file not in media_files()
    # Renditions of the old file are gone; the new one's are made ahead.
    current = Rendition.objects.filter(version=image.rendition_version)
    assert Rendition.objects.count() == current.count() > 0
    assert media_files() == sorted([image.file.name, *(r.file.name for r in current)])


def test_same_pixels_keep_their_renditions(
    admin_client, media_files, django_capture_on_commit_callbacks
):
    image = legacy_image(
        png_with_text(Comment="Shot from 28.5N 80.6W", Author="J. Doe"), "pad.png"
    )
    made = rendition_for(image, spec="card", width=480, fmt="webp")

    with django_capture_on_commit_callbacks(execute=True):
        output = strip()

    image.refresh_from_db()
    assert "Author, Comment removed; renditions kept" in output
    stored = image.file.read()
    assert b"28.5N" not in stored
    assert b"J. Doe" not in stored
    this_size = {"spec": "card", "target_width": 480, "format": "webp"}
    kept = Rendition.objects.get(**this_size)
    assert (kept.pk, kept.file.name) == (made.pk, made.file.name)
    assert kept.version == image.rendition_version
    assert made.file.name in media_files()
    response = admin_client.get(
        f"/images/{image.pk}/{image.rendition_version}/card-480.webp"
    )
    assert response.status_code == 200  # the address still names this version
    # served, not made again
    assert Rendition.objects.get(**this_size).pk == made.pk


def test_a_motion_photos_video_is_dropped(django_capture_on_commit_callbacks):
    # An MP4 whose metadata names where it was shot (the ©xyz box).
    where = b"\x00\x00\x00\x1a\xa9xyz+28.5724-080.6490/"
    video = (
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42"
        + (8 + 8 + len(where)).to_bytes(4, "big")
        + b"moov"
        + (8 + len(where)).to_bytes(4, "big")
        + b"udta"
        + where
        + b"\x00\x00\x00\x10mdat"
        + bytes(range(8))
    )
    image = legacy_image(image_bytes(80, 60) + video, "motion.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        output = strip()
    assert "trailing data removed" in output
    image.refresh_from_db()
    stored = image.file.read()
    assert b"ftyp" not in stored
    assert b"+28.5724" not in stored


def test_second_run_changes_nothing(media_files, django_capture_on_commit_callbacks):
    legacy_image(phone_photo())
    legacy_image(png_with_text(Comment="secret"), "chart.png")
    ImageFactory()  # uploaded now: stripped already
    with django_capture_on_commit_callbacks(execute=True):
        strip()
    files = {name: default_storage.open(name).read() for name in media_files()}
    rows = list(Image.objects.values_list("file", "width", "height", "file_size"))

    with django_capture_on_commit_callbacks(execute=True):
        output = strip("--verbosity", "2")

    assert "0 stripped (0 with new renditions), 3 already clean" in output
    assert output.count("Clean: ") == 3
    assert {name: default_storage.open(name).read() for name in media_files()} == (
        files
    )
    assert (
        list(Image.objects.values_list("file", "width", "height", "file_size")) == rows
    )


def test_dry_run_writes_nothing(media_files, django_capture_on_commit_callbacks):
    image = legacy_image(phone_photo())
    rendition_for(image, spec="card", width=480, fmt="jpeg")
    before = media_files()
    with django_capture_on_commit_callbacks(execute=True):
        output = strip("--dry-run")
    assert "exif, xmp would be removed; renditions would be made again" in output
    assert "1 would be stripped" in output
    assert media_files() == before
    image.refresh_from_db()
    assert (image.width, image.height) == (60, 40)
    assert b"PhoneMaker" in image.file.read()
    assert Rendition.objects.count() == 1


def test_a_broken_file_is_reported_and_the_others_stripped(
    django_capture_on_commit_callbacks,
):
    missing = legacy_image(image_bytes(color=(1, 2, 3)), "gone.jpg")
    default_storage.delete(missing.file.name)
    garbled = legacy_image(image_bytes(color=(4, 5, 6)), "garbled.jpg")
    with default_storage.open(garbled.file.name, "wb") as damaged:
        damaged.write(b"\xff\xd8\xff\xe0 not really a picture")
    good = legacy_image(phone_photo(), "good.jpg")
    errors = io.StringIO()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CommandError) as failed,
    ):
        call_command("strip_image_metadata", stdout=io.StringIO(), stderr=errors)

    assert "1 stripped (1 with new renditions)" in str(failed.value)
    assert "2 unreadable" in str(failed.value)
    assert f"#{missing.pk} “gone.jpg”" in errors.getvalue()
    assert f"#{garbled.pk} “garbled.jpg”" in errors.getvalue()
    good.refresh_from_db()
    carries_nothing(good.file.read())

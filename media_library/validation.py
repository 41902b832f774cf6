"""Upload checks for the image library: the one place that decides whether a
file may become a library image, whoever hands it over (the admin form, the bulk
upload, `load_demo`, a shell session: `Image.save()` runs it for every new file).

`check_upload(file, name=...)` reads the file once and, in this order:

1. refuses it over IMAGE_MAX_UPLOAD_BYTES (before reading it), or empty;
2. refuses names whose extension is not one we take;
3. recognises SVG, HTML, HEIC, PDF, TIFF and other look-alikes by their first
   bytes, to say what they are;
4. opens it with Pillow restricted to JPEG, PNG, WebP, AVIF and GIF (the header
   only) and refuses an extension that disagrees with the content, or a picture
   over IMAGE_MAX_PIXELS (or its format's lower MAX_PIXELS_BY_FORMAT), or an
   animation whose frames together come to more than ANIMATION_MAX_PIXELS (or
   more than ANIMATION_MAX_FRAMES frames), before a single pixel is decoded;
5. walks the container (JPEG markers, PNG chunks, GIF blocks, RIFF, ISO boxes)
   to find where the picture ends: a file cut short is damaged, and bytes after
   the end are refused (that is where polyglots keep their HTML, PHP or ZIP),
   except what phones and cameras append to a JPEG, walked in turn: more JPEG
   streams (MPF gain and depth maps), the MP4 of a motion photo, Samsung's
   trailer (`_camera_trailer`);
6. refuses markup (`<script`, `<?php`, `<html`...) or a ZIP directory anywhere
   outside the compressed pixel or video data: in headers, metadata, comments,
   unknown chunks, a camera's trailer. (Compressed data is not searched for
   them: short markers turn up in random bytes by chance, step 8 re-encodes
   every pixel, and nothing after the picture's end is ever stored. A camera's
   video is searched for markup too long to turn up by chance.)
7. checks what decoding does not (PNG chunk CRCs): a damaged file fails here
   or in step 8;
8. re-encodes the picture with its EXIF orientation applied and no metadata at
   all (no EXIF, GPS, XMP, IPTC or comments), keeping its colour profile: that
   copy, never the uploaded bytes, is what storage receives. Every pixel is
   decoded here, an animation one frame at a time, so memory holds a frame or
   two whatever the length (`bench/uploads.py` measures the worst case).

It also reads the title, caption, credit and alt text an agency or camera wrote
into the file (XMP, IPTC, EXIF), so forms can prefill them, and the SHA-256 of
the bytes as uploaded, so the same upload is recognised as a duplicate.
"""

import hashlib
import io
import re
import struct
import xml.etree.ElementTree as ET  # noqa: S405 (DTDs refused before parsing)
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from PIL import (
    ExifTags,
    GifImagePlugin,
    ImageOps,
    ImageSequence,
    IptcImagePlugin,
    JpegImagePlugin,
    PngImagePlugin,
)
from PIL import Image as PILImage

# Pillow format name -> the extensions a file of that format may carry.
# MPO is how Pillow names a JPEG with extra frames (many cameras write them).
FORMAT_EXTENSIONS = {
    "JPEG": (".jpg", ".jpeg", ".jpe"),
    "MPO": (".jpg", ".jpeg", ".jpe"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "AVIF": (".avif",),
    "GIF": (".gif",),
}
ACCEPTED_EXTENSIONS = sorted({e for exts in FORMAT_EXTENSIONS.values() for e in exts})
# The only decoders Pillow may try on an upload.
PILLOW_FORMATS = ["JPEG", "PNG", "WEBP", "AVIF", "GIF"]
ACCEPTED = "JPEG, PNG, WebP, AVIF or GIF"

# An animation is refused, from its header, if its frames together would decode
# to more pixels than this for its format, or if it has more frames. (A 300 KB
# GIF of ten 40-megapixel frames took 28 s and 3.5 GB to accept before these
# limits.) WebP's and AVIF's encoders cost 5 to 15 times GIF's per pixel in time
# and memory. What an upload just under them costs: `bench/uploads.py`.
# These are also the formats stored with all their frames. (A JPEG's extra
# frames, an MPO's gain or depth maps, are walked in step 5 and dropped.)
ANIMATION_MAX_PIXELS = {
    "GIF": 50_000_000,
    "PNG": 50_000_000,
    "WEBP": 6_000_000,
    "AVIF": 2_000_000,
}
ANIMATION_MAX_FRAMES = 1_000
# A still picture of these formats is refused past this many pixels, below
# IMAGE_MAX_PIXELS (the smaller of the two applies). Re-encoding a 40-megapixel
# AVIF still took 1.1 GB: libavif's decoder and encoder hold about 25 bytes a
# pixel besides the picture, whatever the speed, threads or tiling, and a noisy
# 16-megapixel one still took 640 MB. 10 megapixels (3,872 × 2,592, above 4K)
# stays under 500 MB; larger pictures are taken as JPEG or WebP.
MAX_PIXELS_BY_FORMAT = {"AVIF": 10_000_000}

# Markup that has no business in a picture's bytes: what makes a polyglot run
# as a web page or a script if the file is ever served or included as one.
MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|object|embed|svg|\?php|!doctype\s+html)\b",
    re.IGNORECASE,
)
# Markup long enough never to turn up in compressed data by chance (about once
# in 10^12 bytes): what the video or extra frames a camera appends are searched
# for, where the short markers above would refuse a genuine photo now and then.
UNAMBIGUOUS_MARKUP = re.compile(
    rb"<(?:script|iframe|object|\?php\s|html[\s>]|!doctype\s+html)", re.IGNORECASE
)
ZIP_END_OF_DIRECTORY = b"PK\x05\x06"
ZIP_TAIL = 65_535 + 22  # ZIP readers look for the directory this far from the end

# First bytes of files people try to upload instead of a picture.
LOOKALIKES = [
    (b"%PDF", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"8BPS", "a Photoshop document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x00\x00\x01\x00", "an icon"),
]
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"hevm", b"hevs"}


def _svg() -> ValidationError:
    return ValidationError(
        "SVG drawings are not accepted: they can carry scripts that would run on "
        "our pages. Export the drawing as PNG and upload that.",
        code="svg",
    )


def _html() -> ValidationError:
    return ValidationError(
        "This file is a web page (HTML), not a picture.", code="html"
    )


def _heic() -> ValidationError:
    return ValidationError(
        "This is a HEIC photo (the iPhone's own format), which browsers cannot "
        "show. Export it as JPEG (or set the phone to “Most Compatible”) and "
        "upload that.",
        code="heic",
    )


REFUSED_EXTENSIONS = {
    ".svg": _svg,
    ".svgz": _svg,
    ".html": _html,
    ".htm": _html,
    ".heic": _heic,
    ".heif": _heic,
}
# First bytes of the formats we take: a file that starts like one but that
# Pillow cannot open is damaged, not "something else".
ACCEPTED_MAGIC = re.compile(
    rb"\A(?:\xff\xd8\xff|\x89PNG\r\n\x1a\n|GIF8[79]a|RIFF....WEBP|....ftypavi[fs])",
    re.DOTALL,
)


class BadImage(Exception):
    """The container is damaged: cut short, or not what its header says."""


@dataclass
class SuggestedText:
    """What the file itself says about the picture (XMP, IPTC or EXIF)."""

    title: str = ""
    caption: str = ""
    credit: str = ""
    alt_text: str = ""  # IPTC's "Alt Text (Accessibility)", which agencies fill


@dataclass
class CheckedUpload:
    """An upload that passed every check, and what was learnt from it."""

    file: ContentFile  # the re-encoded, metadata-free picture to store
    sha256: str  # of the bytes as uploaded
    format: str  # Pillow's name: JPEG, PNG, WEBP, AVIF or GIF
    width: int  # after EXIF orientation
    height: int
    frames: int = 1
    suggested: SuggestedText = field(default_factory=SuggestedText)


class CheckedFile(ContentFile):
    """The stored copy of a checked upload, carrying its `CheckedUpload`, so
    `Image.save()` does not check the same file twice."""

    checked: CheckedUpload


def safe_basename(filename: str) -> str:
    """A name safe on every storage and web server: no folders, no control or
    shell characters, and one dot only (``x.php.png`` becomes ``x-php.png``,
    which Apache will not run as PHP)."""
    name = PurePath(str(filename).replace("\\", "/")).name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem = get_valid_filename(stem.replace(".", "-") or "image").strip("-_")
    ext = get_valid_filename(ext).lower() if ext else ""
    stem = stem[:80] or "image"
    return f"{stem}.{ext}" if ext else stem


def check_upload(upload, *, name: str | None = None) -> CheckedUpload:
    """Check an uploaded file (a Django `File`) and return what to store.

    Raises `ValidationError` with a message a writer can act on, and a `code`:
    too_big, empty, extension, svg, html, heic, not_image, mismatch,
    too_many_pixels, damaged, trailing_data, hidden_markup or hidden_archive.
    Nothing is written anywhere.
    """
    basename = safe_basename(name or getattr(upload, "name", "") or "image")
    size = upload.size
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            "This file is %(size)s; the library takes images up to "
            "%(limit)s. Export a smaller JPEG or WebP and upload that.",
            code="too_big",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    if not size:
        raise ValidationError("This file is empty.", code="empty")
    extension = PurePath(basename).suffix.lower()
    if extension in REFUSED_EXTENSIONS:
        raise REFUSED_EXTENSIONS[extension]()
    if extension not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            "“%(name)s” is not a kind of file the library takes: upload a "
            "%(accepted)s image (.jpg, .png, .webp, .avif or .gif).",
            code="extension",
            params={"name": basename, "accepted": ACCEPTED},
        )

    data = _read(upload)
    _refuse_lookalikes(data)
    picture_format, frames = _open_header(data, extension)
    _refuse_hidden_content(data, picture_format)
    _verify(data)
    suggested = suggested_text(data)
    try:
        clean, oriented_size = without_metadata(data)
    except ValidationError:
        raise
    except Exception as error:  # truncated, bad data: Pillow varies
        raise _damaged() from error
    stored_name = str(PurePath(basename).with_suffix(extension))
    checked = CheckedUpload(
        file=clean,
        sha256=hashlib.sha256(data).hexdigest(),
        format="JPEG" if picture_format == "MPO" else picture_format,
        width=oriented_size[0],
        height=oriented_size[1],
        frames=frames,
        suggested=suggested,
    )
    clean.name = stored_name
    clean.checked = checked
    return checked


# --- Reading and recognising ---------------------------------------------------


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _refuse_lookalikes(data: bytes) -> None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        raise _svg()
    if head.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        raise _html()
    if data[4:8] == b"ftyp" and (
        data[8:12] in HEIC_BRANDS
        or (HEIC_BRANDS & _iso_brands(data) and b"avif" not in _iso_brands(data))
    ):
        raise _heic()
    for magic, kind in LOOKALIKES:
        if data.startswith(magic):
            raise ValidationError(
                "This file is %(kind)s, which the library does not take. Export "
                "it as a %(accepted)s image and upload that.",
                code="not_image",
                params={"kind": kind, "accepted": ACCEPTED},
            )


def _iso_brands(data: bytes) -> set[bytes]:
    """The compatible brands of an ISO-BMFF `ftyp` box (AVIF, HEIC)."""
    size = int.from_bytes(data[0:4], "big")
    return {data[i : i + 4] for i in range(16, min(size, 256), 4)}


def _open_header(data: bytes, extension: str) -> tuple[str, int]:
    """Format and number of frames from the header, before any pixel is
    decoded."""
    limit = settings.IMAGE_MAX_PIXELS
    try:
        with PILImage.open(io.BytesIO(data), formats=PILLOW_FORMATS) as picture:
            picture_format = picture.format
            width, height = picture.size
            # From the header (APNG, WebP, AVIF, MPO) or, for a GIF, by walking
            # its blocks without decoding them.
            frames = getattr(picture, "n_frames", 1)
    except PILImage.DecompressionBombError as error:
        raise _too_many_pixels(limit) from error
    except Exception as error:  # Pillow raises many kinds for unreadable files
        if ACCEPTED_MAGIC.match(data):
            raise _damaged() from error
        raise ValidationError(
            "This file is not a picture the library can read. Upload a "
            "%(accepted)s image.",
            code="not_image",
            params={"accepted": ACCEPTED},
        ) from error

    if extension not in FORMAT_EXTENSIONS.get(picture_format, ()):
        right = FORMAT_EXTENSIONS[picture_format][0]
        raise ValidationError(
            "This file is named “%(extension)s” but holds a %(format)s picture. "
            "Rename it to “%(right)s” or export it again as %(named)s, and upload "
            "it again.",
            code="mismatch",
            params={
                "extension": extension,
                "format": _format_label(picture_format),
                "right": right,
                "named": _format_label(_format_for_extension(extension)),
            },
        )
    own_limit = MAX_PIXELS_BY_FORMAT.get(picture_format, limit)
    if width * height > min(limit, own_limit):
        if own_limit < limit:  # the message names the format whose limit it is
            raise _too_many_pixels(own_limit, width, height, picture_format)
        raise _too_many_pixels(limit, width, height)
    if picture_format in ANIMATION_MAX_PIXELS and frames > 1:
        _check_animation(picture_format, frames, width, height)
    return picture_format, frames


def _check_animation(picture_format: str, frames: int, width: int, height: int):
    """Refuse an animation that would take too long or too much memory to
    decode and re-encode."""
    limit = ANIMATION_MAX_PIXELS[picture_format]
    if frames > ANIMATION_MAX_FRAMES or frames * width * height > limit:
        raise ValidationError(
            "This animation has %(frames)s frames of %(width)s × %(height)s "
            "pixels; the library takes animations of up to %(max_frames)s frames "
            "and %(megapixels)s megapixels in all its frames together. Shorten it "
            "or make it smaller, and upload it again.",
            code="too_many_pixels",
            params={
                "frames": f"{frames:,}",
                "width": f"{width:,}",
                "height": f"{height:,}",
                "max_frames": f"{ANIMATION_MAX_FRAMES:,}",
                "megapixels": f"{limit / 1_000_000:g}",
            },
        )


def _too_many_pixels(
    limit: int, width: int = 0, height: int = 0, picture_format: str = ""
) -> ValidationError:
    megapixels = f"{limit / 1_000_000:g}"
    if width and height and picture_format:
        return ValidationError(
            "This %(format)s picture is %(width)s × %(height)s pixels; the library "
            "takes %(format)s pictures up to %(megapixels)s megapixels. Resize it, "
            "or export it as JPEG or WebP, and upload it again.",
            code="too_many_pixels",
            params={
                "format": _format_label(picture_format),
                "width": f"{width:,}",
                "height": f"{height:,}",
                "megapixels": megapixels,
            },
        )
    if width and height:
        return ValidationError(
            "This picture is %(width)s × %(height)s pixels; the library takes up "
            "to %(megapixels)s megapixels. Resize it and upload it again.",
            code="too_many_pixels",
            params={
                "width": f"{width:,}",
                "height": f"{height:,}",
                "megapixels": megapixels,
            },
        )
    return ValidationError(
        "This picture is larger than the library takes (%(megapixels)s "
        "megapixels). Resize it and upload it again.",
        code="too_many_pixels",
        params={"megapixels": megapixels},
    )


def _format_label(picture_format: str) -> str:
    return {"MPO": "JPEG", "WEBP": "WebP"}.get(picture_format, picture_format)


def _format_for_extension(extension: str) -> str:
    return next(f for f, exts in FORMAT_EXTENSIONS.items() if extension in exts)


# --- Where the picture ends ----------------------------------------------------

Span = tuple[int, int]


def _refuse_hidden_content(data: bytes, picture_format: str) -> None:
    try:
        end, pixel_data = picture_layout(data, picture_format)
    except BadImage as error:
        raise _damaged() from error
    if data[end:].strip(b"\x00\xff"):  # padding is harmless
        appended = None
        if picture_format in ("JPEG", "MPO"):
            appended = _camera_trailer(data, end)
        if appended is None:
            raise ValidationError(
                "This file has extra data hidden after the end of the picture, as "
                "files made to attack websites do. Open it in an image editor, "
                "export it again and upload the new file.",
                code="trailing_data",
            )
        pixel_data = pixel_data + appended
        if match := UNAMBIGUOUS_MARKUP.search(data, end):
            raise _hidden_markup(match)
    # Compressed pixels look like random bytes, where any short marker turns up
    # by chance; everything else (headers, metadata, comments, unknown chunks,
    # what a camera appended) is where a payload hides, so that is searched.
    rest = b"\x00".join(data[a:b] for a, b in _outside(pixel_data, len(data)))
    if picture_format == "AVIF":  # its EXIF and XMP live inside the pixel box
        rest += b"\x00" + _avif_metadata(data)
    if match := MARKUP.search(rest):
        raise _hidden_markup(match)
    if ZIP_END_OF_DIRECTORY in rest or ZIP_END_OF_DIRECTORY in data[-ZIP_TAIL:]:
        raise ValidationError(
            "This file has an archive (ZIP) hidden inside the picture, as files "
            "made to attack websites do. Open it in an image editor, export it "
            "again and upload the new file.",
            code="hidden_archive",
        )


def _hidden_markup(match: re.Match) -> ValidationError:
    return ValidationError(
        "This file has web page code (“%(marker)s”) hidden inside the "
        "picture, as files made to attack websites do. Open it in an image "
        "editor, export it again and upload the new file.",
        code="hidden_markup",
        params={"marker": match.group().decode("ascii", "replace").strip()},
    )


def _outside(spans: list[Span], end: int) -> list[Span]:
    """The parts of 0..end not covered by `spans` (sorted, not overlapping)."""
    parts, pos = [], 0
    for a, b in sorted(spans):
        if a > pos:
            parts.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        parts.append((pos, end))
    return parts


def _avif_metadata(data: bytes) -> bytes:
    try:
        with PILImage.open(io.BytesIO(data), formats=["AVIF"]) as picture:
            return b"\x00".join(
                value if isinstance(value, bytes) else str(value).encode()
                for value in (picture.info.get("exif"), picture.info.get("xmp"))
                if value
            )
    except Exception:
        return b""


def _damaged() -> ValidationError:
    return ValidationError(
        "This picture is damaged or incomplete (perhaps cut short while it was "
        "copied). Export it again and upload the new file.",
        code="damaged",
    )


def picture_layout(data: bytes, picture_format: str) -> tuple[int, list[Span]]:
    """Where the picture ends (offset just past its last byte), and the spans
    of compressed pixel data in it. Raises `BadImage` for a damaged container."""
    if picture_format in ("JPEG", "MPO"):
        end, pixels = _jpeg_layout(data, 0)
        # A camera's extra frames (MPO) are whole JPEGs, one after the other.
        while picture_format == "MPO" and data[end : end + 2] == b"\xff\xd8":
            end, more = _jpeg_layout(data, end)
            pixels += more
        return end, pixels
    walk = {"PNG": _png_layout, "GIF": _gif_layout, "WEBP": _webp_layout}
    return walk.get(picture_format, _iso_layout)(data)


def _jpeg_layout(data: bytes, start: int) -> tuple[int, list[Span]]:
    """Walk the markers of the JPEG at `start` to just past its EOI marker."""
    n, pixels = len(data), []
    if data[start : start + 2] != b"\xff\xd8":
        raise BadImage("no start-of-image marker")
    pos = start + 2
    while True:
        if pos >= n:
            raise BadImage("ends before its end-of-image marker")
        if data[pos] != 0xFF:
            raise BadImage(f"expected a marker at {pos}")
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            raise BadImage("ends inside a marker")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # end of image
            return pos, pixels
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if pos + 2 > n:
            raise BadImage("ends inside a segment header")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2:
            raise BadImage("segment length below 2")
        pos += length
        if pos > n:
            raise BadImage("ends inside a segment")
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            scan = pos
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= n:
                    raise BadImage("ends inside the image data")
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2  # stuffed byte or restart marker: still image data
                elif following == 0xFF:
                    pos += 1  # fill byte before a marker
                else:
                    break
            pixels.append((scan, pos))


def _png_layout(data: bytes) -> tuple[int, list[Span]]:
    """Walk the chunks to just past IEND (and its CRC)."""
    n, pos, pixels = len(data), 8, []
    while True:
        if pos + 8 > n:
            raise BadImage("ends before IEND")
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk_type = data[pos + 4 : pos + 8]
        if chunk_type in (b"IDAT", b"fdAT"):
            pixels.append((pos + 8, pos + 8 + length))
        pos += 12 + length
        if pos > n:
            raise BadImage("ends inside a chunk")
        if chunk_type == b"IEND":
            return pos, pixels


def _gif_layout(data: bytes) -> tuple[int, list[Span]]:
    """Walk the blocks to just past the trailer (0x3B). A file that stops
    exactly where the trailer should be is tolerated: many encoders forget it."""
    n, pixels = len(data), []
    if n < 13:
        raise BadImage("shorter than a GIF header")
    pos = 13
    if data[10] & 0x80:  # global colour table
        pos += 3 * (2 << (data[10] & 7))
    while True:
        if pos == n:
            return n, pixels
        if pos > n:
            raise BadImage("ends inside a colour table")
        introducer = data[pos]
        pos += 1
        if introducer == 0x3B:
            return pos, pixels
        if introducer == 0x21:  # extension: label, then sub-blocks
            pos = _gif_sub_blocks(data, pos + 1)
        elif introducer == 0x2C:  # image: descriptor, colour table, LZW data
            if pos + 9 > n:
                raise BadImage("ends inside an image descriptor")
            flags = data[pos + 8]
            pos += 9
            if flags & 0x80:
                pos += 3 * (2 << (flags & 7))
            start = pos
            pos = _gif_sub_blocks(data, pos + 1)
            pixels.append((start, pos))
        else:
            raise BadImage(f"unknown block {introducer:#x} at {pos - 1}")


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    n = len(data)
    while True:
        if pos >= n:
            raise BadImage("ends inside a data block")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


WEBP_PIXEL_CHUNKS = (b"VP8 ", b"VP8L", b"ALPH")


def _webp_layout(data: bytes) -> tuple[int, list[Span]]:
    """A WebP is one RIFF chunk holding chunks (animation frames hold chunks)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise BadImage("not a RIFF WebP")
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size + (size & 1)
    if end > len(data):
        raise BadImage("ends before its RIFF size")
    return end, _riff_pixels(data, 12, end)


def _riff_pixels(data: bytes, pos: int, end: int) -> list[Span]:
    pixels = []
    while pos + 8 <= end:
        fourcc = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        body, pos = pos + 8, pos + 8 + size + (size & 1)
        if pos > end:
            raise BadImage(f"ends inside chunk {fourcc!r}")
        if fourcc in WEBP_PIXEL_CHUNKS:
            pixels.append((body, body + size))
        elif fourcc == b"ANMF":  # 16 bytes of frame header, then chunks
            pixels += _riff_pixels(data, body + 16, body + size)
    return pixels


def _iso_layout(
    data: bytes, start: int = 0, stop: int | None = None
) -> tuple[int, list[Span]]:
    """Walk the top-level ISO-BMFF boxes of an AVIF (or of the MP4 a phone
    appends to a motion photo, from `start`, up to `stop`); the file ends where
    the last well-formed box does (a box is named with four ASCII letters or
    digits, as every real box type is). The spans are `mdat` payloads."""
    n = len(data) if stop is None else stop
    pos, pixels = start, []
    while pos < n:
        if pos + 8 > n:
            return pos, pixels
        size = int.from_bytes(data[pos : pos + 4], "big")
        box_type = data[pos + 4 : pos + 8]
        if not re.fullmatch(rb"[a-zA-Z0-9 ]{4}", box_type):
            return pos, pixels
        header = 8
        if size == 1:
            if pos + 16 > n:
                raise BadImage("ends inside a box header")
            size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif size == 0:
            size = n - pos
        if size < header:
            raise BadImage(f"box {box_type!r} shorter than its header")
        if pos + size > n:
            raise BadImage(f"ends inside box {box_type!r}")
        if box_type == b"mdat":
            pixels.append((pos + header, pos + size))
        pos += size
    return pos, pixels


# --- What cameras append to a JPEG ----------------------------------------------

# Brands of the MP4 video a phone appends to a motion photo (Google, Samsung).
MP4_BRANDS = re.compile(rb"isom|iso[2-9]|mp4[12]|avc1|M4V |qt  |3g[p2][4-9]")
PADDING = re.compile(rb"[^\x00\xff]")


def _camera_trailer(data: bytes, start: int) -> list[Span] | None:
    """What phones and cameras append after a JPEG's end-of-image marker, if
    `data[start:]` is nothing else: more JPEG streams (the MPF gain map of an
    Ultra HDR or iPhone photo, a depth map), the MP4 of a Google motion photo,
    Samsung's SEF trailer (its motion photo's video, depth maps, capture
    details), with padding between.

    Returns the spans of compressed pixels and video in it, which are not
    searched for markup (as the picture's own pixels are not); everything else
    in it is. None when anything in it is not one of those, or is cut short:
    a JPEG followed by a ZIP, a PDF, a page or a script is a polyglot.
    None of it is ever stored: the picture is re-encoded without it.
    """
    media: list[Span] = []
    try:
        stop = len(data)
        if (samsung := _samsung_trailer(data, start)) is not None:
            stop, media = samsung
        pos = start
        while pos < stop:
            if data.startswith(b"\xff\xd8\xff", pos):  # another JPEG stream
                pos, pixels = _jpeg_layout(data, pos)
                media += pixels
            elif _is_mp4(data, pos):  # before padding: a box size starts 00
                pos, video = _iso_layout(data, pos, stop)
                media += video
            elif data[pos] in (0x00, 0xFF):
                found = PADDING.search(data, pos, stop)
                after = found.start() if found else stop
                # What follows may start with bytes that look like padding: a
                # JPEG's FF, the zeros of a box size.
                pos = next(
                    (at for at in range(max(pos + 1, after - 4), after) if
                     data.startswith(b"\xff\xd8\xff", at) or _is_mp4(data, at)),
                    after,
                )  # fmt: skip
            else:
                return None
    except BadImage:
        return None
    return media if pos == stop else None


def _is_mp4(data: bytes, pos: int) -> bool:
    if data[pos + 4 : pos + 8] != b"ftyp":
        return False
    size = int.from_bytes(data[pos : pos + 4], "big")
    brands = [data[i : i + 4] for i in range(pos + 8, pos + min(size, 64), 4)]
    return any(MP4_BRANDS.fullmatch(brand) for brand in brands)


def _samsung_trailer(data: bytes, start: int) -> tuple[int, list[Span]] | None:
    """Samsung's trailer, if the file ends with one: (where it begins, the
    spans of compressed media in it). Its layout, as ExifTool reads it: blocks
    (2 zero bytes, a 16-bit type, a 32-bit name length, the name, the data),
    then a directory ("SEFH", version, count, then per block 12 bytes: 2 zero
    bytes, type, offset back from the directory, size), its 32-bit size and
    "SEFT". Little-endian throughout. Raises `BadImage` if it is malformed."""
    n = len(data)
    if not data.endswith(b"SEFT"):
        return None
    size = int.from_bytes(data[n - 8 : n - 4], "little")
    directory = n - 8 - size
    if size < 12 or directory < start or data[directory : directory + 4] != b"SEFH":
        raise BadImage("malformed Samsung trailer directory")
    count = int.from_bytes(data[directory + 8 : directory + 12], "little")
    if 12 + 12 * count > size:
        raise BadImage("Samsung trailer directory overflows")
    first, media = directory, []
    for entry in range(directory + 12, directory + 12 + 12 * count, 12):
        offset = int.from_bytes(data[entry + 4 : entry + 8], "little")
        length = int.from_bytes(data[entry + 8 : entry + 12], "little")
        block = directory - offset
        name_length = int.from_bytes(data[block + 4 : block + 8], "little")
        if block < start or length < 8 or offset < length or 8 + name_length > length:
            raise BadImage("Samsung trailer block out of place")
        media += _embedded_media(data, block + 8 + name_length, block + length)
        first = min(first, block)
    return first, media


def _embedded_media(data: bytes, start: int, stop: int) -> list[Span]:
    """Compressed data in a Samsung trailer block: a JPEG's pixels, an MP4's."""
    try:
        if data.startswith(b"\xff\xd8\xff", start):
            end, pixels = _jpeg_layout(data, start)
            return pixels if end <= stop else []
        if _is_mp4(data, start):
            return _iso_layout(data, start, stop)[1]
    except BadImage:
        pass
    return []  # searched in full


# --- Decoding ------------------------------------------------------------------


def _verify(data: bytes) -> None:
    """Step 7: check what decoding does not (PNG chunk CRCs). Step 8 decodes
    every pixel that is kept. (A camera's extra JPEG frames, an MPO's gain or
    depth maps, are dropped there, undecoded: step 5 walked their markers.)"""
    try:
        with PILImage.open(io.BytesIO(data), formats=PILLOW_FORMATS) as picture:
            picture.verify()
    except Exception as error:  # truncated, bad CRC, bad data: Pillow varies
        raise _damaged() from error


def without_metadata(data: bytes) -> tuple[ContentFile, tuple[int, int]]:
    """The picture re-encoded in its own format, EXIF orientation applied, with
    its colour profile and animation but no other metadata, and its size then.
    Step 8 of `check_upload`; `strip_image_metadata` applies it to originals
    stored before it existed. An animation is decoded and encoded one frame at
    a time, and refused (ValidationError) past ANIMATION_MAX_PIXELS."""
    with PILImage.open(io.BytesIO(data), formats=PILLOW_FORMATS) as picture:
        picture_format = "JPEG" if picture.format == "MPO" else picture.format
        icc_profile = picture.info.get("icc_profile")
        orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
        animated = (
            picture_format in ANIMATION_MAX_PIXELS
            and getattr(picture, "n_frames", 1) > 1
        )
        options: dict = {"icc_profile": icc_profile} if icc_profile else {}
        if "loop" in picture.info:  # absent means "play once"
            options["loop"] = picture.info["loop"]

        if animated and picture_format == "GIF":
            return _gif(_upright_frames(picture), loop=options.get("loop"))
        if animated and picture_format == "PNG":
            return _apng(_upright_frames(picture), **options)
        if animated:  # WebP and AVIF encoders take the frames one at a time
            return _webp_or_avif(picture, picture_format, options), picture.size
        if picture_format == "JPEG" and orientation in (1, None):
            # Unrotated JPEG: reuse its own quantisation tables and subsampling,
            # so re-encoding adds almost no loss. (What Pillow's quality="keep"
            # does, which it refuses for a camera's MPO file.)
            first = picture
            options = {"qtables": picture.quantization, "optimize": True}
            if icc_profile:
                options["icc_profile"] = icc_profile
            if (sampling := JpegImagePlugin.get_sampling(picture)) != -1:
                options["subsampling"] = sampling
        else:
            first = _bare(ImageOps.exif_transpose(picture))
            options = _still_options(picture_format)
            if icc_profile:
                options["icc_profile"] = icc_profile

        buffer = io.BytesIO()
        saved_info = first.info
        first.info = {  # only what the encoders need; no exif, xmp, comments
            k: v for k, v in saved_info.items() if k in ("transparency", "background")
        }
        try:
            first.save(buffer, format=picture_format, **options)
        finally:
            first.info = saved_info
        return ContentFile(buffer.getvalue()), first.size


def _upright_frames(picture: PILImage.Image) -> Iterator[tuple[int, PILImage.Image]]:
    """(duration in ms, frame upright and without metadata), one frame at a
    time: each is decoded when asked for and dropped by the caller before the
    next. Refuses more frames than the header said (`_check_animation`)."""
    declared = picture.n_frames
    for index, frame in enumerate(ImageSequence.Iterator(picture)):
        if index >= declared:
            _check_animation(picture.format, index + 1, *picture.size)
        yield frame.info.get("duration", 100), _bare(ImageOps.exif_transpose(frame))


def _gif(
    frames: Iterator[tuple[int, PILImage.Image]], *, loop: int | None
) -> tuple[ContentFile, tuple[int, int]]:
    """An animated GIF written frame by frame: Pillow's GIF writer holds every
    frame until the last (to work out what changed between them). Each frame is
    the whole picture with its own colour table, cleared after it is shown, so
    no frame depends on another."""
    parts = []
    for index, (duration, frame) in enumerate(frames):
        indexed, transparency = _gif_indexed(frame)
        del frame
        params: dict = {"duration": duration, "disposal": 2}
        if transparency is not None:
            params["transparency"] = transparency
        if index == 0:
            size = indexed.size
            info = {} if loop is None else {"loop": loop}
            header, _used = GifImagePlugin.getheader(indexed, info=info)
            parts += header
        else:
            params["include_color_table"] = True
        parts += GifImagePlugin.getdata(indexed, **params)
    parts.append(b";")
    return ContentFile(b"".join(parts)), size


def _gif_indexed(frame: PILImage.Image) -> tuple[PILImage.Image, int | None]:
    """A frame as a 256-colour palette image, and its transparent index. Pillow
    decodes a GIF's frames after the first in RGB(A); one that has at most 255
    colours (most, as each frame had a palette of 256) is mapped to them, which
    is fast (within a few levels: Pillow's palette lookup is approximate);
    others are reduced by the fast octree method."""
    if frame.mode == "P":
        return frame, frame.info.get("transparency")
    alpha = frame.getchannel("A") if "A" in frame.getbands() else None
    rgb = frame.convert("RGB")
    if colours := rgb.getcolors(255):
        palette = PILImage.new("P", (1, 1))
        palette.putpalette([value for _count, colour in colours for value in colour])
        indexed = rgb.quantize(palette=palette, dither=PILImage.Dither.NONE)
    else:
        indexed = rgb.quantize(255, method=PILImage.Quantize.FASTOCTREE)
    del rgb
    values = (indexed.getpalette() or [])[:765]  # index 255 is for transparency
    indexed.putpalette(values + [0] * (768 - len(values)))
    if alpha is None or alpha.getextrema()[0] >= 128:
        return indexed, None
    indexed.paste(255, mask=alpha.point(lambda a: 255 if a < 128 else 0))
    return indexed, 255


def _apng(
    frames: Iterator[tuple[int, PILImage.Image]], *, loop: int = 0, **options
) -> tuple[ContentFile, tuple[int, int]]:
    """An animated PNG written frame by frame (Pillow's APNG writer, like its
    GIF one, holds every frame until the last): each frame whole, replacing the
    one before, in the first frame's mode."""
    chunks: list[bytes] = []
    sequence = count = 0
    mode = ""
    for index, (duration, frame) in enumerate(frames):
        if index == 0:
            mode, size = frame.mode, frame.size
        elif frame.mode != mode:
            frame = frame.convert(mode)
        control = struct.pack(
            ">5I2H2B",
            sequence,
            *frame.size,
            0,
            0,
            min(round(duration), 65_535),
            1000,
            0,
            0,
        )
        sequence += 1
        pieces = PngImagePlugin.getchunks(frame, **(options if index == 0 else {}))
        del frame
        for kind, body, _crc in pieces:
            if kind == b"IDAT":
                if control:
                    chunks.append(_png_chunk(b"fcTL", control))
                    control = b""
                if index == 0:
                    chunks.append(_png_chunk(b"IDAT", body))
                else:
                    chunks.append(
                        _png_chunk(b"fdAT", struct.pack(">I", sequence) + body)
                    )
                    sequence += 1
            elif index == 0 and kind != b"IEND":
                chunks.append(_png_chunk(kind, body))
        count += 1
    # acTL (frames, plays) goes right after IHDR; the count is known only now.
    actl = _png_chunk(b"acTL", struct.pack(">2I", count, loop))
    apng = ContentFile(b"".join([PNG_SIGNATURE, chunks[0], actl, *chunks[1:], PNG_END]))
    return apng, size


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(body, zlib.crc32(kind))
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _webp_or_avif(
    picture: PILImage.Image, picture_format: str, options: dict
) -> ContentFile:
    """Pillow's WebP and AVIF writers seek through the picture they save and
    encode it one frame at a time, and write no EXIF or XMP they are not given.
    The frames' durations are read first, also one frame at a time. (An EXIF
    orientation, which tools do not write on animations, is not applied.)"""
    durations = []
    for frame in ImageSequence.Iterator(picture):
        frame.load()  # durations are known once a frame is decoded
        durations.append(frame.info.get("duration", 100))
    picture.seek(0)
    buffer = io.BytesIO()
    picture.save(
        buffer,
        format=picture_format,
        save_all=True,
        duration=durations,
        **options,
        **_still_options(picture_format),
    )
    return ContentFile(buffer.getvalue())


# What Pillow reports in `info` that is about the pixels, not the picture's
# history, place or owner: `metadata_in` leaves it out.
PICTURE_INFO = {
    "icc_profile", "transparency", "background", "dpi", "aspect", "gamma",
    "srgb", "chromaticity", "interlace", "progressive", "progression", "adobe",
    "adobe_transform", "jfif", "jfif_version", "jfif_unit", "jfif_density",
    "duration", "loop", "version", "disposal", "blend", "timestamp",
}  # fmt: skip


def metadata_in(data: bytes) -> set[str]:
    """What a stored picture carries besides its pixels, by Pillow's names:
    "exif" (camera, GPS position, orientation), "xmp", "photoshop" (IPTC),
    "comment", PNG text chunks, "mp" (a camera's extra frames), "trailing data"
    after the picture's end (a motion photo's video, with its own GPS position)
    or a "damaged container". What `without_metadata` removes, and nothing it
    keeps."""
    with PILImage.open(io.BytesIO(data), formats=PILLOW_FORMATS) as picture:
        picture_format = picture.format
        found = {key for key in picture.info if key not in PICTURE_INFO}
        if picture.getexif():
            found.add("exif")
    try:
        end, _pixels = picture_layout(data, picture_format)
    except BadImage:
        # Where the walk fails, what follows cannot be told from a payload;
        # re-encoding keeps only what Pillow reads as the picture.
        found.add("damaged container")
    else:
        if data[end:].strip(b"\x00\xff"):
            found.add("trailing data")
    return found


def _bare(picture: PILImage.Image) -> PILImage.Image:
    """A copy of a frame without the metadata Pillow keeps in `info`."""
    picture.info = {
        k: v for k, v in picture.info.items() if k in ("transparency", "background")
    }
    return picture


def _still_options(picture_format: str) -> dict:
    if picture_format == "JPEG":
        return {"quality": 92, "optimize": True}
    if picture_format == "WEBP":
        return {"quality": 92, "method": 4}
    if picture_format == "AVIF":
        # 6, the default, is 5-9x slower than 8, and 8 is 2.5x slower than 9
        # (a noisy 10-megapixel still: 5.8 s against 2.4 s) for the same memory.
        return {"quality": 85, "speed": 9}
    return {}


# --- What the file says about itself -------------------------------------------

XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# (record, dataset) numbers of the IPTC fields we read.
IPTC_TITLE, IPTC_HEADLINE, IPTC_CAPTION = (2, 5), (2, 105), (2, 120)
IPTC_BYLINE, IPTC_CREDIT, IPTC_COPYRIGHT = (2, 80), (2, 110), (2, 116)
EXIF_XP_TITLE = 0x9C9B
COPYRIGHT_PREFIX = re.compile(
    r"^\s*(?:©|\(c\)|copyright\b)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,.:]*",
    re.IGNORECASE,
)


def suggested_text(data: bytes) -> SuggestedText:
    """Title, caption and credit from the file's XMP, IPTC or EXIF, in that
    order of preference, and alt text from its XMP (IPTC's "Alt Text
    (Accessibility)", which has no IIM or EXIF field); empty strings where it
    carries none."""
    try:
        with PILImage.open(io.BytesIO(data), formats=PILLOW_FORMATS) as picture:
            xmp = _xmp(picture.info.get("xmp") or b"")
            iptc = _iptc(picture)
            exif = picture.getexif()
    except Exception:  # metadata is a convenience, never a reason to refuse
        return SuggestedText()

    def xmp_value(prefix: str, name: str) -> str:
        return xmp.get(f"{{{XMP_NAMESPACES[prefix]}}}{name}", "")

    title = (
        xmp_value("dc", "title")
        or iptc.get(IPTC_TITLE, "")
        or xmp_value("photoshop", "Headline")
        or iptc.get(IPTC_HEADLINE, "")
        or _exif_text(exif.get(EXIF_XP_TITLE), utf16=True)
    )
    caption = (
        xmp_value("dc", "description")
        or iptc.get(IPTC_CAPTION, "")
        or _exif_text(exif.get(ExifTags.Base.ImageDescription))
    )
    credit = (
        xmp_value("photoshop", "Credit")
        or iptc.get(IPTC_CREDIT, "")
        or _credit_from_copyright(
            xmp_value("dc", "rights")
            or iptc.get(IPTC_COPYRIGHT, "")
            or _exif_text(exif.get(ExifTags.Base.Copyright))
        )
        or xmp_value("dc", "creator")
        or iptc.get(IPTC_BYLINE, "")
        or _exif_text(exif.get(ExifTags.Base.Artist))
    )
    return SuggestedText(
        title=_one_line(title)[:255],
        caption=caption.strip(),
        credit=_one_line(credit)[:255],
        alt_text=_one_line(xmp_value("Iptc4xmpCore", "AltTextAccessibility"))[:500],
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _credit_from_copyright(text: str) -> str:
    """“© 2021 NASA/JPL-Caltech. All rights reserved.” -> “NASA/JPL-Caltech”."""
    text = COPYRIGHT_PREFIX.sub("", text.strip())
    text = re.sub(r"[\s.,;]*all rights reserved\.?\s*$", "", text, flags=re.I)
    return text.strip(" .,;")


def _exif_text(value, *, utf16: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        if utf16:
            return value.decode("utf-16-le", "replace").rstrip("\x00").strip()
        value = value.decode("utf-8", "replace")
    if isinstance(value, tuple):  # XP* tags may come back as a tuple of bytes
        return _exif_text(bytes(value), utf16=utf16)
    return str(value).rstrip("\x00").strip()


def _xmp(packet: bytes | str) -> dict[str, str]:
    """{"{namespace}name": text} from an XMP packet: simple values, and the
    first entry of rdf:Alt/Seq/Bag lists (the x-default title, the creators)."""
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    packet = packet.strip(b"\x00 \t\r\n")
    if not packet or re.search(rb"<!(?:DOCTYPE|ENTITY)", packet, re.IGNORECASE):
        return {}  # no DTD, so no entity expansion (what defusedxml refuses too)
    try:
        root = ET.fromstring(packet)  # noqa: S314 (no DTD: see above)
    except ET.ParseError:
        return {}
    rdf = XMP_NAMESPACES["rdf"]
    values: dict[str, str] = {}
    for description in root.iter(f"{{{rdf}}}Description"):
        for name, value in description.attrib.items():
            values.setdefault(name, value.strip())
        for prop in description:
            items = list(prop.iter(f"{{{rdf}}}li"))
            if prop.find(f"{{{rdf}}}Alt") is not None:  # one text per language
                items = [i for i in items if i.get(XML_LANG) == "x-default"] or items
                items = items[:1]
            texts = [li.text.strip() for li in items if li.text]
            text = ", ".join(t for t in texts if t) or (prop.text or "").strip()
            if text:
                values.setdefault(prop.tag, text)
    return values


def _iptc(picture: PILImage.Image) -> dict[tuple[int, int], str]:
    try:
        info = IptcImagePlugin.getiptcinfo(picture) or {}
    except Exception:
        return {}
    values = {}
    for key, raw in info.items():
        first = raw[0] if isinstance(raw, list) else raw
        if isinstance(first, bytes):
            try:  # UTF-8 is the norm now; older files are mostly Latin-1
                text = first.decode("utf-8")
            except UnicodeDecodeError:
                text = first.decode("latin-1")
            values[key] = text.strip()
    return values

"""Reading and recognising an upload (steps 3 and 4 of `check_upload`): what a
look-alike is, by its first bytes, and the format, size and number of frames
from the header, refused over the limits before a single pixel is decoded.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from .formats import (
    ACCEPTED,
    ACCEPTED_MAGIC,
    ANIMATION_MAX_FRAMES,
    ANIMATION_MAX_PIXELS,
    FORMAT_EXTENSIONS,
    HEIC_BRANDS,
    LOOKALIKES,
    MAX_PIXELS_BY_FORMAT,
    PILLOW_FORMATS,
    _heic,
    _html,
    _svg,
)
from .layout import _damaged


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

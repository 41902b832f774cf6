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

This module holds `check_upload`, `safe_basename` and what a check returns;
the rest is split along the steps:

- `formats`: what the library takes and refuses, the rules the steps apply
  (formats and their extensions, pixel and frame limits, look-alikes, markup);
- `recognising`: reading the file, its look-alikes and its header, steps 3-4;
- `layout`: where the picture ends, what cameras append to a JPEG, and what is
  hidden outside the pixels, steps 5-6;
- `decoding`: verifying and re-encoding without metadata, steps 7-8, and
  `metadata_in`, what a stored picture carries besides its pixels;
- `metadata`: the title, caption, credit and alt text the file says about
  itself.

Everything callers use is importable from here, as before the split.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

from .decoding import _verify, metadata_in, without_metadata
from .formats import (
    ACCEPTED,
    ACCEPTED_EXTENSIONS,
    ANIMATION_MAX_FRAMES,
    ANIMATION_MAX_PIXELS,
    FORMAT_EXTENSIONS,
    MAX_PIXELS_BY_FORMAT,
    PILLOW_FORMATS,
    REFUSED_EXTENSIONS,
)
from .layout import BadImage, _damaged, _refuse_hidden_content, picture_layout
from .metadata import SuggestedText, suggested_text
from .recognising import _open_header, _read, _refuse_lookalikes

__all__ = [
    "ACCEPTED",
    "ACCEPTED_EXTENSIONS",
    "ANIMATION_MAX_FRAMES",
    "ANIMATION_MAX_PIXELS",
    "FORMAT_EXTENSIONS",
    "MAX_PIXELS_BY_FORMAT",
    "PILLOW_FORMATS",
    "BadImage",
    "CheckedFile",
    "CheckedUpload",
    "SuggestedText",
    "check_upload",
    "metadata_in",
    "picture_layout",
    "safe_basename",
    "suggested_text",
    "without_metadata",
]


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

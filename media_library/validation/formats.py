"""What the image library takes and what it refuses, in one place: the formats
and the extensions each may carry, the pixel and frame limits by format, the
markup and archives looked for outside a picture's pixels, the files people
upload instead of a picture, and the messages that refuse SVG, HTML and HEIC.
"""

import re

from django.core.exceptions import ValidationError

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
# to more pixels than this for its format, or if it has more frames: a small
# GIF of a few huge frames took seconds and gigabytes to accept before these
# limits. WebP's and AVIF's encoders cost several times GIF's per pixel in time
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
# IMAGE_MAX_PIXELS (the smaller of the two applies): libavif's decoder and
# encoder hold many bytes a pixel besides the picture, whatever the speed,
# threads or tiling, so re-encoding a 40-megapixel AVIF still took over a
# gigabyte. 10 megapixels (3,872 × 2,592, above 4K) keeps it under the 500 MB
# target of `bench/uploads.py`; larger pictures are taken as JPEG or WebP.
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

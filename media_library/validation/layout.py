"""Where the picture ends (steps 5 and 6 of `check_upload`): the walk through
each container (JPEG markers, PNG chunks, GIF blocks, RIFF, ISO boxes) to the
picture's last byte and its compressed pixel data, what phones and cameras
append to a JPEG (more JPEG streams, a motion photo's MP4, Samsung's trailer),
and the refusal of anything hidden outside the pixels: trailing bytes, markup,
a ZIP directory. (One module: the camera walk and the container walk call each
other.)
"""

import io
import re

from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from .formats import MARKUP, UNAMBIGUOUS_MARKUP, ZIP_END_OF_DIRECTORY, ZIP_TAIL

Span = tuple[int, int]


class BadImage(Exception):
    """The container is damaged: cut short, or not what its header says."""


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

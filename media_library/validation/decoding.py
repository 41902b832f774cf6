"""Decoding (steps 7 and 8 of `check_upload`): verifying what decoding does not
check (PNG CRCs), and re-encoding the picture upright, without metadata, an
animation one frame at a time (`without_metadata`); and `metadata_in`, what a
stored picture carries besides its pixels.
"""

import io
import struct
import zlib
from collections.abc import Iterator

from django.core.files.base import ContentFile
from PIL import (
    ExifTags,
    GifImagePlugin,
    ImageOps,
    ImageSequence,
    JpegImagePlugin,
    PngImagePlugin,
)
from PIL import Image as PILImage

from .formats import ANIMATION_MAX_PIXELS, PILLOW_FORMATS
from .layout import BadImage, _damaged, picture_layout
from .recognising import _check_animation


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
        # The fastest speed: the slower ones (6 is libaom's default) take
        # several times as long for the same memory.
        return {"quality": 85, "speed": 9}
    return {}

"""Renditions: the resized, cropped, re-encoded copies pages serve.

A rendition is named by its spec (thumbnail, card, hero, full, social), the
width asked for and its format (AVIF, WebP, JPEG). Its geometry is arithmetic on
the image's stored width, height and focal point (`plan`), so a page can write
`<picture>` markup, sizes included, without a query or a file read.

Pages link to `views.rendition`, which answers only for pictures the
requester may see (`usage.is_public`, a staff login, or a share link's grant)
and makes a file that does not exist yet (`rendition_for`); every size the
templates use is made ahead on the task queue when a picture is uploaded or
its file or focal point changes (`tasks`). Stored files have no address of
their own (`storage`). A rendition is made once: the row's unique constraint
makes concurrent makers (workers, readers, servers) wait for the one that got
there first, then use its file.
"""

import functools
import io
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import get_script_prefix, get_urlconf, reverse
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, features

from workflow.models import ShareLink, shared_preview

from .models import Image, Rendition, RenditionFormat, RenditionSpec
from .validation import PILLOW_FORMATS, safe_basename


@dataclass(frozen=True)
class Spec:
    name: str
    ratio: tuple[int, int] | None  # None keeps the picture's own shape
    widths: tuple[int, ...]
    sizes: str  # the <img sizes> hint for the layout that shows it
    formats: tuple[str, ...] = ()  # () means AVIF (if available), WebP, JPEG


SPECS = {
    spec.name: spec
    for spec in [
        Spec(RenditionSpec.THUMBNAIL, (1, 1), (160, 320), "8rem"),
        Spec(
            RenditionSpec.CARD,
            (16, 9),
            (480, 960),
            "(min-width: 72rem) 23rem, (min-width: 40rem) 50vw, 100vw",
        ),
        Spec(
            RenditionSpec.HERO,
            (16, 9),
            (800, 1200, 1600),
            "(min-width: 48rem) 46rem, 100vw",
        ),
        Spec(
            RenditionSpec.FULL,
            None,
            (800, 1200, 2000),
            "(min-width: 48rem) 46rem, 100vw",
        ),
        Spec(RenditionSpec.SOCIAL, (1200, 630), (1200,), "1200px", ("jpeg",)),
        # For structured data only (Google's article guidance asks for 16:9,
        # which HERO has at 1200, 4:3 and 1:1), made when a crawler asks.
        Spec(RenditionSpec.STANDARD, (4, 3), (1200,), "1200px", ("jpeg",)),
        Spec(RenditionSpec.SQUARE, (1, 1), (1200,), "1200px", ("jpeg",)),
    ]
}
EXTENSIONS = {
    RenditionFormat.AVIF: "avif",
    RenditionFormat.WEBP: "webp",
    RenditionFormat.JPEG: "jpg",
}
MIME_TYPES = {
    RenditionFormat.AVIF: "image/avif",
    RenditionFormat.WEBP: "image/webp",
    RenditionFormat.JPEG: "image/jpeg",
}
ENCODER_OPTIONS = {
    RenditionFormat.AVIF: {"format": "AVIF", "quality": 60, "speed": 6},
    RenditionFormat.WEBP: {"format": "WEBP", "quality": 80, "method": 4},
    RenditionFormat.JPEG: {
        "format": "JPEG",
        "quality": 82,
        "optimize": True,
        "progressive": True,
    },
}


@functools.cache
def avif_available() -> bool:
    """Whether this Pillow can encode AVIF (some builds only decode it)."""
    if not features.check("avif"):
        return False
    try:
        PILImage.new("RGB", (8, 8)).save(io.BytesIO(), format="AVIF")
    except Exception:
        return False
    return True


def formats_for(spec: Spec) -> tuple[str, ...]:
    """Best first; JPEG, the fallback every browser shows, always last."""
    if spec.formats:
        return spec.formats
    if avif_available():
        return (RenditionFormat.AVIF, RenditionFormat.WEBP, RenditionFormat.JPEG)
    return (RenditionFormat.WEBP, RenditionFormat.JPEG)


# --- Geometry ----------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    box: tuple[int, int, int, int]  # the crop, in source pixels
    width: int  # of the rendition
    height: int


def plan(
    width: int, height: int, focal: tuple[float, float], spec: Spec, target: int
) -> Plan:
    """Crop the largest area of the spec's shape centred on the focal point
    (moved only as far as the edges require, so the point is always inside),
    and scale it to `target` pixels wide, never wider than the crop."""
    if spec.ratio:
        rw, rh = spec.ratio
        if width * rh > height * rw:  # wider than the shape: keep the full height
            crop_w, crop_h = max(1, min(width, round(height * rw / rh))), height
        else:
            crop_w, crop_h = width, max(1, min(height, round(width * rh / rw)))
    else:
        crop_w, crop_h = width, height
    left = _clamp(round(focal[0] * width - crop_w / 2), 0, width - crop_w)
    top = _clamp(round(focal[1] * height - crop_h / 2), 0, height - crop_h)
    out_w = min(target, crop_w)
    if spec.ratio:
        out_h = max(1, round(out_w * spec.ratio[1] / spec.ratio[0]))
    else:
        out_h = max(1, round(out_w * crop_h / crop_w))
    return Plan((left, top, left + crop_w, top + crop_h), out_w, out_h)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def image_plan(image: Image, spec: Spec, target: int) -> Plan:
    return plan(image.width, image.height, (image.focal_x, image.focal_y), spec, target)


def candidates(image: Image, spec: Spec) -> list[tuple[int, Plan]]:
    """(requested width, plan) for each width the spec offers, dropping those
    a small image cannot fill (they would repeat a smaller one)."""
    seen, found = set(), []
    for target in spec.widths:
        p = image_plan(image, spec, target)
        if p.width not in seen:
            seen.add(p.width)
            found.append((target, p))
    return found


def made_target(image: Image, spec: Spec, target: int) -> int:
    """The spec's width whose rendition is `target`'s picture: `target`
    itself, or, for a picture too small to fill it, the smaller width giving
    the same picture, the one made ahead (`candidates`). No query."""
    width = image_plan(image, spec, target).width
    return next(t for t, p in candidates(image, spec) if p.width == width)


def jpeg(image: Image, spec: str, target: int) -> tuple[str, int, int]:
    """The address, width and height of the JPEG rendition of `image` in
    `spec` at the spec's width `target` (narrower for a picture too small to
    fill it): for structured data, which states a picture's size. No query."""
    made = made_target(image, SPECS[spec], target)
    p = image_plan(image, SPECS[spec], made)
    return rendition_url(image, spec, made, RenditionFormat.JPEG), p.width, p.height


# --- URLs --------------------------------------------------------------------


def rendition_url(image: Image, spec: str, target: int, fmt: str) -> str:
    """The address of a rendition: the rendition view, which shows it to those
    who may see the picture (`views.rendition`), making the file on first
    request. Drawn for a share link's preview, it carries that link's grant.
    No query."""
    address = f"{_address_prefix(image)}{spec}-{target}.{EXTENSIONS[fmt]}"
    link = shared_preview.get()
    if link is not None:
        address += f"?{GRANT_PARAMETER}={_grant(image.pk, link.pk)}"
    return address


_prefixes: dict[tuple, str] = {}
PREFIXES_KEPT = 10_000


def _address_prefix(image: Image) -> str:
    """What every rendition address of the image starts with: reversed once per
    image, file and focal point (a page has a srcset entry per width and
    format, about 190 a section page, and a fresh instance of each picture per
    story it shows), per URL configuration and script prefix."""
    key = (
        image.pk,
        image.file.name,
        image.focal_x,
        image.focal_y,
        get_script_prefix(),
        get_urlconf(),
    )
    prefix = _prefixes.get(key)
    if prefix is None:
        sample = reverse(
            "media_library:rendition",
            kwargs={
                "pk": image.pk,
                "version": image.rendition_version,
                "spec": "x",
                "width": 0,
                "ext": "jpg",
            },
        )
        prefix = sample.removesuffix("x-0.jpg")
        if prefix == sample:  # the pattern no longer ends with its spec
            raise ImproperlyConfigured(f"Unexpected rendition address {sample}")
        if len(_prefixes) >= PREFIXES_KEPT:
            _prefixes.clear()
        _prefixes[key] = prefix
    return prefix


# --- Grants: a share link's preview shows pictures that are not public yet -----

GRANT_PARAMETER = "share"
GRANT_SALT = "media_library.renditions.grant"


@functools.lru_cache(maxsize=4096)
def _grant(image_id: int, link_id: int) -> str:
    return signing.dumps([image_id, link_id], salt=GRANT_SALT)


def granted(request, image: Image) -> bool:
    """Whether the request carries a grant for `image` from a share link that
    still works (not revoked, not expired): one query when it does."""
    signed = request.GET.get(GRANT_PARAMETER)
    if not signed:
        return False
    try:
        image_id, link_id = signing.loads(signed, salt=GRANT_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return False
    if image_id != image.pk or not isinstance(link_id, int):
        return False
    link = ShareLink.objects.filter(pk=link_id).first()
    return link is not None and link.is_active


# --- Making them -------------------------------------------------------------


def rendition_for(image: Image, *, spec: str, width: int, fmt: str) -> Rendition:
    """The stored rendition, made now if it does not exist yet.

    The first caller inserts the row, renders and stores the file in one
    transaction; a concurrent caller's insert of the same row waits for that
    transaction (the unique constraint), then reads the finished row. So the
    file is made and stored exactly once.
    """
    lookup = {
        "image": image,
        "spec": spec,
        "target_width": width,
        "format": fmt,
        "version": image.rendition_version,
    }
    existing = Rendition.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        rendition, created = Rendition.objects.get_or_create(**lookup)
        if not created:
            return rendition
        data, rendition.width, rendition.height = render(image, SPECS[spec], width, fmt)
        stem = safe_basename(image.file.name).rsplit(".", 1)[0][:60]
        name = f"{stem}-{spec}-{width}-{rendition.version}.{EXTENSIONS[fmt]}"
        rendition.file.save(name, ContentFile(data), save=False)
        try:
            rendition.save(update_fields=["file", "width", "height"])
        except BaseException:
            rendition.file.storage.delete(rendition.file.name)
            raise
    return rendition


def render(image: Image, spec: Spec, target: int, fmt: str) -> tuple[bytes, int, int]:
    """Encode one rendition: (bytes, width, height). First frame only; sRGB;
    no metadata; transparency kept, except in JPEG (laid on white)."""
    with (
        image.file.storage.open(image.file.name, "rb") as stored,
        PILImage.open(stored, formats=PILLOW_FORMATS) as source,
    ):
        source.seek(0)
        # Stored files are upright already; images stored before the library
        # applied the orientation on upload are not.
        picture = ImageOps.exif_transpose(source)
        picture = _in_srgb(picture)
        p = plan(
            picture.width, picture.height, (image.focal_x, image.focal_y), spec, target
        )
        alpha = _has_alpha(picture)
        # Resize with premultiplied alpha (RGBa), or edges go dark.
        working = picture.convert("RGBA").convert("RGBa") if alpha else _rgb(picture)
        resized = working.resize(
            (p.width, p.height),
            PILImage.Resampling.LANCZOS,
            box=p.box,
            reducing_gap=3.0,
        )
        if alpha:
            resized = resized.convert("RGBA")
            if fmt == RenditionFormat.JPEG:
                flat = PILImage.new("RGB", resized.size, (255, 255, 255))
                flat.paste(resized, mask=resized.getchannel("A"))
                resized = flat
        buffer = io.BytesIO()
        resized.save(buffer, **ENCODER_OPTIONS[fmt])
        return buffer.getvalue(), p.width, p.height


def _rgb(picture: PILImage.Image) -> PILImage.Image:
    if picture.mode == "RGB":
        return picture
    if picture.mode.startswith("I;16"):  # 16-bit greyscale: scale to 8 bits
        picture = picture.point(lambda value: value / 256).convert("L")
    return picture.convert("RGB")


def _has_alpha(picture: PILImage.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        picture.mode == "P" and "transparency" in picture.info
    )


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _in_srgb(picture: PILImage.Image) -> PILImage.Image:
    """Convert from the picture's own colour profile, since renditions carry
    none and browsers read profile-less pictures as sRGB."""
    icc = picture.info.get("icc_profile")
    if not icc or picture.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return picture
    output_mode = "RGBA" if picture.mode == "RGBA" else "RGB"
    try:
        converted = ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            _srgb(),
            outputMode=output_mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken profile: use the pixels as they are
    return converted or picture

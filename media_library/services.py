"""Adding pictures to the library, one or many, with the same checks and the
same answers whoever calls: the admin form, the bulk upload, a script; what a
picture needs before readers may see it, and what a gallery needs to go live;
adding pictures to a gallery; and stripping metadata from originals stored
before uploads were stripped."""

import datetime
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from PIL import Image as PILImage
from PIL import ImageOps

from workflow.registry import Check, failing

from .models import Gallery, GalleryItem, Image, Licence, Rendition
from .validation import (
    PILLOW_FORMATS,
    CheckedUpload,
    check_upload,
    metadata_in,
    without_metadata,
)


class Outcome:
    ADDED = "added"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass
class UploadResult:
    name: str  # the file name as uploaded
    outcome: str  # one of Outcome
    image: Image | None = None  # the new image, or the one it duplicates
    reason: str = ""  # why it was refused


def duplicate_message(existing: Image) -> SafeString:
    return format_html(
        'This file is already in the library as <a href="{}">“{}”</a>.'
        " Use that image instead of uploading it again.",
        existing.get_admin_url(),
        existing.title,
    )


def check_new_upload(upload, *, replacing: Image | None = None) -> CheckedUpload:
    """`validation.check_upload`, then refuse bytes already in the library
    (code "duplicate", naming and linking the image that has them)."""
    checked = check_upload(upload)
    if existing := find_duplicate(checked, replacing=replacing):
        raise ValidationError(duplicate_message(existing), code="duplicate")
    return checked


def find_duplicate(
    checked: CheckedUpload, *, replacing: Image | None = None
) -> Image | None:
    others = Image.objects.all()
    if replacing is not None and replacing.pk:
        others = others.exclude(pk=replacing.pk)
    return others.duplicate_of(checked.sha256)


def title_from_name(name: str) -> str:
    """“PIA24430_hazcam-rear.jpg” -> “PIA24430 hazcam rear”."""
    stem = PurePath(str(name).replace("\\", "/")).stem
    return " ".join(stem.replace("_", " ").replace("-", " ").split())[:255] or "Image"


def add_image(
    upload,
    *,
    uploaded_by=None,
    credit: str = "",
    licence: str = Licence.AGENCY,
    tags: list[str] | tuple[str, ...] = (),
) -> UploadResult:
    """Add one uploaded file to the library, or say why not.

    Title, caption, credit and alt text come from the file's own metadata
    where it has them; `credit` is used when the file names none, and the file
    name becomes the title when it carries none. Alt text the file lacks is
    left for the editor to write (the workflow will not publish a story or a
    gallery with an image that lacks it). A refused or duplicate file leaves
    nothing behind: no row, no stored file.
    """
    name = getattr(upload, "name", "") or "image"
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        return UploadResult(name, Outcome.REFUSED, reason=" ".join(error.messages))
    if existing := find_duplicate(checked):
        return UploadResult(name, Outcome.DUPLICATE, existing)

    text = checked.suggested
    image = Image(
        file=checked.file,
        title=text.title or title_from_name(name),
        alt_text=text.alt_text,
        caption=text.caption,
        credit=text.credit or credit,
        licence=licence,
        uploaded_by=uploaded_by,
    )
    try:
        with transaction.atomic():
            image.save()
            if tags:
                image.tags.add(*tags)
    except IntegrityError:
        # The same bytes arrived in another request a moment ago.
        existing = Image.objects.duplicate_of(checked.sha256)
        if existing is None:
            raise
        return UploadResult(name, Outcome.DUPLICATE, existing)
    return UploadResult(name, Outcome.ADDED, image)


# --- What readers need of a picture --------------------------------------------

# The text every picture shown publicly must carry: (how it is named, field).
NEEDED_TEXT = (("alt text", "alt_text"), ("credit", "credit"))


def is_blank(value) -> bool:
    """Missing, for any text a reader would be shown: empty, None, or nothing a
    reader could see (spaces, line breaks, zero-width and other invisible
    characters). One answer for the model, the publish check and the pickers."""
    if value is None:
        return True
    return all(
        char.isspace() or unicodedata.category(char) in ("Cf", "Cc")
        for char in str(value)
    )


def missing_for_publishing(image: Image) -> list[str]:
    """What readers need and `image` lacks: ["alt text", "credit"], or part."""
    return [label for label, name in NEEDED_TEXT if is_blank(getattr(image, name))]


def licence_expired(image: Image, *, on: datetime.date | None = None) -> bool:
    """Whether `image` may no longer be shown on day `on` (today, in the
    newsroom's time zone): its licence runs out on its expiry date."""
    expires = image.licence_expires_on
    return expires is not None and expires <= (on or timezone.localdate())


def picture_problems(
    image: Image, *, role: str = "picture", on: datetime.date | None = None
) -> list[str]:
    """What stops `image` being shown publicly on day `on` (today), in words
    that name it as used (`role`: "hero image", "picture") and by number, so
    whoever reads them can find it in the library. The one rule for every
    story, gallery and path that puts a picture in front of readers."""
    named = f"its {role} “{image}” (#{image.pk})"
    problems = []
    if missing := missing_for_publishing(image):
        problems.append(f"{named} has no {' or '.join(missing)}.")
    if licence_expired(image, on=on):
        expired = formats.date_format(image.licence_expires_on, "DATE_FORMAT")
        if image.licence_expires_on <= timezone.localdate():
            problems.append(
                f"{named} may not be shown: its licence expired on {expired}."
            )
        else:  # a scheduled item, checked for the day it goes live
            day = formats.date_format(on, "DATE_FORMAT")
            problems.append(
                f"{named} may not be shown on {day}: its licence expires on {expired}."
            )
    return problems


def pictures_problems(
    images: Iterable[Image], *, role: str = "picture", on: datetime.date | None = None
) -> list[str]:
    return [
        problem
        for image in images
        for problem in picture_problems(image, role=role, on=on)
    ]


# --- Galleries -------------------------------------------------------------------


def gallery_checklist(
    gallery: Gallery, *, on: datetime.date | None = None, pending=None
) -> list[Check]:
    """What `gallery` needs before it goes live, or stays live after an edit,
    line by line: every picture fit to show (`picture_problems`), and at
    least one. `pending` may hold the unsaved rows of its open form ("items").
    Registered as the gallery's checklist in `apps.py`."""
    if pending is not None and "items" in pending:
        images = [row.image for row in pending["items"] if row.image_id is not None]
    else:
        images = [item.image for item in gallery.items.select_related("image")]
    return [
        Check(
            "pictures_fit",
            "Every picture has alt text, a credit and a licence that runs",
            tuple(pictures_problems(images, on=on)),
            field="items",
        ),
        Check(
            "has_pictures",
            "The gallery has at least one picture",
            () if images else ("it has no pictures.",),
            field="items",
        ),
    ]


def gallery_problems(gallery: Gallery, *, on: datetime.date | None = None) -> list[str]:
    """What stops `gallery` going live: its checklist's failing lines."""
    return failing(gallery_checklist(gallery, on=on))


@transaction.atomic
def add_to_gallery(
    gallery: Gallery, images: Iterable[Image], *, by
) -> list[GalleryItem]:
    """Put `images` at the end of `gallery`, in order, as one edit of it (the
    bulk upload into a gallery, a script): allowed to whoever may edit the
    gallery, versioned (a form opened before it sees a newer version) and
    recorded as a revision. A picture already in the gallery is not added
    twice. When the gallery is live or scheduled, the gallery as it would be
    must pass the publish check, or nothing is added
    (`workflow.services.NotPublishable`): an upload without alt text
    waits in the library until it has some."""
    from workflow import services as workflow

    workflow.check_allowed(by, "edit", gallery)
    locked = Gallery.objects.select_for_update().get(pk=gallery.pk)
    workflow.claim_version(locked, expected=locked.version)
    present = set(locked.items.values_list("image_id", flat=True))
    new = []
    for image in images:
        if image.pk not in present:
            present.add(image.pk)
            new.append(image)
    start = locked.items.aggregate(last=Max("position"))["last"]
    start = 0 if start is None else start + 1
    added = GalleryItem.objects.bulk_create(
        GalleryItem(gallery=locked, image=image, position=start + n)
        for n, image in enumerate(new)
    )
    workflow.record_edit(locked, by=by, drop_draft=False)  # refuses, or records
    gallery.version = locked.version
    return added


# --- Stripping stored originals ---------------------------------------------------


@dataclass
class StripResult:
    removed: set[str] = field(default_factory=set)  # `metadata_in`; empty: clean
    pixels_changed: bool = False  # so its renditions are made again
    written: bool = False  # False for a dry run, or when there was nothing to do


@transaction.atomic
def strip_stored_metadata(image: Image, *, dry_run: bool = False) -> StripResult:
    """Apply the upload's stripping (`validation.without_metadata`) to an
    original stored before uploads were stripped: the file is rewritten only
    if it carries something stripping removes, so a second run changes
    nothing. Its renditions are kept if the pixels they were made from are the
    same, and retired (made again on next use) if not: turned upright, or a
    JPEG re-encoded. The SHA-256 stays that of the file as uploaded, which
    duplicate uploads are recognised by.

    Raises what reading a broken file raises (OSError, Pillow's errors).
    """
    image = Image.objects.select_for_update().get(pk=image.pk)
    with image.file.storage.open(image.file.name, "rb") as stored:
        data = stored.read()
    removed = metadata_in(data)
    if not removed:
        return StripResult()
    clean, size = without_metadata(data)
    clean_data = clean.read()
    result = StripResult(
        removed,
        pixels_changed=size != (image.width, image.height)
        or not _same_pixels(data, clean_data),
    )
    if dry_run:
        return result

    old_version = image.rendition_version
    # A new name, as when an editor replaces the file: the old one is deleted
    # once this commits (`signals.image_saved`), never before.
    image.file.save(PurePath(image.file.name).name, ContentFile(clean_data), save=False)
    try:
        with PILImage.open(io.BytesIO(clean_data), formats=PILLOW_FORMATS) as picture:
            image.format = picture.format
        image.width, image.height = size
        image.file_size = len(clean_data)
        if not result.pixels_changed:  # still what this version would make
            Rendition.objects.filter(image=image, version=old_version).update(
                version=image.rendition_version
            )
        image.save(update_fields=["file", "format", "width", "height", "file_size"])
    except BaseException:
        image.file.storage.delete(image.file.name)
        raise
    result.written = True
    return result


def _same_pixels(before: bytes, after: bytes) -> bool:
    """Whether renditions made from `before` (first frame, turned upright as
    `renditions.render` turns it) would be made from the same pixels now."""
    with (
        PILImage.open(io.BytesIO(before), formats=PILLOW_FORMATS) as old,
        PILImage.open(io.BytesIO(after), formats=PILLOW_FORMATS) as new,
    ):
        old_pixels = ImageOps.exif_transpose(old).convert("RGBA")
        new_pixels = new.convert("RGBA")
        return old_pixels.size == new_pixels.size and (
            old_pixels.tobytes() == new_pixels.tobytes()
        )

"""Adding pictures to the library, one or many, with the same checks and the
same answers whoever calls: the admin form, the bulk upload, a script."""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .models import Image, Licence
from .validation import CheckedUpload, check_upload


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

    Title, caption and credit come from the file's own metadata where it has
    them; `credit` is used when the file names none, and the file name becomes
    the title when it carries none. Alt text is left for the editor to write
    (the workflow will not publish a story with an image that lacks it). A
    refused or duplicate file leaves nothing behind: no row, no stored file.
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

"""Where library images are used, found without naming any model that uses them.

Every model with a foreign key, one-to-one or many-to-many field pointing at
`Image` (a story's hero, an author's headshot, a gallery's items) shows up in
`Image._meta.related_objects`; that is the whole registry. What is reported for
each use, by duck typing on the object that holds the reference:

- `usage_parent`: a row that only exists inside something else (a gallery item
  in its gallery) names that thing; the use is reported on it. Its class names
  the foreign key to it in `usage_parent_field`, for the SQL below.
- `is_public`: whether readers can see it now (a published story, an active
  author's profile); in SQL, its manager's `public()`.
- `get_absolute_url()`: its public page, if it has one; its admin change page
  is found through the admin site.

Which pictures readers may see follows from that, and is decided here once
(`public_images`, `is_public`): a picture is public while something public uses
it. The rendition view, the pages and the cache purges all ask this module.
"""

import datetime
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.text import get_text_list

from .models import Image, Rendition

# Relations that are the library's own bookkeeping, not uses of a picture.
NOT_USES = {Rendition}


@dataclass(frozen=True)
class Use:
    obj: models.Model  # what uses the image (a story, an author, a gallery)
    relation: str  # how, in words: "hero image", "headshot"
    is_public: bool
    admin_url: str
    public_url: str

    @property
    def kind(self) -> str:
        return str(self.obj._meta.verbose_name)

    def __str__(self) -> str:
        return f"{self.relation} of the {self.kind} “{self.obj}”"


def image_relations() -> list[models.ForeignObjectRel]:
    """The relations through which other models point at images."""
    return [
        rel
        for rel in Image._meta.related_objects
        if rel.related_model not in NOT_USES
        and not rel.related_model._meta.auto_created  # an M2M's own through table
    ]


def content_key(image_id: int) -> str:
    """The content key of a picture's files in the caches in front: a public
    picture's renditions carry it, and a purge of it (the story placing the
    picture unpublished: newsroom.signals) takes them out of those caches."""
    return f"image:{image_id}"


def placed_images(item: models.Model) -> list[int]:
    """The ids of the library pictures `item` places: its own picture fields
    (a story's hero, a headshot) and its parts' (a story's inline pictures, a
    gallery's items, a live story's entries)."""
    found = set()
    for rel in image_relations():
        model = rel.related_model
        if isinstance(item, model):
            found.add(getattr(item, rel.field.attname))
        parent = getattr(model, "usage_parent_field", None)
        if parent and isinstance(item, model._meta.get_field(parent).related_model):
            found.update(
                model._default_manager.filter(**{parent: item}).values_list(
                    rel.field.attname, flat=True
                )
            )
    return sorted(pk for pk in found if pk is not None)


def public_rows(model: type[models.Model]) -> models.QuerySet:
    """The rows of `model` readers can see now, by the model's own rule: its
    manager's `public()` (stories, galleries, author profiles); a row inside
    something else (a gallery item) when that is."""
    manager = model._default_manager
    if parent := getattr(model, "usage_parent_field", None):
        parent_model = model._meta.get_field(parent).related_model
        return manager.filter(**{f"{parent}__in": public_rows(parent_model)})
    if hasattr(manager, "public"):
        return manager.public()
    raise ImproperlyConfigured(
        f"{model.__name__} uses library images but says nowhere which of its "
        "rows are public: give its manager public(), or the "
        "model a usage_parent_field."
    )


def public_images() -> models.QuerySet:
    """The library pictures readers may see: those something public uses (a
    live story's hero or inline picture, a public gallery, an active author's
    headshot). One query, however many kinds of use there are."""
    used = models.Q(pk__in=[])
    for rel in image_relations():
        used |= models.Q(
            pk__in=public_rows(rel.related_model).values(rel.field.attname)
        )
    return Image.objects.filter(used)


def is_public(image: Image) -> bool:
    """Whether readers may see `image` now (see `public_images`)."""
    return image.pk is not None and public_images().filter(pk=image.pk).exists()


# What readers see of a picture: a writer may not change these once something
# public shows it; an editor may, and every public use records the change.
SHOWN_FIELDS = {
    "file": "file",
    "alt_text": "alt text",
    "caption": "caption",
    "credit": "credit",
    "focal_x": "focal point",
    "focal_y": "focal point",
}
CHANGE_PUBLIC = "media_library.change_public_image"


class PictureOnTheSite(PermissionDenied):
    pass


def check_may_change(user, image: Image, fields) -> None:
    """Raise PictureOnTheSite if `user` may not change these `fields` of
    `image`: what readers see of a picture on a public page is an editor's."""
    shown = sorted({SHOWN_FIELDS[f] for f in fields if f in SHOWN_FIELDS})
    if not shown or user.has_perm(CHANGE_PUBLIC) or not is_public(image):
        return
    where = next((use for use in uses_of(image) if use.is_public), None)
    raise PictureOnTheSite(
        f"Readers see this picture on the site ({where}), so only an editor may "
        f"change its {get_text_list(shown, 'or')}. Ask an editor, or upload your "
        "version as a new picture and use that."
    )


def record_picture_change(image: Image, *, by, changed: dict[str, tuple]) -> list:
    """After an editor changed what readers see of a public picture: note it in
    the history (a revision) and the audit trail of every public item showing
    it. `changed` maps field names to (before, after). Returns those items."""
    from workflow import services
    from workflow.models import Publishable, Transition

    shown = {SHOWN_FIELDS[f]: v for f, v in changed.items() if f in SHOWN_FIELDS}
    if not shown:
        return []
    words = []
    for label, (before, after) in shown.items():
        if label in ("file", "focal point"):
            words.append(f"{label} changed")
        else:
            words.append(f"{label} “{before}” → “{after}”")
    note = f"Picture “{image.title}”: {'; '.join(words)}"
    items = []
    for use in uses_of(image):
        if not (use.is_public and isinstance(use.obj, Publishable)):
            continue
        if use.obj in items:  # a story's hero and inline picture at once
            continue
        items.append(use.obj)
        services.save_revision(use.obj, by=by, note=note[:255])
        Transition.objects.create(
            content_type=ContentType.objects.get_for_model(use.obj),
            object_id=use.obj.pk,
            action="picture_changed",
            from_state=use.obj.status,
            to_state=use.obj.status,
            by=by,
            comment=note,
        )
    return items


def uses_of(image: Image) -> list[Use]:
    """Every use of `image`, one query per relation."""
    uses = []
    for rel in image_relations():
        holders = rel.related_model._default_manager.filter(**{rel.field.name: image})
        for holder in holders.distinct():
            uses.append(_use(holder, str(rel.field.verbose_name)))
    return uses


def in_use(image: Image) -> bool:
    return any(
        rel.related_model._default_manager.filter(**{rel.field.name: image}).exists()
        for rel in image_relations()
    )


def refuse_if_expired(image: Image | None, *, on: datetime.date | None = None) -> None:
    """Raise ValidationError (code "licence_expired") if `image`'s licence has run
    out: its expiry date is `on` (today, in the newsroom's time zone) or earlier.

    For the moment something newly attaches an image (a story's hero changes to
    it); a story that already used it keeps it, and `expired_in_use` lists those.
    `None` (no image) passes.
    """
    if image is None or image.licence_expires_on is None:
        return
    today = on or timezone.localdate()
    if image.licence_expires_on <= today:
        raise ValidationError(
            "The licence for “%(title)s” (%(credit)s) expired on %(date)s, so it "
            "cannot be added to a story. Choose another picture, or renew the "
            "licence and update its expiry date in the library.",
            code="licence_expired",
            params={
                "title": image.title,
                "credit": image.credit or "no credit",
                "date": formats.date_format(image.licence_expires_on, "DATE_FORMAT"),
            },
        )


def expired_in_use(*, on: datetime.date | None = None) -> list[tuple[Image, list[Use]]]:
    """Images whose licence has run out, each with its uses readers can see
    (published stories, author pages, ...), leaving out those with none."""
    found = []
    for image in Image.objects.expired(on).order_by("licence_expires_on", "title"):
        public = [use for use in uses_of(image) if use.is_public]
        if public:
            found.append((image, public))
    return found


def _use(holder: models.Model, relation: str) -> Use:
    obj = getattr(holder, "usage_parent", None) or holder
    is_public = getattr(obj, "is_public", True)
    public_url = ""
    if hasattr(obj, "get_absolute_url"):
        try:
            public_url = obj.get_absolute_url()
        except NoReverseMatch:
            public_url = ""
    return Use(
        obj=obj,
        relation=relation,
        is_public=bool(is_public),
        admin_url=_admin_url(obj),
        public_url=public_url,
    )


def _admin_url(obj: models.Model) -> str:
    if not admin.site.is_registered(type(obj)):
        return ""
    opts = obj._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
        )
    except NoReverseMatch:
        return ""

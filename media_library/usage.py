"""Where library images are used, found without naming any model that uses them.

Every model with a foreign key, one-to-one or many-to-many field pointing at
`Image` (a story's hero, an author's headshot, a gallery's items) shows up in
`Image._meta.related_objects`; that is the whole registry. What is reported for
each use, by duck typing on the object that holds the reference:

- `usage_parent`: a row that only exists inside something else (a gallery item
  in its gallery) names that thing; the use is reported on it.
- `is_public`: whether readers can see it now (a published story). Objects
  without it (an author profile) count as always public.
- `get_absolute_url()`: its public page, if it has one; its admin change page
  is found through the admin site.
"""

import datetime
from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone

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

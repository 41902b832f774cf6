import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from core.addresses import slug_address
from core.fields import SingleLineCharField, URLField
from core.slugs import unique_slug
from workflow.models import Publishable, PublishableQuerySet, Versioned
from workflow.states import permissions_for, state_constraints

from .storage import library_storage
from .validation import check_upload, safe_basename

# Part of every rendition's version: raise it when the rendition sizes or
# encoder settings change, and every picture gets new renditions on next use.
RENDITIONS_REVISION = 1


class Licence(models.TextChoices):
    PUBLIC_DOMAIN = "public-domain", "Public domain"
    CC_BY = "cc-by", "Creative Commons BY"
    CC_BY_SA = "cc-by-sa", "Creative Commons BY-SA"
    AGENCY = "agency", "Agency / rights-managed"
    STAFF = "staff", "Staff photo or artwork"


def image_upload_to(instance: "Image", filename: str) -> str:
    """images/YYYY/MM/<random>/<safe basename>: no address serves the library's
    files (see `storage`), and were one mapped onto them by mistake, nobody
    could guess where an original is. The storage adds a suffix on collision
    (atomically on the filesystem), so two uploads never share a name."""
    return (
        f"images/{timezone.now():%Y/%m}/{secrets.token_hex(16)}/"
        f"{safe_basename(filename)}"
    )


class ImageQuerySet(models.QuerySet):
    def duplicate_of(self, sha256: str) -> "Image | None":
        return self.filter(sha256=sha256).first()

    def expired(self, on: datetime.date | None = None):
        """Images whose licence has run out by `on` (today, in the newsroom's
        time zone): from the expiry date on, they may not be newly used."""
        return self.filter(licence_expires_on__lte=on or timezone.localdate())


class Image(Versioned):
    file = models.ImageField(
        "image file",
        upload_to=image_upload_to,
        storage=library_storage,
        max_length=255,
        help_text="JPEG, PNG, WebP, AVIF or GIF. The library keeps a copy without "
        "camera metadata (GPS position, camera serial numbers), turned upright.",
    )
    title = SingleLineCharField(
        max_length=255, help_text="For finding the image in the library."
    )
    alt_text = SingleLineCharField(
        "alt text",
        max_length=500,
        help_text="What the picture shows, for readers using a screen reader. "
        "Describe it; do not repeat the caption.",
    )
    caption = models.TextField(
        blank=True, help_text="Shown under the image; the credit is added after it."
    )
    credit = SingleLineCharField(
        max_length=255,
        help_text='Who owns the picture, as printed: "NASA/JPL-Caltech".',
    )
    source_url = URLField(
        "source URL", blank=True, help_text="Where the picture came from."
    )
    licence = models.CharField(
        max_length=20, choices=Licence.choices, default=Licence.AGENCY
    )
    licence_expires_on = models.DateField(
        "licence expires on",
        null=True,
        blank=True,
        help_text="For agency or wire pictures licensed for a time: from this day "
        "on the image may not be added to stories. Leave empty if it never expires.",
    )
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right. Click the picture to set it.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom.",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    file_size = models.PositiveBigIntegerField(
        "size in bytes", editable=False, default=0
    )
    format = models.CharField(max_length=10, editable=False, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="uploaded_images",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    tags = TaggableManager(blank=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "image"
        permissions = [
            (
                "change_public_image",
                "Can change the file, alt text, caption, credit or focal point "
                "of a picture readers see",
            )
        ]
        constraints = [
            # The same bytes uploaded twice is one picture in two places.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~models.Q(sha256=""),
                name="image_unique_sha256",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1
                ),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        new_upload = bool(self.file) and not self.file._committed
        if new_upload:
            self.accept_upload()
        # What was stored before, for signals.image_saved (post_save) to compare.
        self._previous_state = getattr(self, "_stored_state", {})
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
        except IntegrityError:
            # The row was refused (the same file uploaded twice at once, say):
            # take back the file this save just stored, so nothing is left over.
            if new_upload and self.file.name:
                self.file.storage.delete(self.file.name)
            raise
        self._remember_stored_state()

    def get_admin_url(self) -> str:
        return reverse("admin:media_library_image_change", args=[self.pk])

    def affects_public_pages(self) -> bool:
        """Whether saving or deleting this picture changes a page readers see,
        for the cache purge: only while something public uses it."""
        from .usage import is_public

        return is_public(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        image = super().from_db(db, field_names, values)
        image._remember_stored_state()
        return image

    @property
    def orientation(self) -> str:
        if not (self.width and self.height):
            return ""
        if self.width == self.height:
            return "square"
        return "landscape" if self.width > self.height else "portrait"

    def missing_for_publishing(self) -> list[str]:
        """What readers need and this picture lacks ("alt text", "credit"): a
        story or gallery showing it cannot go live until both are filled in
        (`services.missing_for_publishing`, the one rule)."""
        from .services import missing_for_publishing

        return missing_for_publishing(self)

    def clean(self):
        """Text a reader would see as nothing (spaces, invisible characters)
        is refused where it is typed, as the publish check counts it missing."""
        super().clean()
        from .services import is_blank

        errors = {
            name: ValidationError(
                self._meta.get_field(name).error_messages["blank"], code="blank"
            )
            for name in ("title", "alt_text", "credit")
            if getattr(self, name) and is_blank(getattr(self, name))
        }
        if errors:
            raise ValidationError(errors)

    @property
    def licence_expired(self) -> bool:
        return bool(
            self.licence_expires_on and self.licence_expires_on <= timezone.localdate()
        )

    @property
    def rendition_version(self) -> str:
        """Changes whenever the renditions must: a new file, a new focal point,
        new rendition settings. Part of every rendition URL and row."""
        key = (
            f"{RENDITIONS_REVISION}:{self.file.name}:"
            f"{self.focal_x:.4f}:{self.focal_y:.4f}"
        )
        return hashlib.sha256(key.encode()).hexdigest()[:12]

    def accept_upload(self) -> None:
        """Check the new file (`validation.check_upload`; raises ValidationError)
        and put the checked, metadata-free copy in its place, with its size,
        format, dimensions and the SHA-256 of the bytes as uploaded."""
        content = self.file.file
        checked = getattr(content, "checked", None) or check_upload(
            content, name=self.file.name
        )
        self.file = checked.file
        self.sha256 = checked.sha256
        self.format = checked.format
        self.width, self.height = checked.width, checked.height
        self.file_size = checked.file.size

    def _remember_stored_state(self) -> None:
        """The file name and rendition version as stored (None when deferred)."""
        loaded = self.__dict__
        self._stored_state = {
            "file": str(loaded["file"] or "") if "file" in loaded else None,
            "version": self.rendition_version
            if {"file", "focal_x", "focal_y"} <= loaded.keys()
            else None,
        }


class CreditPreset(models.Model):
    """A credit line the library offers when typing one, as agencies want it."""

    name = SingleLineCharField(
        "credit",
        max_length=255,
        unique=True,
        help_text='As printed under pictures: "NASA/JPL-Caltech".',
    )
    position = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Lower numbers are offered first."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "credit preset"

    def __str__(self) -> str:
        return self.name


class RenditionSpec(models.TextChoices):
    """The named sizes public pages use; `renditions.SPECS` has their geometry."""

    THUMBNAIL = "thumbnail", "Thumbnail (square)"
    CARD = "card", "Story card (16:9)"
    HERO = "hero", "Story hero (16:9)"
    FULL = "full", "Full width (uncropped)"
    SOCIAL = "social", "Social sharing (1200 × 630)"
    # The shapes search engines ask a story's picture in, beside HERO's 16:9.
    STANDARD = "standard", "Search engines (4:3)"
    SQUARE = "square", "Search engines (1:1)"


class RenditionFormat(models.TextChoices):
    AVIF = "avif", "AVIF"
    WEBP = "webp", "WebP"
    JPEG = "jpeg", "JPEG"


def rendition_upload_to(instance: "Rendition", filename: str) -> str:
    return f"renditions/{instance.image_id}/{filename}"


class Rendition(models.Model):
    """One stored resized copy of an image: made ahead on the task queue
    (`tasks`) or on first use, never remade (`renditions.rendition_for`),
    retired when its image's file or focal point changes (`signals`)."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    spec = models.CharField(max_length=20, choices=RenditionSpec.choices)
    target_width = models.PositiveIntegerField(
        "requested width", help_text="The size asked for; never wider than the image."
    )
    format = models.CharField(max_length=4, choices=RenditionFormat.choices)
    version = models.CharField(
        max_length=16, help_text="The image's rendition version it was made from."
    )
    file = models.FileField(
        upload_to=rendition_upload_to,
        storage=library_storage,
        max_length=255,
        blank=True,
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["image", "spec", "target_width", "format"]
        verbose_name = "rendition"
        constraints = [
            # Concurrent first requests insert the same row: one wins, the
            # others wait for it and use its file.
            models.UniqueConstraint(
                fields=["image", "spec", "target_width", "format", "version"],
                name="rendition_made_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image} ({self.spec}, {self.target_width}px, {self.format})"

    def affects_public_pages(self) -> bool:
        """Never: a rendition is made (ahead, or on a request) for what pages
        already name."""
        return False


class Gallery(Publishable):
    """An ordered set of library pictures with its own page, published through
    the shared editorial workflow."""

    title = SingleLineCharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The gallery's address. Left empty, it is made from the title.",
    )
    description = models.TextField(
        blank=True, help_text="A sentence or two shown above the pictures."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = "gallery"
        verbose_name_plural = "galleries"
        permissions = permissions_for("gallery", "gallery")
        constraints = state_constraints("gallery")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="gallery")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_address("galleries:detail", self.slug)

    def revision_data(self) -> dict:
        return {
            "title": self.title,
            "slug": self.slug,
            "description": self.description,
            "items": [
                {"image": item.image_id, "caption": item.caption}
                for item in self.items.order_by("position", "id")
            ],
        }

    def apply_revision_data(self, data: dict) -> None:
        self.title, self.slug = data["title"], data["slug"]
        self.description = data.get("description", "")
        self.save()
        self.items.all().delete()
        GalleryItem.objects.bulk_create(
            GalleryItem(
                gallery=self,
                image_id=item["image"],
                caption=item.get("caption", ""),
                position=n,
            )
            for n, item in enumerate(data.get("items", []))
        )


class GalleryItem(models.Model):
    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="items")
    image = models.ForeignKey(
        Image, on_delete=models.PROTECT, related_name="gallery_items"
    )
    caption = models.TextField(
        "caption override",
        blank=True,
        help_text="Leave empty to use the image's own caption. The credit is "
        "always added.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "picture"
        verbose_name_plural = "pictures"

    usage_parent_field = "gallery"

    def __str__(self) -> str:
        return f"{self.image} in {self.gallery}"

    @property
    def usage_parent(self):
        """Uses of the image are reported on the gallery."""
        return self.gallery

    @property
    def caption_text(self) -> str:
        from .services import is_blank

        return self.image.caption if is_blank(self.caption) else self.caption

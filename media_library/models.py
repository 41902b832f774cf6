import hashlib
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from PIL import Image as PILImage
from taggit.managers import TaggableManager

from newsroom.fields import URLField


class Licence(models.TextChoices):
    PUBLIC_DOMAIN = "public-domain", "Public domain"
    CC_BY = "cc-by", "Creative Commons BY"
    CC_BY_SA = "cc-by-sa", "Creative Commons BY-SA"
    AGENCY = "agency", "Agency / rights-managed"
    STAFF = "staff", "Staff photo or artwork"


def image_upload_to(instance: "Image", filename: str) -> str:
    """images/YYYY/MM/<safe basename>; the storage adds a suffix on collision."""
    name = get_valid_filename(PurePath(filename.replace("\\", "/")).name) or "image"
    return f"images/{timezone.now():%Y/%m}/{name}"


def file_sha256(file) -> str:
    """SHA-256 of an uploaded or stored file, read in chunks."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(file.read, b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class ImageQuerySet(models.QuerySet):
    def duplicate_of(self, sha256: str) -> "Image | None":
        return self.filter(sha256=sha256).first()


class Image(models.Model):
    file = models.ImageField(
        "image file",
        upload_to=image_upload_to,
        help_text="JPEG, PNG, WebP, AVIF or GIF.",
    )
    title = models.CharField(
        max_length=255, help_text="For finding the image in the library."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=500,
        help_text="What the picture shows, for readers using a screen reader. "
        "Describe it; do not repeat the caption.",
    )
    caption = models.TextField(
        blank=True, help_text="Shown under the image; the credit is added after it."
    )
    credit = models.CharField(
        max_length=255,
        help_text='Who owns the picture, as printed: "NASA/JPL-Caltech".',
    )
    source_url = URLField(
        "source URL", blank=True, help_text="Where the picture came from."
    )
    licence = models.CharField(
        max_length=20, choices=Licence.choices, default=Licence.AGENCY
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
        constraints = [
            # The same bytes uploaded twice is one picture in two places.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~models.Q(sha256=""),
                name="image_unique_sha256",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        new_upload = bool(self.file) and not self.file._committed
        if new_upload:
            self.record_file_metadata()
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
        except IntegrityError:
            # The row was refused (the same file uploaded twice at once, say):
            # take back the file this save just stored, so nothing is left over.
            if new_upload and self.file.name:
                self.file.storage.delete(self.file.name)
            raise

    @property
    def orientation(self) -> str:
        if not (self.width and self.height):
            return ""
        if self.width == self.height:
            return "square"
        return "landscape" if self.width > self.height else "portrait"

    def record_file_metadata(self) -> None:
        """Fill in size, format, dimensions and SHA-256 from the file itself."""
        f = self.file.file
        self.sha256 = file_sha256(f)
        self.file_size = self.file.size
        with PILImage.open(f) as picture:
            self.format = picture.format or ""
            self.width, self.height = picture.size
        f.seek(0)

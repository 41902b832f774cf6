from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from core.addresses import slug_address
from core.fields import SingleLineCharField, URLField
from core.slugs import unique_slug
from workflow.models import Versioned

handle_validator = RegexValidator(
    r"^[A-Za-z0-9_]{1,15}$", "An X handle is 1–15 letters, digits or underscores."
)


class AuthorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def public(self):
        """Profiles readers can see: active ones (their pages, their headshots)."""
        return self.active()


class Author(Versioned):
    name = SingleLineCharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, blank=True, help_text="The author page's address."
    )
    job_title = SingleLineCharField(
        max_length=200, blank=True, help_text='As printed: "Senior Space Writer".'
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        verbose_name="login",
        help_text="The admin login of this author, if they write here.",
    )
    short_bio = SingleLineCharField(
        "short bio",
        max_length=400,
        blank=True,
        help_text="One or two sentences for the box under each story.",
    )
    bio = models.TextField(
        "full bio", blank=True, help_text="Several paragraphs for the author page."
    )
    headshot = models.ForeignKey(
        "media_library.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headshot_of",
    )
    beats = SingleLineCharField(
        "beats covered",
        max_length=300,
        blank=True,
        help_text="Comma-separated: exoplanets, spaceflight, military space.",
    )
    year_joined = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2200)],
    )
    education = models.TextField(blank=True, help_text="One qualification a line.")
    x_handle = models.CharField(
        "X handle",
        max_length=15,
        blank=True,
        validators=[handle_validator],
        help_text="Without the @.",
    )
    bluesky = models.CharField(
        "Bluesky handle", max_length=253, blank=True, help_text="name.bsky.social"
    )
    mastodon = URLField("Mastodon profile URL", blank=True)
    website = URLField(blank=True)
    tips_email = models.EmailField("e-mail for tips", blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive authors keep their page."
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "author"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_joined__isnull=True)
                | models.Q(year_joined__gte=1900, year_joined__lte=2200),
                name="author_year_joined_plausible",
            ),
            models.UniqueConstraint(
                Lower("x_handle"),
                condition=~models.Q(x_handle=""),
                name="author_unique_x_handle",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="author")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_address("authors:detail", self.slug)

    @property
    def is_public(self) -> bool:
        """Whether readers see this profile (and so its headshot): the row
        form of `AuthorQuerySet.public`."""
        return self.is_active

    @property
    def beat_list(self) -> list[str]:
        return [b.strip() for b in self.beats.split(",") if b.strip()]

    @property
    def education_list(self) -> list[str]:
        return [line.strip() for line in self.education.splitlines() if line.strip()]

    @property
    def x_url(self) -> str:
        return f"https://x.com/{self.x_handle}" if self.x_handle else ""

    @property
    def bluesky_url(self) -> str:
        return f"https://bsky.app/profile/{self.bluesky}" if self.bluesky else ""


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = SingleLineCharField(max_length=300)
    publisher = SingleLineCharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField("publication date", null=True, blank=True)
    note = SingleLineCharField(
        max_length=300, blank=True, help_text='Such as "illustrated by Karl Tate".'
    )
    url = URLField("link", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "-year", "title"]
        verbose_name = "book"

    def __str__(self) -> str:
        return self.title

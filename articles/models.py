import html
import math
import re

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag

from core.addresses import slug_address
from core.fields import SingleLineCharField
from core.sanitize import clean_html
from core.slugs import unique_slug
from media_library import inline
from media_library.models import Image
from workflow.models import Publishable, PublishableQuerySet
from workflow.states import (
    LIVE_STATES,
    State,
    permissions_for,
    state_constraints,
)


class Section(models.Model):
    name = SingleLineCharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Lower numbers come first in the menu."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "section"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_address("articles:section", self.slug)


def stored_body(body: str) -> str:
    """A story body as it is stored: cleaned, with library figures reduced to
    their placeholders, and cleaned again (the second pass closes what a
    malformed pasted figure left open). Idempotent."""
    return clean_html(inline.canonical(clean_html(body)))


# Reading speed for a story's "4 min read": the story page shows
# `Article.reading_minutes`, and the admin's word count
# (articles/static/articles/admin/story-aids.js) is given this number and
# counts words the same way, so the writer sees what readers will.
WORDS_PER_MINUTE = 230
_TAG = re.compile(r"<[^>]*>")


def word_count(body: str) -> int:
    """The words in an HTML body: its text, with every tag a space, split on
    whitespace (what story-aids.js does with the editor's HTML)."""
    return len(html.unescape(_TAG.sub(" ", body or "")).split())


# The workflow's states; kept under this name for readers of this app.
Status = State


class ArticleQuerySet(PublishableQuerySet):
    def for_section(self, section: Section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def newest_first(self):
        return self.order_by("-published_at", "-id")

    def for_cards(self):
        """A story card's row with its section and thumbnail; its bylines come
        from `with_card_relations` or `prefetch_bylines`."""
        # The search vector is as long as the body, and only SQL reads it.
        return self.select_related("section", "hero_image").defer(
            "body", "search_vector"
        )

    def with_card_relations(self):
        """What a story card shows (section, thumbnail, bylines): O(1) queries."""
        return self.for_cards().prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def with_public_relations(self):
        """A story page's row and what it shows, in a fixed number of queries.
        Its bylines are read with its related stories' (`prefetch_bylines`); its
        library pictures only when the body places some (`inline_images`)."""
        return (
            self.select_related("section", "hero_image", "gallery")
            .defer("search_vector")
            .prefetch_related("corrections")
        )

    def with_inline_images(self):
        """The library pictures in each body (`Article.inline_images`): one query."""
        return self.prefetch_related(_inline_image_rows())


class Article(Publishable):
    headline = SingleLineCharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The story's address. Left empty, it is made from the headline.",
    )
    dek = models.TextField(
        blank=True, help_text="The standfirst: one or two sentences under the headline."
    )
    body = models.TextField(
        blank=True, help_text="Scripts, styles and unsafe links are removed on save."
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(blank=True)
    authors = models.ManyToManyField(
        "authors.Author", through="Byline", related_name="articles", blank=True
    )
    hero_image = models.ForeignKey(
        "media_library.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_for",
        help_text="The picture at the top of the story. It cannot be deleted "
        "from the library while a story uses it.",
    )
    hero_caption = models.TextField(
        "hero caption override",
        blank=True,
        help_text="Leave empty to use the image's own caption. "
        "The credit is always added.",
    )
    gallery = models.ForeignKey(
        "media_library.Gallery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        help_text="A gallery linked from the story; shown once it is published.",
    )
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="related_from",
        verbose_name="related stories",
    )
    featured = models.BooleanField(
        "feature on the front page",
        default=False,
        help_text="The newest featured story leads the front page. Editors only.",
    )
    seo_title = SingleLineCharField(
        "SEO title", max_length=255, blank=True, help_text="Defaults to the headline."
    )
    seo_description = SingleLineCharField(
        "SEO description",
        max_length=320,
        blank=True,
        help_text="Defaults to the dek.",
    )
    # Live coverage (the live app): a story whose page carries timestamped
    # entries, posted from the live desk, that readers' pages fetch as they
    # come. The live app sets these from its desk; the story page asks only
    # `is_live`, so other stories read nothing more.
    is_live = models.BooleanField(
        "live story",
        default=False,
        help_text="Its page shows live entries, posted from the live desk.",
    )
    coverage_start = models.DateTimeField(
        "live coverage started", null=True, blank=True
    )
    coverage_end = models.DateTimeField("live coverage ended", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept up to date by a PostgreSQL trigger (headline A, dek B, body C) and
    # GIN-indexed there; unused on SQLite, where search falls back to LIKE.
    search_vector = SearchVectorField(null=True, editable=False)
    # Derived, kept by articles.related: {"picks": [...], "by_tags": [...]},
    # the story ids its page may show as related. Null until first worked out.
    related_ids = models.JSONField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = "story"
        verbose_name_plural = "stories"
        permissions = [
            *permissions_for("article", "story"),
            ("feature_article", "Can feature a story on the front page"),
        ]
        constraints = state_constraints("article")
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # What every public list reads: live stories, newest first. Without
            # it, public().newest_first() sorts the whole table. Its condition
            # decides nothing: it holds every row `public_q` may select at any
            # moment (tests/newsroom/test_public_predicate.py checks it), and
            # leaves out the time, which a partial index cannot hold.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(status__in=LIVE_STATES),
                name="article_live_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        self.body = stored_body(self.body)
        if not self.slug:
            self.slug = unique_slug(self, self.headline)
        if self.pk:
            old = Article.objects.filter(pk=self.pk).values("slug", "published_at")
            old = old.first()
            if old and old["slug"] != self.slug and old["published_at"]:
                # Readers and search engines may hold the old address: keep it.
                OldSlug.objects.update_or_create(
                    slug=old["slug"], defaults={"article": self}
                )
        super().save(*args, **kwargs)
        self.sync_inline_images()

    def get_absolute_url(self) -> str:
        return slug_address("articles:detail", self.slug)

    def sync_inline_images(self) -> None:
        """Keep `InlineImage` rows (usage listings, protected deletes, the page's
        prefetch) in step with the library figures in the body."""
        wanted = inline.image_ids(self.body)
        if wanted:
            found = set(
                Image.objects.filter(pk__in=wanted).values_list("pk", flat=True)
            )
            wanted = [pk for pk in wanted if pk in found]
        stored = list(
            self.inline_image_rows.order_by("position").values_list(
                "image_id", flat=True
            )
        )
        if stored == wanted:
            return
        self.inline_image_rows.all().delete()
        InlineImage.objects.bulk_create(
            InlineImage(article=self, image_id=pk, position=n)
            for n, pk in enumerate(wanted)
        )

    def tag_list(self) -> list[Tag]:
        """Its tags in the order they were given: from a prefetch if there was
        one, else one plain query (taggit's prefetch costs twice as much)."""
        if "tags" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.tags.all())
        return list(
            Tag.objects.filter(
                taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(
                    Article
                ),
                taggit_taggeditem_items__object_id=self.pk,
            ).order_by("taggit_taggeditem_items__id")
        )

    def inline_images(self) -> dict:
        """{image id: Image} for the body's library figures, from the prefetch
        made by `with_inline_images` when there is one; no query for a body
        without any."""
        if not inline.image_ids(self.body):
            return {}
        prefetch_related_objects([self], _inline_image_rows())  # unless done already
        rows = self.inline_image_rows.all()
        return {row.image_id: row.image for row in rows}

    # --- Workflow ---------------------------------------------------------------

    @classmethod
    def owner_q(cls, user) -> Q:
        """A writer owns what they created and what carries their byline."""
        return Q(created_by=user) | Q(bylines__author__user=user)

    def owner_users(self):
        users = {b.author.user for b in self.bylines.select_related("author__user")}
        users.add(self.created_by)
        return [u for u in users if u is not None]

    def revision_data(self) -> dict:
        return {
            **{name: getattr(self, name) for name in REVISION_FIELDS},
            "section": self.section_id,
            "hero_image": self.hero_image_id,
            "bylines": list(
                self.bylines.order_by("position", "id").values_list(
                    "author_id", flat=True
                )
            ),
            "tags": sorted(self.tags.names()),
            "related": sorted(self.related.values_list("pk", flat=True)),
            # For reading revisions side by side; the body itself restores them.
            "pictures_in_text": inline.describe(self.body),
        }

    def apply_revision_data(self, data: dict) -> None:
        for name in REVISION_FIELDS:
            setattr(self, name, data.get(name, ""))
        self.section_id = data["section"]
        self.hero_image_id = data.get("hero_image")
        self.save()
        self.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=self, author_id=author_id, position=position)
            for position, author_id in enumerate(data.get("bylines", []))
        )
        self.tags.set(data.get("tags", []))
        self.related.set(data.get("related", []))

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at WORDS_PER_MINUTE, rounded up; 0 when it
        is empty."""
        return math.ceil(word_count(self.body) / WORDS_PER_MINUTE)

    @property
    def meta_title(self) -> str:
        return self.seo_title or self.headline

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.dek

    @property
    def hero_caption_text(self) -> str:
        from media_library.services import is_blank

        if not is_blank(self.hero_caption):
            return self.hero_caption
        return self.hero_image.caption if self.hero_image else ""


# The story's own text fields, as stored in a revision.
REVISION_FIELDS = [
    "headline",
    "slug",
    "dek",
    "body",
    "hero_caption",
    "seo_title",
    "seo_description",
]


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "byline"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_author_once_per_story"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.article}"


class InlineImage(models.Model):
    """A library image shown inside a story's body. Written by `Article.save`
    from the body's placeholders (see media_library.inline), never by hand: it
    is what lets the library list the use and refuse to delete the picture."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="inline_image_rows"
    )
    image = models.ForeignKey(
        "media_library.Image",
        on_delete=models.PROTECT,
        related_name="inline_in",
        verbose_name="inline image",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "inline image"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "image"], name="inline_image_once_per_story"
            ),
        ]

    usage_parent_field = "article"

    def __str__(self) -> str:
        return f"{self.image} in {self.article}"

    @property
    def usage_parent(self):
        """Uses of the image are reported on the story."""
        return self.article


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    CLARIFICATION = "clarification", "Clarification"


class OldSlug(models.Model):
    """An address a story was public under: a changed slug redirects (301) to the
    story; the slug of a deleted story answers 410 Gone."""

    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="old_slugs",
        help_text="Empty once the story was deleted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "old story address"

    def __str__(self) -> str:
        return self.slug


class Correction(models.Model):
    Kind = CorrectionKind

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        max_length=20, choices=CorrectionKind.choices, default=CorrectionKind.CORRECTION
    )
    text = models.TextField(help_text="What changed, as readers will see it.")
    created_at = models.DateTimeField("time", default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CorrectionKind.values),
                name="correction_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.article}"


def _inline_image_rows() -> Prefetch:
    return Prefetch(
        "inline_image_rows", queryset=InlineImage.objects.select_related("image")
    )


def prefetch_bylines(stories) -> None:
    """Read the bylines (with authors and headshots) of all `stories` that lack
    them in one query: a story page's own and its related stories'."""
    prefetch_related_objects(
        list(stories),
        Prefetch(
            "bylines",
            queryset=Byline.objects.select_related("author", "author__headshot"),
        ),
    )

"""Live coverage: the timestamped entries of a live story (an
`articles.Article` with `is_live`), posted from the live desk while an event
goes on, and fetched by readers' pages as they come (live.views.updates).

An entry is never deleted from the table: a deleted entry keeps its row with
`deleted_at`, so a reader's page that showed it learns, at its next poll, to
take it off. Every change to an entry gives it the story's next `revision`
(services.py, under a lock on the story), which is the cursor readers poll
with: "what changed after revision N".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EntryStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an editor"
    APPROVED = "approved", "Published"


class LiveEntryQuerySet(models.QuerySet):
    def for_story(self, article):
        return self.filter(article=article)

    def shown(self):
        """What readers see of a public live story: approved, not deleted.
        Whether the story itself is public is the caller's question, asked
        once through `Article.objects.public()`."""
        return self.filter(status=EntryStatus.APPROVED, deleted_at__isnull=True)

    def for_page(self):
        """Pinned first, then newest first, with the picture: one query."""
        return self.select_related("image").order_by("-pinned", "-posted_at", "-id")


class LiveEntry(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="live_entries",
        verbose_name="story",
    )
    posted_at = models.DateTimeField("posted", db_index=True)
    text = models.TextField(
        blank=True,
        help_text="What happened. Scripts, styles and unsafe links are removed.",
    )
    image = models.ForeignKey(
        "media_library.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_entries",
        verbose_name="picture",
        help_text="A picture from the library. It cannot be deleted from the "
        "library while an entry uses it.",
    )
    # The embed's canonical placeholder (articles.embeds.placeholder), drawn
    # by articles.embeds.render as in a story's body.
    embed = models.TextField(blank=True, editable=False)
    pinned = models.BooleanField(
        default=False, help_text="Pinned entries stay at the top of the page."
    )
    status = models.CharField(
        max_length=10, choices=EntryStatus.choices, default=EntryStatus.APPROVED
    )
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction = models.TextField(
        "correction note",
        blank=True,
        help_text="Shown to readers under the entry: what was wrong.",
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="live_entries",
        editable=False,
    )
    # The story's change counter when this entry last changed (services.py).
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-posted_at", "-id"]
        verbose_name = "live entry"
        verbose_name_plural = "live entries"
        permissions = [
            ("moderate_liveentry", "Can approve, pin, correct and delete entries")
        ]
        constraints = [
            # One revision per change of a story's entries; its index also
            # serves the polls ("this story's entries after revision N").
            models.UniqueConstraint(
                fields=["article", "revision"], name="live_entry_revision_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values),
                name="live_entry_status_valid",
            ),
        ]

    # A picture's use in an entry is reported on its story (media_library.usage).
    usage_parent_field = "article"

    def __str__(self) -> str:
        return f"{self.article_id} at {self.posted_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#entry-{self.pk}"

    @property
    def usage_parent(self):
        return self.article

    @property
    def is_shown(self) -> bool:
        """`LiveEntryQuerySet.shown()` for one entry already read: keep the two
        alike (tests/live/test_live_models.py checks they agree)."""
        return self.status == EntryStatus.APPROVED and self.deleted_at is None

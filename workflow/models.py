"""Models of the shared editorial workflow.

`Publishable` is the abstract base of every content type that goes through review
and publication. The audit trail, revisions, edit locks and share links point at
any publishable item through a generic relation, so the workflow names none of
them.
"""

import operator
import secrets
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import wording
from .states import LIVE_STATES, WRITER_EDITABLE_STATES, State

# --- What the public may see ---------------------------------------------------


def public_q(now: datetime | None = None) -> Q:
    """THE definition of what the public may see at the moment `now` (by
    default this one): a live state and a publication time that has come. So a
    scheduled item is public from its minute, before the `publish_scheduled`
    worker records it as published.

    Everything else is generated from this one Q and nowhere restated: the
    querysets (`public()`, `due()`), `Publishable.is_public` (`meets`), the
    SQL of the hand-written statements (`articles.prepared.live`, compiled
    from it by the ORM), the related lists (`articles.related`), the page
    cache's expiry (`goes_public_q`) and the scheduler (`due_q`). It must stay
    a plain AND/OR of field lookups with no NOT, which `meets` can evaluate."""
    return Q(
        status__in=LIVE_STATES,
        published_at__lte=timezone.now() if now is None else now,
    )


# Later than any publication time anyone sets: what is public then is what is
# public now or becomes public later without anyone acting.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)


def public_ever_q() -> Q:
    """Rows public now or later with nobody acting (a scheduled item is, until
    someone unschedules it): `public_q` at the end of time."""
    return public_q(END_OF_TIME)


def goes_public_q(now: datetime) -> Q:
    """Rows not public at `now` that become public later with nobody acting, at
    their publication time."""
    return public_ever_q() & ~public_q(now)


def due_q(now: datetime | None = None) -> Q:
    """Scheduled items that are public (their minute has come) but which the
    worker has not yet recorded as published."""
    return public_q(now) & Q(status=State.SCHEDULED)


# The lookups `public_q` may use, as Python compares: a comparison with a
# missing value (None, SQL's NULL) is false, as a WHERE clause treats it.
_LOOKUPS = {
    "exact": operator.eq,
    "in": lambda value, choices: value in choices,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def meets(obj, q: Q) -> bool:
    """Whether the model instance `obj` is among the rows `q` selects, worked
    out in Python as the database would: for `Publishable.is_public` and the
    scheduler, which hold the row already. Only ANDs and ORs of lookups on the
    row's own fields, without NOT (where NULL is simply false): anything else
    raises ValueError rather than guess."""
    if q.negated:
        raise ValueError(f"meets() cannot evaluate a negated Q: {q!r}")
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(meets(obj, child))
            continue
        name, wanted = child
        field, _, lookup = name.partition("__")
        compare = _LOOKUPS.get(lookup or "exact")
        if compare is None or "__" in lookup:
            raise ValueError(f"meets() cannot evaluate the lookup {name!r}")
        value = getattr(obj, field)
        results.append(value is not None and compare(value, wanted))
    return all(results) if q.connector == Q.AND else any(results)


class PublishableQuerySet(models.QuerySet):
    def public(self, now: datetime | None = None):
        """What the public may see at `now` (this moment by default), decided at
        query time (`public_q`): published, and scheduled items whose minute has
        come. Every page, feed, sitemap and search uses it."""
        return self.filter(public_q(now))

    def due(self, now: datetime | None = None):
        """Scheduled items whose minute has come but which the worker has not yet
        recorded as published (`due_q`)."""
        return self.filter(due_q(now))

    def in_review(self):
        return self.filter(status=State.IN_REVIEW)

    def owned_by(self, user):
        return self.filter(self.model.owner_q(user)).distinct()


class Versioned(models.Model):
    """A record people edit side by side. Every edit form carries the version it
    was loaded from; a save compares and bumps it in one UPDATE
    (`workflow.services.claim_version`), so of two saves made from the
    same version exactly one wins."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one at every saved edit.",
    )

    class Meta:
        abstract = True


class Publishable(Versioned):
    status = models.CharField(
        max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="When it went, or goes, live.",
    )
    revised_at = models.DateTimeField(
        "updated",
        null=True,
        blank=True,
        editable=False,
        help_text="When an editor last changed it while it was live.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    # --- What a content type may override ------------------------------------

    @classmethod
    def owner_q(cls, user) -> Q:
        """Rows this user owns: their own work (a content type adds co-bylines)."""
        return Q(created_by=user)

    def owner_users(self):
        """Users told about this item's progress (its writers)."""
        return [self.created_by] if self.created_by else []

    def revision_data(self) -> dict:
        """A JSON-ready snapshot of the item's content."""
        raise NotImplementedError

    def apply_revision_data(self, data: dict) -> None:
        """Put a snapshot back and save it."""
        raise NotImplementedError

    # --- Derived ---------------------------------------------------------------

    @property
    def is_public(self) -> bool:
        """Whether the public may see it now: `public_q`, evaluated on this row."""
        return self.is_public_at(timezone.now())

    def is_public_at(self, now: datetime) -> bool:
        return meets(self, public_q(now))

    def is_due_at(self, now: datetime) -> bool:
        """Whether it is among `PublishableQuerySet.due(now)`."""
        return meets(self, due_q(now))

    @property
    def shown_status(self) -> State:
        """The state to show people: a scheduled item whose minute has come is
        published, as readers already see it, before the `publish_scheduled`
        worker records it (the rows `PublishableQuerySet.due()` finds)."""
        if self.is_due_at(timezone.now()):
            return State.PUBLISHED
        return State(self.status)

    @property
    def is_writer_editable(self) -> bool:
        return self.status in WRITER_EDITABLE_STATES


class GenericItem(models.Model):
    """A pointer to any publishable item."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True

    @classmethod
    def for_item(cls, item):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        )


class Transition(GenericItem):
    """One row of the audit trail: who moved what from where to where, and why."""

    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the scheduler did it.",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # Not stored: set by `services` after commit when the e-mail this step
    # sends could not be sent, for the person who acted to be told.
    mail_failed = False

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "workflow step"
        verbose_name_plural = "workflow activity"
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        who = wording.name(self.by) if self.by else "The scheduler"
        return (
            f"{who}: {wording.action_label(self.action)} "
            f"({self.get_from_state_display()} → {self.get_to_state_display()})"
        )


class Revision(GenericItem):
    class Kind(models.TextChoices):
        SAVED = "saved", "Saved"
        RESTORED = "restored", "Restored from an older revision"
        CONFLICT = "conflict", "Unsaved: refused because a newer version existed"

    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The item's version this revision holds."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SAVED)
    data = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "revision"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"],
                name="revision_number_unique_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}"


class Draft(models.Model):
    """One person's unsaved text for one item: what autosave keeps while they
    type, or a whole submission refused because a newer version existed.

    Never public, never a revision: saving the item for real deletes it. A new
    item that was never saved has no object id; its form's `key` tells one new
    item from another."""

    class Kind(models.TextChoices):
        AUTOSAVE = "autosave", "Autosaved while typing"
        CONFLICT = "conflict", "Refused: a newer version existed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Field name -> value, as the form shows them (text fields for autosave).
    data = models.JSONField(default=dict)
    # A refused submission as posted: field name -> list of values, inlines too.
    submitted = models.JSONField(default=dict, blank=True)
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version the form was loaded from."
    )
    # What that form showed (signed, workflow.editing.sign_loaded): a
    # restored draft saved over a newer version is merged against it.
    loaded = models.TextField(blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        verbose_name = "unsaved draft"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"],
                condition=Q(object_id__isnull=False),
                name="draft_once_per_user_and_item",
            ),
            models.UniqueConstraint(
                fields=["content_type", "user", "key"],
                condition=Q(object_id__isnull=True),
                name="draft_once_per_user_and_new_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}'s unsaved {self.content_type.name}"


class EditLock(GenericItem):
    """Who has an item open in the admin, refreshed while they keep it open."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opened_at"]
        verbose_name = "edit lock"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"],
                name="edit_lock_once_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} editing"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _default_expiry():
    return timezone.now() + timedelta(hours=settings.PREVIEW_LINK_HOURS)


class ShareLink(GenericItem):
    """A read-only preview of one item for an outside reviewer."""

    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "preview link"

    def __str__(self) -> str:
        return f"Preview link for {self.content_type} {self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# The share link whose preview is being drawn, if any (set by the share
# preview view for the length of the render): what the page links that is not
# public yet (its pictures) carries a grant naming the link, so whoever holds
# the link sees them, until it is revoked or expires.
shared_preview: ContextVar[ShareLink | None] = ContextVar(
    "shared_preview", default=None
)

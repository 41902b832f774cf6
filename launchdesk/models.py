"""A launch's bundle of stories, and the moves proposed to the editors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class BundleItem(models.Model):
    """A story tied to a launch: either at an offset from its no-earlier-than
    time (negative: before it) or as the version for one outcome."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Scrub or failure"

    launch = models.ForeignKey(
        "space.Launch", on_delete=models.CASCADE, related_name="bundle"
    )
    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="bundle_item",
        verbose_name="story",
        help_text="A story belongs to at most one launch's bundle.",
    )
    offset = models.DurationField(
        null=True,
        blank=True,
        help_text="From the launch time, negative before it: -1 day, 0:00:00 "
        "is a day before (“-1 day, 22:00:00” is two hours before).",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "bundled story"
        verbose_name_plural = "story bundle"
        ordering = ["offset", "outcome", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(offset__isnull=False) & Q(outcome=""))
                | (Q(offset__isnull=True) & ~Q(outcome="")),
                name="launchdesk_offset_xor_outcome",
                violation_error_message=(
                    "Give either an offset from the launch time or an outcome, "
                    "not both."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.article} ({self.launch})"

    def planned_time(self):
        if self.offset is None:
            return None
        return self.launch.net + self.offset


class MoveProposal(models.Model):
    """A move of a launch's time waiting for an editor to move its bundle
    (LAUNCH_BUNDLES_MOVE = "propose")."""

    launch = models.ForeignKey(
        "space.Launch", on_delete=models.CASCADE, related_name="move_proposals"
    )
    old_net = models.DateTimeField()
    new_net = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["launch", "old_net", "new_net"],
                condition=Q(decided_at__isnull=True),
                name="launchdesk_one_open_proposal_per_move",
            ),
        ]

    def __str__(self):
        return f"Move {self.launch}'s bundle"

    @property
    def is_stale(self) -> bool:
        return self.launch.net != self.new_net

"""The editorial state machine, in one table.

Every publishable content type moves through these states. Each rule names the
states it starts from, the state it leads to, the permission it needs and what
the editor must supply (a comment, a time). `workflow.services` is the
only code that applies them.
"""

from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    ARCHIVED = "archived", "Archived"


# States whose rows the public may see once `published_at` has passed.
LIVE_STATES = (State.PUBLISHED, State.SCHEDULED)
# States in which a story's own writer may still edit it.
WRITER_EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)
# States that end an item's preview links: an outside reviewer's link stops
# working once the story is taken down or put away.
SHARE_ENDING_STATES = (State.UNPUBLISHED, State.ARCHIVED)


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    sources: tuple[State, ...]
    target: State
    # "own": for the item's own writers (its creator and bylines), whatever
    # their role; anything else is a model permission "<permission>_<model_name>".
    permission: str
    needs_comment: bool = False
    needs_time: bool = False
    help: str = ""


S = State
RULES: dict[str, Rule] = {
    rule.action: rule
    for rule in [
        Rule("submit", "Submit for review", (S.DRAFT, S.CHANGES_REQUESTED),
             S.IN_REVIEW, "own", help="Send it to the editors."),
        Rule("withdraw", "Withdraw from review", (S.IN_REVIEW,), S.DRAFT, "own",
             help="Take it back to keep working on it."),
        Rule("revise", "Back to draft", (S.CHANGES_REQUESTED,), S.DRAFT, "own"),
        Rule("request_changes", "Request changes", (S.IN_REVIEW, S.APPROVED),
             S.CHANGES_REQUESTED, "review", needs_comment=True,
             help="Say what needs changing; the writers are e-mailed."),
        Rule("approve", "Approve", (S.IN_REVIEW,), S.APPROVED, "review"),
        Rule("publish", "Publish now", (S.APPROVED, S.SCHEDULED, S.UNPUBLISHED),
             S.PUBLISHED, "publish"),
        Rule("schedule", "Schedule", (S.APPROVED, S.UNPUBLISHED), S.SCHEDULED,
             "schedule", needs_time=True,
             help="It goes live at that minute, with no one pressing a button."),
        Rule("reschedule", "Reschedule", (S.SCHEDULED,), S.SCHEDULED, "schedule",
             needs_time=True),
        Rule("unschedule", "Unschedule", (S.SCHEDULED,), S.APPROVED, "schedule"),
        Rule("unpublish", "Unpublish", (S.PUBLISHED,), S.UNPUBLISHED, "unpublish",
             needs_comment=True, help="Say why; it is taken off the site at once."),
        Rule("archive", "Archive", (S.DRAFT, S.CHANGES_REQUESTED, S.UNPUBLISHED),
             S.ARCHIVED, "archive"),
        Rule("unarchive", "Restore from archive", (S.ARCHIVED,), S.DRAFT,
             "archive"),
    ]
}  # fmt: skip

# Custom permissions every publishable model declares (see `permissions_for`).
CUSTOM_PERMISSIONS = {
    "edit_others": "Can edit anyone's {name}, in any state",
    "review": "Can approve or request changes to a {name}",
    "publish": "Can publish a {name}",
    "schedule": "Can schedule a {name}",
    "unpublish": "Can unpublish a {name}",
    "archive": "Can archive a {name}",
    "share": "Can create preview links for a {name}",
}


def permissions_for(model_name: str, verbose_name: str) -> list[tuple[str, str]]:
    """The Meta.permissions list of a publishable model."""
    return [
        (f"{action}_{model_name}", text.format(name=verbose_name))
        for action, text in CUSTOM_PERMISSIONS.items()
    ]


def state_constraints(model_name: str) -> list[models.CheckConstraint]:
    """The Meta.constraints every publishable model carries: a known state, and
    a publication time whenever it may be live."""
    return [
        models.CheckConstraint(
            condition=models.Q(status__in=State.values),
            name=f"{model_name}_status_valid",
        ),
        models.CheckConstraint(
            condition=~models.Q(status__in=LIVE_STATES)
            | models.Q(published_at__isnull=False),
            name=f"{model_name}_live_has_time",
        ),
    ]

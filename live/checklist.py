"""The live story's line in the story checklist: the pictures its readers see
in entries obey the rule for pictures placed in a story (alt text, a credit, a
licence that runs on the day it is shown), so publishing a live story, and
every check the workflow makes with the checklist, refuses one whose entries
show a picture a story could not.

Added in LiveConfig.ready() around the checklist articles registered for
stories (`workflow.registry`), as the story admin is extended: articles never
imports live.
"""

import dataclasses

from workflow.registry import Check, adapter_for, register

from .models import LiveEntry
from .services import picture_problems

LABEL = (
    "Every picture in the live entries has alt text, a credit and a licence that runs"
)


def entry_pictures(article, *, on=None) -> Check:
    """The line for a live story's shown entries (approved, not deleted): one
    query. Waiting entries are checked when approved."""
    images = {
        entry.image.pk: entry.image
        for entry in LiveEntry.objects.for_story(article)
        .shown()
        .filter(image__isnull=False)
        .select_related("image")
        .order_by("posted_at", "pk")
    }
    problems = [p for image in images.values() for p in picture_problems(image, on=on)]
    return Check("live_pictures", LABEL, tuple(problems), "is_live")


def with_entry_pictures(checklist):
    """`checklist` (a story's, as registered), plus `entry_pictures` for a
    saved live story."""

    def checks(article, *, on=None, pending=None):
        lines = checklist(article, on=on, pending=pending)
        if article.pk is not None and article.is_live:
            lines.append(entry_pictures(article, on=on))
        return lines

    checks.wrapped = checklist
    return checks


def extend(model) -> None:
    """Register `model`'s checklist again with the live line added, once."""
    adapter = adapter_for(model)
    if getattr(adapter.checklist, "wrapped", None) is not None:
        return
    register(
        model,
        dataclasses.replace(adapter, checklist=with_entry_pictures(adapter.checklist)),
    )

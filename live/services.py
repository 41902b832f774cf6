"""Every change to live coverage, one function each (the desk, the tests and
any command call these): post an entry, approve, pin, correct or delete it,
start and end the coverage. Each checks the user's right on the server,
changes the rows under a lock on the story and gives the changed entry the
story's next revision, the cursor readers poll with (live.views.updates).
The cache purge follows in live.signals, after the commit.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape

from articles import embeds
from articles.models import Article
from core.sanitize import clean_html
from media_library import inline
from media_library.models import Image
from workflow.services import is_owner, permission

from .models import EntryStatus, LiveEntry

TEXT_MAX = 5000
CORRECTION_MAX = 500


class LivePermissionDenied(PermissionDenied):
    pass


# --- Who may do what ------------------------------------------------------------


def can_post(user, article: Article) -> bool:
    """The story's own writers, and editors (who may change others' stories)."""
    if not (user.is_active and user.is_staff):
        return False
    if not user.has_perm("live.add_liveentry"):
        return False
    return user.has_perm(permission(article, "edit_others")) or is_owner(user, article)


def can_moderate(user, article: Article) -> bool:
    """Approve, pin, correct, delete, start and end: editors."""
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("live.moderate_liveentry")
        and user.has_perm(permission(article, "edit_others"))
    )


def needs_approval(user, article: Article) -> bool:
    """With LIVE_ENTRIES_NEED_APPROVAL on, a writer's entry waits for an editor."""
    return settings.LIVE_ENTRIES_NEED_APPROVAL and not can_moderate(user, article)


def _check(allowed: bool, what: str) -> None:
    if not allowed:
        raise LivePermissionDenied(f"You may not {what} on this live story.")


# --- Input ---------------------------------------------------------------------

_PARAGRAPHS = re.compile(r"\n\s*\n")


def clean_text(text: str) -> str:
    """An entry's text as stored: HTML cleaned as a story body is, or plain
    text typed in the desk's box made into paragraphs (a blank line between
    two), escaped."""
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(
            f"An entry is at most {TEXT_MAX} characters; this one has {len(text)}.",
            code="too_long",
        )
    if not text:
        return ""
    if "<" not in text:
        text = "".join(
            "<p>{}</p>".format(escape(part.strip()).replace("\n", "<br>"))
            for part in _PARAGRAPHS.split(text)
            if part.strip()
        )
    # An embed and a picture go in their own fields, checked, not in the text.
    text = text.replace("data-embed", "data-x-embed")
    return clean_html(text.replace("data-library-image", "data-x-library-image"))


def clean_embed(url: str) -> str:
    """The placeholder of the embed `url` names (articles.embeds.parse: the
    same providers and checks as a story's body), or "" for none."""
    if not (url or "").strip():
        return ""
    return embeds.placeholder(embeds.parse(url))


ENTRY_PICTURE = "live entry's picture"


def picture_problems(image: Image | None, *, on=None) -> list[str]:
    """What stops `image` being shown in an entry on day `on` (today): the
    rule for every picture placed in a story (alt text, a credit, a licence
    that runs), by the function the story checklist asks (`inline.problems`)."""
    if image is None:
        return []
    return inline.problems([image], role=ENTRY_PICTURE, on=on)


def check_picture(
    image: Image | None,
    *,
    lead: str,
    fix: str = "Fix it in the library, or choose another picture.",
) -> None:
    """Refuse (ValidationError, code "picture") an entry whose picture may not
    be shown, one message per problem, each after `lead` ("The entry was not
    posted, because") and followed by what to do."""
    if problems := picture_problems(image):
        raise ValidationError(
            [
                ValidationError(f"{lead} {problem} {fix}", code="picture")
                for problem in problems
            ]
        )


def embed_url(entry: LiveEntry) -> str:
    found = embeds.found(entry.embed)
    return found[0].url if found else ""


# --- Changes -------------------------------------------------------------------


def _lock_and_next_revision(article: Article) -> int:
    """Lock the story's row (every change to its entries queues here) and
    return its next revision."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list(
        "pk", flat=True
    ).first()
    top = LiveEntry.objects.filter(article=article).aggregate(top=Max("revision"))
    return (top["top"] or 0) + 1


def _save(entry: LiveEntry, fields: list[str]) -> LiveEntry:
    entry.revision = _lock_and_next_revision(entry.article)
    entry.save(update_fields=[*fields, "revision"])
    return entry


@transaction.atomic
def post_entry(
    article: Article,
    *,
    by,
    text: str = "",
    image: Image | None = None,
    embed: str = "",
    pinned: bool = False,
) -> LiveEntry:
    """Post an entry now. Empty entries (no text, picture or embed) are refused,
    and so is a picture that a story could not show (`check_picture`); a
    writer's entry waits for an editor when the setting asks for it."""
    _check(article.is_live and can_post(by, article), "post")
    if pinned:
        _check(can_moderate(by, article), "pin entries")
    text = clean_text(text)
    embed = clean_embed(embed)
    if not (text or image or embed):
        raise ValidationError(
            "Write something, or add a picture or an embed.", code="empty"
        )
    check_picture(image, lead="The entry was not posted, because")
    status = (
        EntryStatus.PENDING if needs_approval(by, article) else EntryStatus.APPROVED
    )
    entry = LiveEntry(
        article=article,
        posted_at=timezone.now(),
        text=text,
        image=image,
        embed=embed,
        pinned=pinned,
        status=status,
        author=by,
        revision=_lock_and_next_revision(article),
    )
    entry.save()
    return entry


@transaction.atomic
def approve_entry(entry: LiveEntry, *, by) -> LiveEntry:
    """Publish a waiting entry, as of now (readers see it arrive now): its
    picture must pass the picture rule today, as at posting."""
    _check(can_moderate(by, entry.article), "approve entries")
    if entry.status == EntryStatus.APPROVED or entry.deleted_at:
        return entry
    check_picture(entry.image, lead="The entry was not approved, because")
    entry.status = EntryStatus.APPROVED
    entry.posted_at = timezone.now()
    return _save(entry, ["status", "posted_at"])


@transaction.atomic
def pin_entry(entry: LiveEntry, *, by, pinned: bool = True) -> LiveEntry:
    _check(can_moderate(by, entry.article), "pin entries")
    if entry.pinned == pinned:
        return entry
    entry.pinned = pinned
    return _save(entry, ["pinned"])


@transaction.atomic
def correct_entry(
    entry: LiveEntry, *, by, text: str, note: str, drop_picture: bool = False
) -> LiveEntry:
    """Replace the text and say what was wrong: readers see the note. The
    entry shows again as corrected, so its picture must pass the picture rule
    today, as at posting; `drop_picture` takes it out (one whose licence has
    run out since, say)."""
    _check(can_moderate(by, entry.article), "correct entries")
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError("Say what was corrected.", code="no_note")
    if len(note) > CORRECTION_MAX:
        raise ValidationError(
            f"A correction note is at most {CORRECTION_MAX} characters.",
            code="too_long",
        )
    text = clean_text(text)
    image = None if drop_picture else entry.image
    if not (text or image or entry.embed):
        raise ValidationError("A corrected entry cannot be empty.", code="empty")
    check_picture(
        image,
        lead="The correction was not saved, because",
        fix="Fix it in the library, or take the picture out of the entry.",
    )
    entry.text = text
    entry.image = image
    entry.correction = note
    entry.corrected_at = timezone.now()
    return _save(entry, ["text", "image", "correction", "corrected_at"])


@transaction.atomic
def delete_entry(entry: LiveEntry, *, by) -> LiveEntry:
    """Take an entry off readers' pages (its row stays, so polls drop it)."""
    _check(can_moderate(by, entry.article), "delete entries")
    if entry.deleted_at:
        return entry
    entry.deleted_at = timezone.now()
    return _save(entry, ["deleted_at"])


@transaction.atomic
def start_coverage(article: Article, *, by) -> Article:
    """Make the story a live story, its coverage starting now (or kept)."""
    _check(can_moderate(by, article) or can_post(by, article), "start coverage")
    article.is_live = True
    article.coverage_start = article.coverage_start or timezone.now()
    article.coverage_end = None
    article.save(update_fields=["is_live", "coverage_start", "coverage_end"])
    return article


@transaction.atomic
def end_coverage(article: Article, *, by) -> Article:
    """Coverage over: the page says so and stops asking for entries."""
    _check(article.is_live and can_moderate(by, article), "end coverage")
    article.coverage_end = timezone.now()
    article.save(update_fields=["coverage_end"])
    return article

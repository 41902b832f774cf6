"""Every change of editorial state, in one place.

The admin, its actions, management commands and tests all call these functions,
so each rule is enforced once, on the server, whatever the caller. A refused
action raises `WorkflowPermissionDenied` (403 over HTTP) or `InvalidTransition`
(a clear message) and changes nothing.
"""

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone

from . import registry, signals, wording
from .models import (
    Draft,
    EditLock,
    Publishable,
    Revision,
    ShareLink,
    Transition,
    Versioned,
)
from .states import LIVE_STATES, RULES, SHARE_ENDING_STATES, Rule, State

log = logging.getLogger(__name__)
User = get_user_model()

# An open edit form tells the server it is still open every 30 seconds
# (static/workflow/admin/editing.js); one not heard from for this long is closed.
PRESENCE_SECONDS = 90


class WorkflowPermissionDenied(PermissionDenied):
    """The user may not do this to this item."""


class InvalidTransition(ValidationError):
    """The item is not in a state this action starts from, or input is missing."""


class NotPublishable(InvalidTransition):
    """What readers would be shown lacks something they need (a picture's alt
    text or credit, a licence that still runs): refused by `check_publishable`
    on every path that makes something public or changes what is public."""


# --- Permissions -------------------------------------------------------------


def permission(item_or_model, action: str) -> str:
    """The model permission behind `action` on a content type: ("publish",
    Article) -> "articles.publish_article". Every right of the workflow is
    one of these; callers ask `may()` rather than build one."""
    meta = item_or_model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def is_owner(user, item: Publishable) -> bool:
    if not user.is_authenticated or item.pk is None:
        return False
    return type(item)._default_manager.filter(item.owner_q(user), pk=item.pk).exists()


def can_view(user, item: Publishable) -> bool:
    """Editors see anything; writers their own work in every state, also once it
    has left their hands: to read it, preview it and follow its history."""
    if not (user.is_active and user.is_staff):
        return False
    if user.has_perm(permission(item, "edit_others")):
        return True
    may_see = user.has_perm(permission(item, "view")) or user.has_perm(
        permission(item, "change")
    )
    return may_see and is_owner(user, item)


def can_edit(user, item: Versioned) -> bool:
    """Editors edit anything; writers their own drafts and stories sent back.
    A new item is for whoever may add one; a versioned record outside the
    workflow (an author profile, a library picture) for whoever may change
    that model."""
    if not (user.is_active and user.is_staff):
        return False
    if item.pk is None:
        return user.has_perm(permission(item, "add"))
    if not isinstance(item, Publishable):
        return user.has_perm(permission(item, "change"))
    if user.has_perm(permission(item, "edit_others")):
        return True
    if not user.has_perm(permission(item, "change")):
        return False
    return item.is_writer_editable and is_owner(user, item)


def may(user, action: str, item: Publishable | type[Publishable]) -> bool:
    """Whether `user` holds the right for `action` on `item`, whatever its state.
    A right that depends on no item ("review", "publish", "feature") may be
    asked of the model."""
    if not (user.is_active and user.is_staff):
        return False
    if action == "view":
        return can_view(user, item)
    if action == "edit":
        return can_edit(user, item)
    rule = RULES.get(action)
    if rule is None:  # a right that is not a transition, such as "share"
        return user.has_perm(permission(item, action))
    if rule.permission == "own":  # submit, withdraw, revise: the item's writers
        return user.has_perm(permission(item, "change")) and is_owner(user, item)
    return user.has_perm(permission(item, rule.permission))


def check_allowed(user, action: str, item: Publishable) -> None:
    if not may(user, action, item):
        raise WorkflowPermissionDenied(wording.not_allowed(user, action, item))


def available_actions(user, item: Publishable) -> list[Rule]:
    """The buttons to show: actions this user may take from the current state."""
    return [
        rule
        for rule in RULES.values()
        if item.status in rule.sources
        and not _overtaken(rule, item)
        and may(user, rule.action, item)
    ]


def _overtaken(rule: Rule, item: Publishable) -> str:
    """Why `rule` no longer applies although the stored state allows it: a
    scheduled item whose minute has come is live, recorded by the worker or not,
    and moving its time or unscheduling it would take it off the site without
    the reason an unpublish asks for."""
    if rule.action in ("reschedule", "unschedule") and item.is_public:
        return (
            f"“{item}” went live at its scheduled minute. To take it off the "
            "site, unpublish it and say why."
        )
    return ""


def visible_to(user, model: type[Publishable]) -> models.QuerySet:
    """The admin list: everything for editors, a writer's own work for writers."""
    qs = model._default_manager.all()
    if user.has_perm(permission(model, "edit_others")):
        return qs
    return qs.filter(model.owner_q(user)).distinct()


# --- Transitions -------------------------------------------------------------


def _to_minute(when: dt.datetime) -> dt.datetime:
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when.replace(second=0, microsecond=0)


@transaction.atomic
def transition(
    item: Publishable,
    action: str,
    *,
    by,
    comment: str = "",
    at: dt.datetime | None = None,
    version: int | None = None,
) -> Transition:
    """Apply `action` to `item` for user `by`: the one door every state change
    goes through. `version`, when the action comes from a page, is the version
    that page showed: an action on text that changed since is refused."""
    rule = RULES.get(action)
    if rule is None:
        raise InvalidTransition("There is no such step in the newsroom's workflow.")
    check_allowed(by, action, item)
    locked = type(item)._default_manager.select_for_update().get(pk=item.pk)
    if version is not None and locked.version != version:
        raise StaleVersion(locked, expected=version, edit=False)
    if locked.status not in rule.sources:
        raise InvalidTransition(wording.wrong_state(action, item, locked.status))
    if overtaken := _overtaken(rule, locked):
        raise InvalidTransition(overtaken)
    comment = comment.strip()
    if rule.needs_comment and not comment:
        raise InvalidTransition(wording.needs_comment(action))
    now = timezone.now()
    if rule.needs_time:
        if at is None:
            raise InvalidTransition(wording.needs_time(action))
        at = _to_minute(at)
        if at <= now:
            raise InvalidTransition(wording.passed(at))
        # Checked for the day it goes live: a licence that runs out before then
        # is refused now, not discovered by the scheduler.
        check_publishable(
            locked,
            on=timezone.localdate(at),
            lead=wording.cannot_go_live(action, item),
        )
    if action == "publish":
        check_publishable(locked, lead=wording.cannot_go_live(action, item))

    from_state = locked.status
    locked.status = rule.target
    fields = ["status"]
    if rule.needs_time:
        locked.published_at = at
        fields.append("published_at")
    elif action == "publish":
        # A story published early or republished keeps an earlier publication
        # time only if it really went out then.
        if not (
            locked.published_at
            and locked.published_at <= now
            and from_state == State.UNPUBLISHED
        ):
            locked.published_at = now
            fields.append("published_at")
    locked.save(update_fields=fields)
    item.status, item.published_at = locked.status, locked.published_at
    if rule.target in SHARE_ENDING_STATES:
        ShareLink.for_item(item).filter(revoked_at__isnull=True).update(revoked_at=now)

    release_lock(item, user=by)
    step = Transition.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=action,
        from_state=from_state,
        to_state=rule.target,
        by=by if by and by.is_authenticated else None,
        comment=comment,
        scheduled_for=at if rule.needs_time else None,
    )
    transaction.on_commit(lambda: _after_transition(item, step))
    return step


# --- The publish check -------------------------------------------------------


def publish_problems(item: Publishable, *, on: dt.date | None = None) -> list[str]:
    """What stops `item`, as stored now, being shown to readers on day `on`
    (today): the failing lines of its content type's checklist
    (`registry.Adapter.problems`)."""
    return registry.adapter_for(item).problems(item, on=on)


def checklist(
    item: Publishable, *, pending: registry.Pending | None = None
) -> list[registry.Check]:
    """Every line of `item`'s pre-publish checklist, passing or not, for the
    day readers would first see it (`day_shown`): the rule `publish_problems`
    applies, so what shows green is what publishing accepts. `item` may be
    unsaved, as an open form has it, with `pending` (`registry.Adapter`)."""
    return registry.adapter_for(item).checks(item, on=day_shown(item), pending=pending)


def day_shown(item: Publishable, *, now: dt.datetime | None = None) -> dt.date:
    """The first day readers would see `item` as it stands: today, or the day
    a scheduled item goes live when that is later (in the newsroom's zone)."""
    now = now or timezone.now()
    when = now
    if item.status == State.SCHEDULED and item.published_at and item.published_at > now:
        when = item.published_at
    return timezone.localdate(when)


def check_publishable(
    item: Publishable, *, on: dt.date | None = None, lead: str = ""
) -> None:
    """Raise `NotPublishable`, one message per problem, if `item` may not be
    shown on day `on` (today). The one check behind publish, schedule, the
    scheduler, and edits and restores of live or scheduled items."""
    if problems := publish_problems(item, on=on):
        lead = lead or wording.cannot_go_live("", item)
        raise NotPublishable(
            [
                ValidationError(f"{lead} {problem}", code="not_publishable")
                for problem in problems
            ]
        )


def check_live_change(item: Publishable) -> None:
    """For a change to `item` written but not committed (an edit, a restore,
    pictures added): if it is live or scheduled, it must still pass the
    publish check as changed, or `NotPublishable` is raised and the caller's
    transaction must roll the change back. Anything not live is not checked:
    a draft may lack alt text until it is published."""
    if item.status not in LIVE_STATES:
        return
    where = "on the site" if item.is_public else "scheduled to go live"
    check_publishable(
        item,
        on=day_shown(item),
        lead=f"“{item}” is {where}, so this change was not saved, because",
    )


# --- The scheduler -----------------------------------------------------------


def publish_due(now: dt.datetime | None = None) -> "PublishReport":
    """Record as published every scheduled item whose minute has come, and
    hold every scheduled item that may not be shown when it goes live.

    Visibility never waits for this (the public() query already shows them);
    this writes the audit row and sends the notifications, once per item even with
    several workers running: each row is taken with a lock that other workers
    skip. One failing item is logged and does not stop the others.

    Holding: a scheduled item that stopped passing the publish check after it
    was scheduled (a picture's licence now runs out by its day, a picture's
    credit was removed) is not published at its minute: a picture whose licence
    has expired must not go out, whoever is awake then. It goes back to
    approved (off the schedule, off the site), with an audit row naming the
    problems and an e-mail to the editors and its writers, who fix it and
    publish or schedule it again. Every scheduled item is checked each round,
    not only those due, so one is normally held well before its minute rather
    than after readers saw it.
    """
    now = now or timezone.now()
    report = PublishReport()
    for model in registry.models():
        seen: list[int] = []
        while True:
            with transaction.atomic():
                item = (
                    model._default_manager.select_for_update(skip_locked=True)
                    .filter(status=State.SCHEDULED)
                    .exclude(pk__in=seen)
                    .order_by("published_at", "pk")
                    .first()
                )
                if item is None:
                    break
                seen.append(item.pk)
                try:
                    with transaction.atomic():
                        problems = publish_problems(item, on=day_shown(item, now=now))
                        if problems:
                            _hold(item, problems)
                            report.held.append(item)
                        elif item.is_due_at(now):  # what .due(now) selects
                            _record_published(item)
                            report.published.append(item)
                except Exception:
                    log.exception(
                        "Could not publish scheduled %s %s", model.__name__, item.pk
                    )
                    report.failed.append(item)
    return report


def _record_published(item: Publishable) -> None:
    _scheduler_step(
        item,
        action="publish",
        to_state=State.PUBLISHED,
        comment="Published on schedule.",
        after=_after_transition,
    )


def _hold(item: Publishable, problems: list[str]) -> None:
    _scheduler_step(
        item,
        action="hold",
        to_state=State.APPROVED,
        comment="Held by the scheduler, not published: " + " ".join(problems),
        after=functools.partial(_after_hold, problems=problems),
    )


def _scheduler_step(
    item: Publishable,
    *,
    action: str,
    to_state: State,
    comment: str,
    after: Callable[[Publishable, Transition], None],
) -> None:
    """Move a scheduled `item` to `to_state` for the scheduler (no one acted),
    with its audit row; `after(item, step)` runs once the transaction commits
    (the e-mails, the `transitioned` signal)."""
    item.status = to_state
    item.save(update_fields=["status"])
    step = Transition.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=action,
        from_state=State.SCHEDULED,
        to_state=to_state,
        by=None,
        comment=comment,
        scheduled_for=item.published_at,
    )
    transaction.on_commit(lambda: after(item, step))


def _after_hold(item: Publishable, step: Transition, problems: list[str]) -> None:
    try:
        notify_held(item, step, problems)
    except Exception:  # the item is held whether or not the e-mail goes
        log.exception("Could not send the e-mail about held %s", item)
    signals.transitioned.send(sender=type(item), item=item, transition=step)


def notify_held(item: Publishable, step: Transition, problems: list[str]) -> None:
    """Tell the editors and the item's writers that the scheduler held it."""
    editors = User.objects.with_perm(
        permission(item, "publish"), backend="django.contrib.auth.backends.ModelBackend"
    )
    users = {*editors, *item.owner_users()}
    recipients = sorted({u.email for u in users if u.email and u.is_active})
    if not recipients:
        return
    lines = [
        wording.held_first_sentence(item, step.scheduled_for),
        *(f"- {problem}" for problem in problems),
        "It is approved and off the schedule. Fix the pictures in the library or "
        "in the item, then publish or schedule it again.",
    ]
    if admin_url := _admin_url(item):
        lines.append(f"Open it: {admin_url}")
    send_mail(
        subject=wording.held_subject(item),
        message="\n\n".join(lines),
        from_email=None,
        recipient_list=recipients,
    )


@dataclass
class PublishReport:
    published: list = field(default_factory=list)
    held: list = field(default_factory=list)  # taken off the schedule: see publish_due
    failed: list = field(default_factory=list)


# --- After a transition: notifications and signals ---------------------------

# Who is e-mailed after each action: the editors, or the item's writers.
# The words (subject, first sentence, the message on screen) are
# `wording.WORDS`'s.
NOTIFY = {
    "submit": "editors",
    "request_changes": "writers",
    "schedule": "writers",
    "reschedule": "writers",
    "publish": "writers",
    "unpublish": "writers",
}


def _after_transition(item: Publishable, step: Transition) -> None:
    try:
        notify(item, step)
    except Exception:  # a mail failure never undoes or breaks a transition
        log.exception("Could not send workflow e-mail for %s", step)
        # Read by whoever acted (the admin shows it), once the step committed.
        step.mail_failed = True
    signals.transitioned.send(sender=type(item), item=item, transition=step)


def audience(item: Publishable, step: Transition) -> tuple[list, list]:
    """Who `step` is told to, and which of them have an e-mail address to send
    it to: the editors (those who may review), or the item's writers; active
    people, never the one who acted. Both lists empty when the action tells
    no one. The e-mail and the message on screen both ask this."""
    group = NOTIFY.get(step.action)
    if group is None:
        return [], []
    if group == "editors":
        # Roles are groups, whose permissions ModelBackend holds; naming it
        # keeps this working beside other backends (login throttling).
        users = User.objects.with_perm(
            permission(item, "review"),
            backend="django.contrib.auth.backends.ModelBackend",
        )
    else:
        users = item.owner_users()
    people = sorted(
        {u for u in users if u.is_active and u != step.by}, key=wording.name
    )
    return people, [u for u in people if u.email]


def done_message(item: Publishable, step: Transition) -> str:
    """What the person who acted reads: what happened and who was told, or
    that the e-mail could not be sent (`step.mail_failed`)."""
    people, recipients = audience(item, step)
    return wording.done(
        step,
        item,
        audience=people,
        recipients=recipients,
        group=NOTIFY.get(step.action, "writers"),
    )


def mail_failure_message(step: Transition) -> str:
    """What to tell the person who acted when `step`'s e-mail was not sent;
    empty when it was sent, was not needed, or has not been tried yet (the
    transaction that made the step is still open)."""
    if not step.mail_failed:
        return ""
    return done_message(step.item, step)


def notify(item: Publishable, step: Transition) -> None:
    _people, told = audience(item, step)
    recipients = sorted({u.email for u in told})
    if not recipients:
        return
    lines = [wording.first_sentence(step, item)]
    if admin_url := _admin_url(item):
        lines.append(f"Open it: {admin_url}")
    send_mail(
        subject=wording.subject(step, item),
        message="\n\n".join(lines),
        from_email=None,
        recipient_list=recipients,
    )


def _admin_url(item) -> str:
    """The item's admin page, as a full address (an e-mail has no page to be
    relative to)."""
    meta = item._meta
    try:
        path = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk]
        )
    except NoReverseMatch:  # a content type without an admin page
        return ""
    return urljoin(settings.SITE_URL, path)


# --- Versions and revisions -------------------------------------------------


class StaleVersion(ValidationError):
    """The record changed after the form or page was loaded from `expected`."""

    def __init__(self, item, *, expected: int | None, edit: bool = True):
        self.item, self.expected = item, expected
        stored = type(item)._base_manager.filter(pk=item.pk).values("version").first()
        self.current = stored["version"] if stored else None
        changed = f"“{item}” was changed {changed_by(item, self.current)}"
        super().__init__(
            f"{changed} after you opened it. Nothing was overwritten: your text is "
            "kept as your unsaved draft."
            if edit
            else f"{changed} after you opened this page, so nothing was done. "
            "Read the current version, then try again.",
            code="stale",
        )


def changed_by(item, version: int | None) -> str:
    """“by Ann Editor at 14:02” for the revision that holds `version`, if any."""
    revision = None
    if isinstance(item, Publishable) and version is not None:
        revision = (
            Revision.for_item(item)
            .filter(version=version)
            .select_related("created_by")
            .order_by("-number")
            .first()
        )
    if revision is None:
        return "by someone else"
    who = revision.created_by
    name = (who.get_full_name() or who.username) if who else "someone else"
    when = formats.time_format(timezone.localtime(revision.created_at), "H:i")
    return f"by {name} at {when}"


def parse_version(value) -> int | None:
    """A version as a form posted it; None when missing or not a number."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def check_version(item: models.Model, *, expected: int | None) -> None:
    """Before an edit form is saved: raise `StaleVersion` unless it was loaded
    from `item`'s version, `expected`, so the person sees what changed before
    anything is tried. (The save itself claims the version: `edit`.)"""
    if expected is None or expected != item.version:
        raise StaleVersion(item, expected=expected)


def claim_version(
    item: models.Model, *, expected: int | None, edit: bool = True
) -> None:
    """Before an edit is written: compare the version the form was loaded from
    with the stored one and bump it, in one UPDATE (no window between the check
    and the write). It also takes the row's write lock until the transaction
    ends, so the rest of the edit is written by the one save that won. Raises
    `StaleVersion` when the stored version is no longer `expected`."""
    if expected is not None:
        claimed = (
            type(item)
            ._base_manager.filter(pk=item.pk, version=expected)
            .update(version=F("version") + 1)
        )
        if claimed == 1:
            item.version = expected + 1
            return
    raise StaleVersion(item, expected=expected, edit=edit)


def latest_revision(item: Publishable) -> Revision | None:
    return (
        Revision.for_item(item)
        .exclude(kind=Revision.Kind.CONFLICT)
        .order_by("-number")
        .first()
    )


def _next_number(item) -> int:
    last = Revision.for_item(item).order_by("-number").values_list("number", flat=True)
    return (last.first() or 0) + 1


def save_revision(
    item: Publishable, *, by, kind=Revision.Kind.SAVED, data=None, note=""
) -> Revision:
    """Store a snapshot of `item` (or of `data`, text a user could not save)."""
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        number=_next_number(item),
        version=item.version if data is None else None,
        kind=kind,
        data=item.revision_data() if data is None else data,
        created_by=by if by and by.is_authenticated else None,
        note=note,
    )


def record_edit(item: Publishable, *, by, drop_draft: bool = True) -> Revision:
    """After an edit is saved (its version claimed), in the transaction that
    saved it: check a live or scheduled item still passes the publish check as
    edited (`check_live_change`; raises `NotPublishable`, and the caller's
    transaction must roll the edit back), note a live change, store the
    revision, and drop the editor's unsaved draft, now saved (unless the change
    did not come from their form: `drop_draft=False`)."""
    check_live_change(item)
    if item.is_public:
        item.revised_at = timezone.now()
        type(item)._default_manager.filter(pk=item.pk).update(
            revised_at=item.revised_at
        )
    revision = save_revision(item, by=by)
    if drop_draft:
        release_lock(item, user=by)
        discard_draft(item, user=by)
    transaction.on_commit(
        lambda: signals.edited.send(sender=type(item), item=item, revision=revision)
    )
    return revision


@transaction.atomic
def restore_revision(
    item: Publishable, revision: Revision, *, by, version: int | None
) -> Revision:
    """Put an old revision's content back, as a new revision; nothing is lost.
    `version` is the one the page showed: a restore over newer text is refused,
    and so is one that would put on a live or scheduled item what the publish
    check refuses (`NotPublishable`; nothing is changed)."""
    check_allowed(by, "edit", item)
    if (revision.content_type_id, revision.object_id) != (
        ContentType.objects.get_for_model(item).pk,
        item.pk,
    ):
        raise InvalidTransition("That revision belongs to another item.")
    claim_version(item, expected=version, edit=False)
    item.apply_revision_data(revision.data)
    check_live_change(item)
    return save_revision(
        item,
        by=by,
        kind=Revision.Kind.RESTORED,
        note=f"Restored revision {revision.number}.",
    )


# --- Edits -------------------------------------------------------------------

# Fields only the holders of a right may change, whoever calls: {model: {field
# name: action}}, the right being the model permission for that action
# (`permission`). Each content type registers its own (`guard_field`); `edit`
# refuses a change of one by anyone else, and the admin shows it read-only.
_GUARDED_FIELDS: dict[type, dict[str, str]] = {}


def guard_field(model: type[models.Model], name: str, *, action: str) -> None:
    """Only whoever may `action` a `model` (`may`) changes its field `name`:
    for anyone else `edit` refuses an edit that changes it."""
    _GUARDED_FIELDS.setdefault(model._meta.concrete_model, {})[name] = action


def guarded_fields(user, item_or_model) -> list[str]:
    """The fields of `item_or_model` that `user` may not change."""
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    guarded = _GUARDED_FIELDS.get(model._meta.concrete_model, {})
    return [name for name, action in guarded.items() if not may(user, action, model)]


def _guarded_values(item: models.Model, names: Iterable[str]) -> dict:
    """The stored values of `names` (their defaults for an item not saved yet)."""
    names = list(names)
    if not names:
        return {}
    if item.pk is None:
        return {name: item._meta.get_field(name).get_default() for name in names}
    return type(item)._base_manager.filter(pk=item.pk).values(*names).get()


@transaction.atomic
def edit(
    item: Versioned,
    *,
    by,
    base_version: int | None = None,
    write: Callable[[], object] | None = None,
    draft_key: str = "",
) -> Revision | None:
    """Save `by`'s edit of `item` (or a new item): the one door every edit goes
    through, whatever the caller (the admin's forms, a script, a test). In one
    transaction, in this order:

    - `by` may change it (`can_edit`: writers their own drafts and stories sent
      back, editors anything; a new item, whoever may add one), or
      `WorkflowPermissionDenied`;
    - the version the edit was made from, `base_version`, is claimed
      (`claim_version`), or `StaleVersion`, and nothing is written: the caller
      keeps the person's text;
    - `write()` writes the edit: `item.save()` unless given; the admin's saves
      the form, its many-to-many fields and its inlines, and returns the
      change message for the audit row;
    - a guarded field (`guard_field`: a story's "featured") that `by` may not
      change, changed: `WorkflowPermissionDenied`;
    - a live or scheduled item must pass the publish check as edited, or
      `NotPublishable` (`record_edit`, which then stores the revision, drops
      the person's unsaved draft and sends `signals.edited` after commit);
    - the audit row: the admin's history entry (who, when, what changed).

    Anything refused raises and everything written is rolled back. Returns
    the revision; None for a record without revisions (an author profile, a
    library picture), whose unsaved draft is dropped all the same.
    `draft_key` names the unsaved draft of a new item's form."""
    new = item.pk is None
    acting = by if by is not None and by.is_authenticated else None
    if new and isinstance(item, Publishable) and item.created_by_id is None:
        item.created_by = acting
    check_allowed(by, "edit", item)
    if not new:
        claim_version(item, expected=base_version)
    guarded = _GUARDED_FIELDS.get(type(item)._meta.concrete_model, {})
    before = _guarded_values(item, guarded)
    message = write() if write is not None else item.save()
    after = _guarded_values(item, guarded)
    for name, action in guarded.items():
        if after[name] != before[name] and not may(by, action, item):
            raise WorkflowPermissionDenied(
                wording.guarded(
                    action, item, str(item._meta.get_field(name).verbose_name)
                )
            )
    revision = None
    if isinstance(item, Publishable):
        revision = record_edit(item, by=by)
    else:
        discard_draft(item, user=by)
    if new and draft_key:
        discard_draft(user=by, model=type(item), key=draft_key)
    if acting is not None:
        LogEntry.objects.log_actions(
            user_id=acting.pk,
            queryset=[item],
            action_flag=ADDITION if new else CHANGE,
            change_message=message or "",
            single_object=True,
        )
    return revision


# --- Unsaved drafts ----------------------------------------------------------


def _draft_key(model, *, user, object_id=None, key: str = "") -> dict:
    ct = ContentType.objects.get_for_model(model)
    if object_id is not None:
        return {"content_type": ct, "object_id": object_id, "user": user}
    return {"content_type": ct, "object_id": None, "user": user, "key": key}


def keep_draft(
    model,
    *,
    user,
    data: dict,
    kind: str = Draft.Kind.AUTOSAVE,
    object_id: int | None = None,
    key: str = "",
    submitted: dict | None = None,
    base_version: int | None = None,
    loaded: str = "",
) -> Draft:
    """Store `user`'s unsaved text for an item (or a new one, told apart by
    `key`). Nothing else happens: no version, revision, purge, mail or audit row.
    A refused submission is not replaced by later autosaves of fewer fields."""
    lookup = _draft_key(model, user=user, object_id=object_id, key=key)
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(**lookup).first()
        if draft is None:
            draft = Draft(**lookup)
        if kind == Draft.Kind.AUTOSAVE and draft.kind == Draft.Kind.CONFLICT:
            data = {**draft.data, **data}
            submitted, kind = draft.submitted, Draft.Kind.CONFLICT
            base_version, loaded = draft.base_version, draft.loaded
        draft.kind, draft.data = kind, data
        draft.submitted = submitted or {}
        draft.base_version, draft.loaded = base_version, loaded
        draft.saved_at = timezone.now()
        draft.save()
    return draft


def draft_of(model, *, user, object_id=None, key: str = "") -> Draft | None:
    if not (user and user.is_authenticated):
        return None
    return Draft.objects.filter(
        **_draft_key(model, user=user, object_id=object_id, key=key)
    ).first()


def new_item_drafts(model, *, user) -> models.QuerySet:
    """`user`'s drafts of new items never saved, newest first."""
    return Draft.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=None,
        user=user,
    )


def discard_draft(item=None, *, user, model=None, key: str = "") -> None:
    if not (user and user.is_authenticated):
        return
    if item is not None:
        Draft.objects.filter(
            **_draft_key(type(item), user=user, object_id=item.pk)
        ).delete()
    elif key:
        Draft.objects.filter(**_draft_key(model, user=user, key=key)).delete()


# --- Edit locks --------------------------------------------------------------


def open_for_editing(item, *, user) -> list[EditLock]:
    """Record that `user` has the item open (again, each time their page says
    it still is); return the others who have it open now."""
    now = timezone.now()
    ct = ContentType.objects.get_for_model(item)
    EditLock.objects.update_or_create(
        content_type=ct,
        object_id=item.pk,
        user=user,
        defaults={"seen_at": now},
        create_defaults={"opened_at": now, "seen_at": now},
    )
    fresh = now - dt.timedelta(seconds=PRESENCE_SECONDS)
    return list(
        EditLock.objects.filter(content_type=ct, object_id=item.pk, seen_at__gte=fresh)
        .exclude(user=user)
        .select_related("user")
    )


def release_lock(item, *, user) -> None:
    if user and user.is_authenticated:
        EditLock.for_item(item).filter(user=user).delete()


# --- Share links -------------------------------------------------------------


def create_share_link(item: Publishable, *, by, hours: int | None = None) -> ShareLink:
    check_allowed(by, "share", item)
    link = ShareLink(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        created_by=by,
    )
    if hours:
        link.expires_at = timezone.now() + dt.timedelta(hours=hours)
    link.save()
    return link


def revoke_share_link(link: ShareLink, *, by) -> None:
    check_allowed(by, "share", link.item)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])

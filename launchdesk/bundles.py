"""What the launch desk does, every path through the workflow's own door
(`workflow.services.transition`): permissions, audit rows and the per-story
notifications are the workflow's, as if an editor had done each step. What it
says (the e-mail, the audit comments, the refusals) is written in
workflow.wording, with the workflow's other messages."""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from space.models import Launch
from workflow import services, wording
from workflow.states import State

from .models import BundleItem, MoveProposal

log = logging.getLogger(__name__)

AUTO, PROPOSE = "auto", "propose"
SUCCESS_STATUSES = frozenset({Launch.Status.SUCCESS})
FAILURE_STATUSES = frozenset({Launch.Status.FAILURE, Launch.Status.PARTIAL_FAILURE})


class BundleRefused(services.WorkflowPermissionDenied):
    """The user may not bundle stories (only those who may schedule them)."""


def may_bundle(user) -> bool:
    return services.may(user, "schedule", Article)


def check_may_bundle(user) -> None:
    if not may_bundle(user):
        raise BundleRefused(wording.BUNDLE_REFUSED)


def add_to_bundle(launch, article, *, by, offset=None, outcome="") -> BundleItem:
    check_may_bundle(by)
    item = BundleItem(
        launch=launch, article=article, offset=offset, outcome=outcome, added_by=by
    )
    item.full_clean()
    item.save()
    return item


def schedule_to_launch(item: BundleItem, *, by):
    """Schedule an approved offset story at the launch time plus its offset."""
    check_may_bundle(by)
    if item.offset is None:
        raise services.InvalidTransition(wording.OUTCOME_HAS_NO_TIME)
    return services.transition(
        item.article,
        "schedule",
        by=by,
        at=item.launch.net + item.offset,
        comment=wording.scheduled_to_launch(item.launch),
    )


def schedule_bundle(launch, *, by) -> "Report":
    """The admin's "Schedule the bundle": each approved offset story of
    `launch`'s bundle is scheduled at the launch time plus its offset, each
    through the workflow. One the workflow refuses (a time already passed, the
    checklist) stays as it is and is a warning; stories in any other state
    (a draft, one already scheduled) are left alone."""
    check_may_bundle(by)
    report = Report(launch=launch, action=wording.BUNDLE_SCHEDULED, by=by)
    items = (
        BundleItem.objects.filter(
            launch=launch, offset__isnull=False, article__status=State.APPROVED
        )
        .select_related("article", "launch")
        .order_by("offset", "pk")
    )
    for item in items:
        try:
            with transaction.atomic():
                schedule_to_launch(item, by=by)
        except (services.WorkflowPermissionDenied, services.InvalidTransition) as e:
            report.warnings.append(
                wording.not_done(item.article, "not scheduled", _reason(e))
            )
            continue
        report.done.append(wording.goes_live(item.article, item.article.published_at))
    return report


def _reason(error) -> str:
    """The workflow's refusal, in its own words."""
    return " ".join(getattr(error, "messages", [str(error)]))


@dataclass
class Report:
    """What a move or an outcome did, for the summary e-mail."""

    launch: Launch
    action: str
    by: object = None
    done: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    editors: set = field(default_factory=set)

    def send(self) -> None:
        """One e-mail to the bundle's editors, after commit."""
        if not (self.done or self.warnings):
            return
        recipients = sorted(
            {u.email for u in self.editors | {self.by} if u is not None and u.email}
        )
        if not recipients:
            return
        subject, body = wording.bundle_mail(
            self.launch, self.action, self.done, self.warnings
        )
        transaction.on_commit(
            lambda: send_mail(subject, body, None, recipients, fail_silently=True)
        )


def _editors(items) -> set:
    return {item.added_by for item in items}


# --- Moves --------------------------------------------------------------------


def on_launch_moved(sender, *, launch, old_net, new_net, by=None, source="", **kw):
    if getattr(settings, "LAUNCH_BUNDLES_MOVE", PROPOSE) == AUTO:
        move_bundle(launch, old_net, new_net, by=by)
        return
    if not BundleItem.objects.filter(launch=launch, offset__isnull=False).exists():
        return
    MoveProposal.objects.get_or_create(
        launch=launch, old_net=old_net, new_net=new_net, decided_at__isnull=True
    )


@transaction.atomic
def move_bundle(launch, old_net, new_net, *, by=None) -> Report:
    """Reschedule every scheduled offset story of `launch`'s bundle to
    new_net + offset. A story whose new time has passed, or that the workflow
    refuses to move, stays where it is and is named in the e-mail's warnings.
    A story already at its new time is left alone (the signal arrived twice)."""
    items = list(
        BundleItem.objects.filter(launch=launch, offset__isnull=False)
        .select_related("article", "added_by")
        .order_by("offset", "pk")
    )
    report = Report(
        launch=launch,
        action=wording.launch_moved(old_net, new_net, short=True),
        by=by,
        editors=_editors(BundleItem.objects.filter(launch=launch)),
    )
    now = timezone.now()
    comment = wording.launch_moved(old_net, new_net)
    for item in items:
        article = item.article
        if article.status != State.SCHEDULED:
            continue
        new_time = new_net + item.offset
        if article.published_at == new_time:
            continue
        if new_time <= now:
            report.warnings.append(
                wording.new_time_passed(article, new_time, article.published_at)
            )
            continue
        actor = by or item.added_by
        try:
            with transaction.atomic():
                services.transition(
                    article, "reschedule", by=actor, at=new_time, comment=comment
                )
        except (services.WorkflowPermissionDenied, services.InvalidTransition) as e:
            report.warnings.append(wording.not_done(article, "not moved", _reason(e)))
            continue
        report.done.append(wording.goes_live(article, new_time, moved=True))
    report.send()
    return report


class ProposalRefused(services.InvalidTransition):
    pass


@transaction.atomic
def accept_proposal(proposal: MoveProposal, *, by) -> Report:
    """The one-click "Move the bundle" on the editors' desk."""
    check_may_bundle(by)
    proposal = (
        MoveProposal.objects.select_for_update()
        .select_related("launch")
        .get(pk=proposal.pk)
    )
    if proposal.decided_at is not None:
        raise ProposalRefused(wording.MOVE_ALREADY_DECIDED)
    if proposal.is_stale:
        raise ProposalRefused(wording.moved_again(proposal.launch, proposal.launch.net))
    report = move_bundle(proposal.launch, proposal.old_net, proposal.new_net, by=by)
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["decided_by", "decided_at"])
    return report


def open_proposals():
    return (
        MoveProposal.objects.filter(decided_at__isnull=True)
        .select_related("launch")
        .order_by("launch__net", "-created_at")
    )


# --- Outcomes -----------------------------------------------------------------


def on_launch_outcome(sender, *, launch, status, by=None, source="", **kw):
    settle_outcome(launch, status, by=by)


@transaction.atomic
def settle_outcome(launch, status, *, by=None) -> Report:
    """Publish the version prepared for this outcome and archive the other.
    Idempotent: a version already published or archived is left as it is."""
    if status in SUCCESS_STATUSES:
        go, drop = BundleItem.Outcome.SUCCESS, BundleItem.Outcome.FAILURE
    elif status in FAILURE_STATUSES:
        go, drop = BundleItem.Outcome.FAILURE, BundleItem.Outcome.SUCCESS
    else:
        return Report(launch=launch, action="")
    items = list(
        BundleItem.objects.filter(launch=launch)
        .exclude(outcome="")
        .select_related("article", "added_by")
    )
    report = Report(
        launch=launch,
        action=wording.launch_outcome(Launch.Status(status).label),
        by=by,
        editors=_editors(items),
    )
    for item in items:
        actor = by if by is not None and may_bundle(by) else item.added_by
        try:
            with transaction.atomic():
                if item.outcome == go:
                    _publish(item.article, actor, report)
                elif item.outcome == drop:
                    _archive(item.article, actor, report)
        except (services.WorkflowPermissionDenied, services.InvalidTransition) as e:
            report.warnings.append(
                wording.not_done(item.article, "left as it is", _reason(e))
            )
    report.send()
    return report


def _publish(article, actor, report):
    if article.status == State.PUBLISHED:
        return
    services.transition(article, "publish", by=actor)
    report.done.append(wording.outcome_published(article))


ARCHIVE_COMMENT = wording.OUTCOME_NOT_USED


def _archive(article, actor, report):
    """Through the workflow's existing rules: a scheduled version is
    unscheduled, an approved or in-review one sent back, then archived."""
    if article.status == State.ARCHIVED:
        return
    if article.status == State.PUBLISHED:
        report.warnings.append(wording.live_against_outcome(article))
        return
    if article.status == State.SCHEDULED:
        services.transition(article, "unschedule", by=actor, comment=ARCHIVE_COMMENT)
    if article.status in (State.APPROVED, State.IN_REVIEW):
        services.transition(
            article, "request_changes", by=actor, comment=ARCHIVE_COMMENT
        )
    services.transition(article, "archive", by=actor, comment=ARCHIVE_COMMENT)
    report.done.append(wording.outcome_archived(article))

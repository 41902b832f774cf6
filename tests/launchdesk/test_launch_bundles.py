"""The launch desk: bundling, moves with the launch's time, outcomes."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article
from launchdesk import bundles, desk
from launchdesk.models import BundleItem, MoveProposal
from space.launches import update_launch
from space.models import Launch
from tests.launchdesk.bundle_times import LIVE, NET, PREVIEW
from tests.newsroom.workflow_helpers import snapshot
from workflow.models import Transition
from workflow.states import State

pytestmark = pytest.mark.django_db

LATER = NET + dt.timedelta(days=2)


def reloaded(item):
    item.article.refresh_from_db()
    return item.article


# --- Bundling -----------------------------------------------------------------


def test_an_editor_bundles_and_schedules_to_the_launch(bundle):
    preview, live = reloaded(bundle["preview"]), reloaded(bundle["live"])
    assert (preview.status, preview.published_at) == (State.SCHEDULED, NET + PREVIEW)
    assert (live.status, live.published_at) == (State.SCHEDULED, NET + LIVE)
    (step,) = Transition.for_item(live).filter(action="schedule")
    assert step.by == bundle["live"].added_by


def test_a_writer_may_not_bundle(launch, writer, story):
    article = story("Not mine to bundle")
    with pytest.raises(bundles.BundleRefused):
        bundles.add_to_bundle(launch, article, by=writer, offset=PREVIEW)
    assert not BundleItem.objects.exists()


def test_a_writer_may_not_schedule_to_the_launch(bundle, writer):
    item = bundle["follow"]
    item.article.status = State.APPROVED
    item.article.save()
    before = snapshot(item.article)
    with pytest.raises(bundles.BundleRefused):
        bundles.schedule_to_launch(item, by=writer)
    assert snapshot(item.article) == before


def test_an_item_has_an_offset_or_an_outcome_not_both(launch, editor, story):
    with pytest.raises(ValidationError):
        bundles.add_to_bundle(
            launch, story("Both"), by=editor, offset=PREVIEW, outcome="success"
        )
    with pytest.raises(ValidationError):
        bundles.add_to_bundle(launch, story("Neither"), by=editor)
    assert not BundleItem.objects.exists()


def test_a_story_is_in_one_bundle_at_most(launch, editor, story):
    article = story("Once")
    bundles.add_to_bundle(launch, article, by=editor, offset=PREVIEW)
    with pytest.raises((ValidationError, IntegrityError)), transaction.atomic():
        bundles.add_to_bundle(launch, article, by=editor, offset=LIVE)
    assert BundleItem.objects.count() == 1


# --- Moves --------------------------------------------------------------------


def test_auto_moves_every_scheduled_story_with_audit_rows_and_one_email(
    bundle, launch, editor, other_editor, committed, settings
):
    settings.LAUNCH_BUNDLES_MOVE = "auto"
    mail.outbox.clear()
    committed(update_launch, launch, net=LATER, by=other_editor, source="hand")

    preview, live = reloaded(bundle["preview"]), reloaded(bundle["live"])
    assert preview.published_at == LATER + PREVIEW
    assert live.published_at == LATER + LIVE
    for article in (preview, live):
        step = Transition.for_item(article).get(action="reschedule")
        assert step.by == other_editor
        assert step.scheduled_for == article.published_at
        assert "Launch moved from" in step.comment
    follow = reloaded(bundle["follow"])
    assert (follow.status, follow.published_at) == (State.DRAFT, None)
    summaries = [m for m in mail.outbox if m.subject.startswith("Starlink 6-10:")]
    assert len(summaries) == 1
    assert "Launch moved" in summaries[0].subject
    assert set(summaries[0].to) == {"edie@example.com", "ed2@example.com"}
    assert "WARNING" not in summaries[0].body
    # Times as every workflow message writes them, the zone and UTC named.
    assert re.search(
        r"now goes live at \w+day \d+ \w+ at \d\d:\d\d \w+ "
        r"\(\d\d:\d\d UTC\)\.$",
        summaries[0].body,
        re.M,
    )
    assert ".." not in summaries[0].body


def test_the_same_move_told_twice_moves_once(bundle, launch, editor, committed):
    committed(bundles.move_bundle, launch, NET, LATER, by=editor)
    mail.outbox.clear()
    committed(bundles.move_bundle, launch, NET, LATER, by=editor)
    preview = reloaded(bundle["preview"])
    assert Transition.for_item(preview).filter(action="reschedule").count() == 1
    assert mail.outbox == []


def test_a_move_into_the_past_is_not_done_and_warned(
    bundle, launch, editor, committed, pinned
):
    # The launch moved 23 hours earlier: the preview's new time has passed.
    earlier = pinned + dt.timedelta(hours=23)
    mail.outbox.clear()
    report = committed(bundles.move_bundle, launch, NET, earlier, by=editor)

    preview, live = reloaded(bundle["preview"]), reloaded(bundle["live"])
    assert preview.published_at == NET + PREVIEW  # not moved
    assert not Transition.for_item(preview).filter(action="reschedule").exists()
    assert live.published_at == earlier + LIVE
    assert len(report.warnings) == 1
    (summary,) = [m for m in mail.outbox if m.subject.startswith("Starlink")]
    assert "WARNING" in summary.body and "preview" in summary.body


def test_an_editor_without_the_right_moves_nothing(bundle, launch, writer, committed):
    before = snapshot(bundle["preview"].article)
    report = committed(bundles.move_bundle, launch, NET, LATER, by=writer)
    assert snapshot(bundle["preview"].article) == before
    assert len(report.warnings) == 2


def test_propose_mode_stores_a_proposal_and_moves_nothing(
    bundle, launch, editor, committed, settings
):
    settings.LAUNCH_BUNDLES_MOVE = "propose"
    before = snapshot(bundle["preview"].article)
    committed(update_launch, launch, net=LATER, by=editor, source="import")
    assert snapshot(bundle["preview"].article) == before
    (proposal,) = bundles.open_proposals()
    assert (proposal.old_net, proposal.new_net) == (NET, LATER)


def test_accepting_the_proposal_moves_the_bundle(
    bundle, launch, editor, committed, settings
):
    settings.LAUNCH_BUNDLES_MOVE = "propose"
    committed(update_launch, launch, net=LATER, by=None, source="import")
    proposal = MoveProposal.objects.get()
    committed(bundles.accept_proposal, proposal, by=editor)
    assert reloaded(bundle["preview"]).published_at == LATER + PREVIEW
    proposal.refresh_from_db()
    assert proposal.decided_by == editor
    assert not bundles.open_proposals().exists()


def test_a_writer_may_not_accept_the_proposal(
    bundle, launch, writer, committed, settings
):
    settings.LAUNCH_BUNDLES_MOVE = "propose"
    committed(update_launch, launch, net=LATER, by=None, source="import")
    before = snapshot(bundle["preview"].article)
    with pytest.raises(bundles.BundleRefused):
        bundles.accept_proposal(MoveProposal.objects.get(), by=writer)
    assert snapshot(bundle["preview"].article) == before
    assert MoveProposal.objects.get().decided_at is None


def test_a_stale_proposal_is_refused(bundle, launch, editor, committed, settings):
    settings.LAUNCH_BUNDLES_MOVE = "propose"
    committed(update_launch, launch, net=LATER, by=None, source="import")
    first = MoveProposal.objects.get()
    committed(
        update_launch,
        launch,
        net=LATER + dt.timedelta(hours=1),
        by=None,
        source="import",
    )
    before = snapshot(bundle["preview"].article)
    with pytest.raises(bundles.ProposalRefused):
        bundles.accept_proposal(first, by=editor)
    assert snapshot(bundle["preview"].article) == before


# --- Outcomes -----------------------------------------------------------------


def test_success_publishes_the_success_version_and_archives_the_other(
    bundle, launch, editor, committed
):
    mail.outbox.clear()
    committed(
        update_launch, launch, status=Launch.Status.SUCCESS, by=editor, source="hand"
    )
    success, failure = reloaded(bundle["success"]), reloaded(bundle["failure"])
    assert success.status == State.PUBLISHED
    assert failure.status == State.ARCHIVED
    assert Transition.for_item(success).filter(action="publish", by=editor).exists()
    assert Transition.for_item(failure).filter(action="archive").exists()
    summaries = [m for m in mail.outbox if m.subject.startswith("Starlink 6-10:")]
    assert len(summaries) == 1 and "Success" in summaries[0].subject


@pytest.mark.parametrize(
    "status", [Launch.Status.FAILURE, Launch.Status.PARTIAL_FAILURE]
)
def test_failure_publishes_the_scrub_version_and_archives_the_success_one(
    bundle, launch, editor, committed, status
):
    # The success version was scheduled in advance: it is unscheduled first.
    committed(
        bundles.services.transition,
        bundle["success"].article,
        "schedule",
        by=editor,
        at=NET + dt.timedelta(hours=1),
    )
    committed(update_launch, launch, status=status, by=None, source="import")
    success, failure = reloaded(bundle["success"]), reloaded(bundle["failure"])
    assert failure.status == State.PUBLISHED
    assert success.status == State.ARCHIVED
    assert Article.objects.public().filter(pk=failure.pk).exists()
    assert not Article.objects.public().filter(pk=success.pk).exists()


def test_an_outcome_told_twice_changes_nothing_more(bundle, launch, editor, committed):
    committed(bundles.settle_outcome, launch, Launch.Status.SUCCESS, by=editor)
    steps = Transition.objects.count()
    mail.outbox.clear()
    committed(bundles.settle_outcome, launch, Launch.Status.SUCCESS, by=editor)
    assert Transition.objects.count() == steps
    assert mail.outbox == []


def test_a_publish_refused_by_the_checklist_is_told_not_crashed(
    bundle, launch, editor, committed, monkeypatch
):
    monkeypatch.setattr(
        bundles.services, "publish_problems", lambda item, on=None: ["No alt text."]
    )
    mail.outbox.clear()
    report = committed(bundles.settle_outcome, launch, Launch.Status.SUCCESS, by=editor)
    assert reloaded(bundle["success"]).status == State.APPROVED
    assert any("No alt text" in w for w in report.warnings)
    (summary,) = [m for m in mail.outbox if m.subject.startswith("Starlink")]
    assert "WARNING" in summary.body
    launch.status = Launch.Status.SUCCESS
    item = bundle["success"]
    item.launch = launch
    assert desk.item_flags(item, launch.net) == [desk.OUTCOME_UNDONE]

"""The launch desk on the workflow's pages: a panel on the editors' desk (the
moves waiting for a click, and bundled stories that need a look) and the
launches with their bundles on the story calendar. Added in
LaunchDeskConfig.ready() through workflow.desk's hooks."""

import datetime as dt

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from space.models import Launch
from workflow import desk as workflow_desk
from workflow import wording
from workflow.states import State

from . import bundles
from .models import BundleItem

# The flags, in the newsroom's words (workflow.wording).
OVERDUE = wording.OVERDUE
CONFLICT = wording.OFF_LAUNCH_TIME
BOTH_LIVE = wording.BOTH_OUTCOMES_LIVE
OUTCOME_UNDONE = wording.OUTCOME_LEFT
NOT_LIVE = (State.PUBLISHED, State.SCHEDULED, State.ARCHIVED)
# How long after its time a launch's bundle still shows on the desk.
DESK_REACH = dt.timedelta(days=2)


def item_flags(item: BundleItem, now: dt.datetime) -> list[str]:
    """What is wrong with one bundled story: scheduled away from the launch
    time plus its offset (a conflict), or its planned time passed while it is
    neither live, scheduled nor archived (overdue)."""
    article = item.article
    if item.offset is None:
        status = item.launch.status
        if status in bundles.SUCCESS_STATUSES | bundles.FAILURE_STATUSES:
            wanted = (
                BundleItem.Outcome.SUCCESS
                if status in bundles.SUCCESS_STATUSES
                else BundleItem.Outcome.FAILURE
            )
            done = State.PUBLISHED if item.outcome == wanted else State.ARCHIVED
            if article.status != done:
                return [OUTCOME_UNDONE]
        return []
    planned = item.launch.net + item.offset
    if article.status == State.SCHEDULED and article.published_at != planned:
        return [CONFLICT]
    if planned <= now and article.status not in NOT_LIVE:
        return [OVERDUE]
    return []


def launch_flags(items: list[BundleItem]) -> list[str]:
    live = {
        i.outcome for i in items if i.outcome and i.article.status == State.PUBLISHED
    }
    return [BOTH_LIVE] if len(live) > 1 else []


def describe(item: BundleItem) -> str:
    """A bundled story's place in the bundle, in words: "24 hours before
    launch", "if success"."""
    if item.offset is None:
        return wording.outcome_version(item.get_outcome_display())
    return wording.offset(item.offset)


def desk_panel(request):
    """Two queries: the open proposals, and the bundled stories of launches
    from two days ago on that need a look."""
    if not bundles.may_bundle(request.user):
        return None
    now = timezone.now()
    proposals = list(bundles.open_proposals())
    for proposal in proposals:
        proposal.stale = proposal.is_stale
    flagged = []
    items = (
        BundleItem.objects.filter(launch__net__gte=now - DESK_REACH)
        .select_related("launch", "article")
        .order_by("launch__net", "offset", "pk")
    )
    for item in items:
        if flags := item_flags(item, now):
            item.describe = describe(item)
            flagged.append((item, flags))
    if not (proposals or flagged):
        return None
    return workflow_desk.Panel(
        "launchdesk/desk_panel.html",
        {"proposals": proposals, "flagged": flagged},
    )


def calendar_source(request, model, begin, end):
    """The week's launches on the story calendar, each with its bundle."""
    if model is not Article or not request.user.has_perm("space.view_launch"):
        return []
    now = timezone.now()
    launches = Launch.objects.filter(net__gte=begin, net__lt=end).prefetch_related(
        Prefetch(
            "bundle",
            BundleItem.objects.select_related("article").order_by("offset", "pk"),
        )
    )
    entries = []
    for launch in launches:
        items = list(launch.bundle.all())
        children = []
        for item in items:
            item.launch = launch
            article = item.article
            when = article.published_at or (
                launch.net + item.offset if item.offset is not None else launch.net
            )
            children.append(
                workflow_desk.CalendarEntry(
                    when=when,
                    label=str(article),
                    url=reverse("admin:articles_article_change", args=[article.pk]),
                    note=f"{describe(item)} · {article.get_status_display()}",
                    flags=item_flags(item, now),
                )
            )
        entries.append(
            workflow_desk.CalendarEntry(
                when=launch.net,
                label=f"Launch: {launch}",
                url=reverse("admin:space_launch_change", args=[launch.pk]),
                note=launch.get_status_display(),
                flags=launch_flags(items),
                children=children,
            )
        )
    return entries

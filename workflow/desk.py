"""The admin's front page: what a writer or an editor needs first.

A writer sees "My stories": their own work, grouped by where it stands. An
editor sees the desk: the review queue across content types, oldest submission
first, and today's schedule in the newsroom's time zone. Both read every
registered content type through `workflow.registry`, and only what
`services.visible_to` lets the user see; the queue only for those who may
review. Queries: a fixed number per content type, however many items.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from . import registry, services, wording
from .models import Publishable, Transition
from .states import State

# How far back "recently published" reaches on a writer's page.
RECENT = dt.timedelta(days=14)


# --- Panels and calendar entries added by the apps above ----------------------
#
# The workflow knows no content type and imports no app above it; an app adds
# its own part of the editors' desk or of the calendar from its AppConfig.ready().


@dataclass
class Panel:
    """A part of the editors' desk: rendered with `template`, given `context`
    as `panel`. A provider returns None to show nothing."""

    template: str
    context: dict = field(default_factory=dict)


@dataclass
class CalendarEntry:
    """Something shown on the calendar's day of `when` beside the items: a
    launch, say, with the stories tied to it and flags ("Overdue")."""

    when: dt.datetime
    label: str
    url: str = ""
    note: str = ""
    flags: list[str] = field(default_factory=list)
    children: list["CalendarEntry"] = field(default_factory=list)


_desk_panels: dict[str, object] = {}
_calendar_sources: dict[str, object] = {}


def add_desk_panel(key: str, provider) -> None:
    """`provider(request) -> Panel | None`, shown to editors below the queue.
    Added once per key, however often ready() runs."""
    _desk_panels[key] = provider


def add_calendar_source(key: str, source) -> None:
    """`source(request, model, begin, end) -> list[CalendarEntry]`: entries
    between `begin` and `end` for the calendar of content type `model`."""
    _calendar_sources[key] = source


def desk_panels(request) -> list[Panel]:
    return [
        panel
        for provider in _desk_panels.values()
        if (panel := provider(request)) is not None
    ]


def calendar_entries(request, model, begin, end) -> list[CalendarEntry]:
    entries = []
    for source in _calendar_sources.values():
        entries += source(request, model, begin, end)
    return sorted(entries, key=lambda entry: entry.when)


@dataclass
class Row:
    """One item on the desk or on a writer's page, with what the page shows."""

    item: Publishable
    kind: str  # the content type's name: "story", "gallery"
    edit_url: str
    section: str = ""
    writers: str = ""
    # The latest step that put it in review, the latest with a comment, and
    # the latest that sent it back (Transition rows, or None).
    submitted: Transition | None = None
    commented: Transition | None = None
    sent_back: Transition | None = None
    waiting: str = ""
    live_url: str = ""

    @property
    def state(self) -> str:
        return self.item.shown_status.label

    @property
    def when(self) -> str:
        """The publication time, in the newsroom's zone with UTC beside it."""
        at = self.item.published_at
        return wording.when(at) if at else ""


@dataclass
class Group:
    key: str
    title: str
    empty: str
    rows: list[Row] = field(default_factory=list)


def waited(delta: dt.timedelta) -> str:
    """How long something has waited, as a newsroom says it: "3 h 20 min",
    "2 days 4 h", "under a minute"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return "under a minute"


def _edit_url(model, pk) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def rows_for(model, items) -> list[Row]:
    """Rows for `items` (of `model`, already read with the adapter's
    `desk_queryset`): their section, writers and latest steps, in one query
    for the steps of them all."""
    items = list(items)
    adapter = registry.adapter_for(model)
    steps = latest_steps(model, [item.pk for item in items])
    rows = []
    for item in items:
        submitted, commented, sent_back = steps.get(item.pk, (None, None, None))
        writers = adapter.writers(item) if adapter.writers else []
        if not writers and submitted is not None and submitted.by is not None:
            writers = [wording.name(submitted.by)]
        rows.append(
            Row(
                item=item,
                kind=str(model._meta.verbose_name),
                edit_url=_edit_url(model, item.pk),
                section=adapter.section(item) if adapter.section else "",
                writers=wording.join(writers),
                submitted=submitted,
                commented=commented,
                sent_back=sent_back,
            )
        )
    return rows


def latest_steps(model, pks) -> dict:
    """pk -> (latest step into review, latest step with a comment, latest step
    that sent it back), from one query."""
    if not pks:
        return {}
    content_type = ContentType.objects.get_for_model(model)
    found: dict = {}
    steps = (
        Transition.objects.filter(content_type=content_type, object_id__in=pks)
        .filter(
            Q(to_state__in=[State.IN_REVIEW, State.CHANGES_REQUESTED]) | ~Q(comment="")
        )
        .select_related("by")
        .order_by("-at", "-id")
    )
    for step in steps:
        submitted, commented, sent_back = found.get(step.object_id, (None,) * 3)
        if submitted is None and step.to_state == State.IN_REVIEW:
            submitted = step
        if commented is None and step.comment:
            commented = step
        if sent_back is None and step.to_state == State.CHANGES_REQUESTED:
            sent_back = step
        found[step.object_id] = (submitted, commented, sent_back)
    return found


def _read(model, qs):
    adapter = registry.adapter_for(model)
    qs = qs.select_related("created_by")
    return adapter.desk_queryset(qs) if adapter.desk_queryset else qs


def reviewers_models(user) -> list:
    """The content types whose queue this user may see."""
    return [m for m in registry.models() if services.may(user, "review", m)]


def review_queue(user, models=None, *, state=State.IN_REVIEW) -> list[Row]:
    """What waits for review (or, with `state=State.APPROVED`, what editors
    approved and nobody has yet scheduled or published), across `models`
    (every registered content type by default) that `user` may review and
    see, oldest submission first, each with its writers, section, time
    waiting since it was submitted and last comment."""
    now = timezone.now()
    rows = []
    for model in models if models is not None else registry.models():
        if not services.may(user, "review", model):
            continue
        items = _read(model, services.visible_to(user, model).filter(status=state))
        rows.extend(rows_for(model, items))
    for row in rows:
        if row.submitted is not None:
            row.waiting = waited(now - row.submitted.at)
    # Oldest first; an item with no recorded submission has waited longest.
    rows.sort(
        key=lambda row: (
            row.submitted is not None,
            row.submitted.at if row.submitted else now,
            row.item.pk,
        )
    )
    return rows


def local_day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Where `day` begins and ends in the newsroom's time zone, as instants (a
    day with a clock change is 23 or 25 hours long)."""
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, end


def todays_schedule(user) -> list[Row]:
    """What goes, or went, live today in the newsroom's time zone, by minute,
    among what `user` may see."""
    begin, end = local_day(timezone.localdate())
    rows = []
    for model in registry.models():
        items = _read(
            model,
            services.visible_to(user, model).filter(
                status__in=[State.SCHEDULED, State.PUBLISHED],
                published_at__gte=begin,
                published_at__lt=end,
            ),
        )
        rows.extend(rows_for(model, items))
    rows.sort(key=lambda row: (row.item.published_at, row.kind, row.item.pk))
    for row in rows:
        row.live_url = _live_url(row.item)
    return rows


def _live_url(item) -> str:
    if item.is_public and hasattr(item, "get_absolute_url"):
        return item.get_absolute_url()
    return ""


def my_stories(user) -> list[Group]:
    """The user's own work that they may see, grouped by where it stands."""
    now = timezone.now()
    groups = {
        group.key: group
        for group in [
            Group(
                "sent_back",
                "Sent back to you",
                "Nothing has been sent back to you.",
            ),
            Group("drafts", "Drafts", "You have no drafts."),
            Group(
                "in_review",
                "With the editors",
                "Nothing of yours is waiting for an editor.",
            ),
            Group("scheduled", "Scheduled", "Nothing of yours is scheduled."),
            Group(
                "published",
                f"Published in the last {RECENT.days} days",
                f"Nothing of yours went live in the last {RECENT.days} days.",
            ),
        ]
    }
    where = {
        State.DRAFT: "drafts",
        State.CHANGES_REQUESTED: "sent_back",
        State.IN_REVIEW: "in_review",
        State.APPROVED: "in_review",
        State.SCHEDULED: "scheduled",
        State.PUBLISHED: "published",
    }
    for model in registry.models():
        qs = (
            services.visible_to(user, model)
            .filter(model.owner_q(user))
            .filter(
                Q(status__in=[s for s in where if s != State.PUBLISHED])
                | Q(status=State.PUBLISHED, published_at__gte=now - RECENT)
            )
        )
        # owner_q may join the bylines: one row per item.
        for row in rows_for(model, _read(model, qs.distinct())):
            status = row.item.shown_status
            if status == State.PUBLISHED and row.item.published_at < now - RECENT:
                continue
            groups[where[status]].rows.append(row)
    for row in groups["published"].rows:
        row.live_url = _live_url(row.item)
    # Last worked on first. (Not by id: stories and galleries count their
    # ids apart, so ids say nothing about which came first across them.)
    groups["drafts"].rows.sort(
        key=lambda r: (r.item.updated_at, r.kind, r.item.pk), reverse=True
    )
    groups["sent_back"].rows.sort(
        key=lambda r: r.sent_back.at if r.sent_back else now, reverse=True
    )
    groups["in_review"].rows.sort(key=lambda r: r.submitted.at if r.submitted else now)
    groups["scheduled"].rows.sort(key=lambda r: r.item.published_at)
    groups["published"].rows.sort(key=lambda r: r.item.published_at, reverse=True)
    return list(groups.values())


def new_links(user) -> list[tuple[str, str]]:
    """(label, address) of each "new" button the user may press."""
    links = []
    for model in registry.models():
        opts = model._meta
        if user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            adapter = registry.adapter_for(model)
            label = adapter.add_label or f"New {opts.verbose_name}"
            links.append(
                (label, reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
            )
    # A content type that words its button ("Write a new story") is the
    # newsroom's main work: its button comes first.
    labelled = {registry.adapter_for(m).add_label for m in registry.models()}
    links.sort(key=lambda link: link[0] not in labelled)
    return links


def calendar_links(user) -> list[tuple[str, str]]:
    """(label, address) of the week's calendar of each content type the user
    may see."""
    return [
        (
            f"Calendar of {model._meta.verbose_name_plural}",
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_calendar"),
        )
        for model in registry.models()
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]


def is_writer(user) -> bool:
    """Whether the user writes: may add some publishable content type."""
    return bool(new_links(user))


def index(request, site):
    """The admin's front page: the desk for editors, "My stories" for writers
    (and for an editor with work of their own in progress), Django's own index
    for staff with neither role. The list of everything in the admin stays
    below."""
    user = request.user
    editor = bool(reviewers_models(user))
    writer = is_writer(user)
    if not (editor or writer):
        return site.index(request)
    mine = my_stories(user)
    show_mine = writer and not editor or any(group.rows for group in mine)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "workflow/admin/desk.html",
        {
            **site.each_context(request),
            "title": "The desk" if editor else "My stories",
            "subtitle": None,
            "app_list": site.get_app_list(request),
            "editor": editor,
            "queue": review_queue(user) if editor else [],
            "approved": review_queue(user, state=State.APPROVED) if editor else [],
            "schedule": todays_schedule(user) if editor else [],
            "panels": desk_panels(request) if editor else [],
            "today": today,
            "show_mine": show_mine,
            "mine": mine,
            "new_links": new_links(user),
            "calendar_links": calendar_links(user),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )

"""A topic hub per entity: key facts, its latest public stories (and those
about what belongs to it), related entities, upcoming launches, feeds and
JSON-LD. The stories are `Article.objects.public()`: the one public rule."""

import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, Section
from articles.views import STORIES_PER_PAGE
from core.cache import cached_page, card_keys, depends_on
from media_library.structured_data import script

from . import structured_data
from .models import KINDS, Launch, Milestone, Slip

UPCOMING = 5
# The past milestones a hub lists among its key facts, newest first.
PAST_MILESTONES = 10
# What a hub's page depends on besides its story cards: any story change
# (newsroom.signals purges list:feeds with every list of stories) and any
# change to the space desk (space.signals).
HUB_KEYS = ("list:feeds", "list:space")


def get_entity(kind: str, slug: str):
    """The entity with its own links (pad, mission...) loaded, or 404."""
    model = KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of entity.")
    links = [f.name for f in model._meta.fields if f.is_relation]
    return get_object_or_404(model.objects.select_related(*links), slug=slug)


def hub_stories(entity):
    """The public stories about `entity` or what belongs to it, newest first,
    as cards; a subquery keeps a story linked twice listed once."""
    about = Article.objects.filter(entity.story_q()).values("pk")
    return Article.objects.public().filter(pk__in=about)


@cached_page
def hub(request, kind, slug):
    entity = get_entity(kind, slug)
    stories = hub_stories(entity)
    page_obj = Paginator(
        stories.with_card_relations().newest_first(), STORIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    now = timezone.now()
    launches_q = entity.launches_q()
    upcoming = (
        list(
            Launch.objects.filter(launches_q)
            .upcoming(now)
            .distinct()
            .select_related("pad", "vehicle")[:UPCOMING]
        )
        if launches_q is not None
        else []
    )
    milestones_q = entity.milestones_q()
    coming, passed = [], []
    if milestones_q is not None:
        # Two queries, each bounded, however many milestones.
        found = Milestone.objects.filter(milestones_q).select_related(
            "mission__target", "place"
        )
        coming = list(found.upcoming(now)[:UPCOMING])
        passed = list(found.past(now)[:PAST_MILESTONES])
    if isinstance(entity, Launch):
        # Its time changes, for the page and its JSON-LD: one query.
        prefetch_related_objects([entity], "slips")
    launch_time = when(entity) if isinstance(entity, Launch) else None
    events = sorted(
        [
            {"launch": launch, "at": launch.net, "iso": iso(launch.net)}
            for launch in upcoming
        ]
        + [milestone_event(m, entity, now) for m in coming],
        key=lambda event: event["at"],
    )
    response = render(
        request,
        "space/hub.html",
        {
            "launch_time": launch_time,
            # The launch calendar, on a launch's hub and wherever launches
            # are coming up.
            "calendar": launch_time is not None or bool(upcoming),
            "entity": entity,
            "kind": kind,
            "kind_label": entity._meta.verbose_name,
            "facts": entity.facts(),
            "milestone_facts": [milestone_event(m, entity, now) for m in passed],
            "related_groups": entity.related_groups(),
            "upcoming": upcoming,
            "events": events,
            "reader_times": launch_time is not None
            or any(event.get("reader_time") for event in events),
            "page_obj": page_obj,
            "story_count": page_obj.paginator.count,
            "sections": Section.objects.all(),
            "jsonld": script(structured_data.hub(request, entity, milestones=coming)),
            "canonical_url": request.build_absolute_uri(entity.get_absolute_url()),
        },
    )
    return depends_on(response, *HUB_KEYS, *card_keys(page_obj))


# --- A launch's time -------------------------------------------------------------


def countdown(seconds: float) -> str:
    """ "in 2 days, 4 hours and 12 minutes": the words space/static/space/
    countdown.js writes too (keep the two alike)."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "in less than a minute"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    return "in " + (
        ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    )


def iso(moment: dt.datetime) -> str:
    """For <time datetime>: UTC to the second ("2026-03-03T14:02:00Z")."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_text(moment: dt.datetime, now: dt.datetime) -> str:
    """ "3 March 14:02 UTC", with the year when it is not this one."""
    moment = moment.astimezone(dt.UTC)
    fmt = "j F H:i" if moment.year == now.year else "j F Y, H:i"
    return f"{date_format(moment, fmt)} UTC"


def local_text(moment: dt.datetime) -> str:
    """In the newsroom's time zone (settings.TIME_ZONE), with the zone's
    abbreviation: "3 March 2026, 09:02 EST"."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'j F Y, H:i')} {local.tzname()}"


# --- A mission's milestones ------------------------------------------------------


def milestone_time(milestone: Milestone) -> str:
    """As much of its time as is known: "18 February 2021, 15:55 EST (20:55
    UTC)" to the minute (the newsroom's zone first, as a launch's time), else
    the day, month or year in the newsroom's zone, where the editor gave it."""
    local = timezone.localtime(milestone.at)
    match milestone.precision:
        case Milestone.Precision.DAY:
            return date_format(local, "j F Y")
        case Milestone.Precision.MONTH:
            return date_format(local, "F Y")
        case Milestone.Precision.YEAR:
            return str(local.year)
    return f"{local_text(milestone.at)} ({milestone.at.astimezone(dt.UTC):%H:%M} UTC)"


def milestone_event(milestone: Milestone, entity, now: dt.datetime) -> dict:
    """What a hub says of a milestone: upcoming, "Mars 2020: Landing at Jezero
    Crater, 18 February 2027, ..."; past, a key fact "Landed" / "18 February
    2021 at Jezero Crater". The mission and the place are named, and linked,
    unless the hub is theirs."""
    mission = milestone.mission
    own = entity == mission or getattr(entity, "mission_id", None) == mission.pk
    past = milestone.at <= now
    title = milestone.past_title if past else milestone.title
    if not own:
        title = (
            f"{mission}: {title}"
            if milestone.name or not past
            else f"{mission} {title[0].lower()}{title[1:]}"
        )
    place = milestone.place if milestone.place != entity else None
    return {
        "at": milestone.at,
        "title": title,
        "mission": None if own else mission,
        "place": place,
        "when": milestone_time(milestone),
        "iso": milestone.reduced_iso() or iso(milestone.at),
        # The reader's own zone, where the time is known to the minute.
        "reader_time": milestone.precision == Milestone.Precision.MINUTE,
    }


def slip_text(slip: Slip, now: dt.datetime) -> str:
    return (
        f"Moved from {utc_text(slip.from_net, now).removesuffix(' UTC')}"
        f" to {utc_text(slip.to_net, now)}"
    )


def when(launch: Launch) -> dict:
    """What the hub says about a launch's time: its countdown (server-rendered;
    countdown.js ticks it), the time in the newsroom's zone and in UTC, the
    window, and its time changes, newest first, in plain words (one query)."""
    now = timezone.now()
    left = (launch.net - now).total_seconds()
    if launch.status in Launch.OUTCOMES:
        left = 0  # it flew: no countdown, whatever the time said
    return {
        "upcoming": left > 0,
        "countdown": countdown(left) if left > 0 else "",
        "as_of": local_text(now),
        "net_iso": iso(launch.net),
        "net_local": local_text(launch.net),
        "net_utc": utc_text(launch.net, now),
        "time_zone": settings.TIME_ZONE,
        "window": (
            (local_text(launch.window_start), local_text(launch.window_end))
            if launch.window_start and launch.window_end
            else None
        ),
        "slips": [
            {
                "text": slip_text(slip, now),
                "later": slip.to_net > slip.from_net,
                "noticed": utc_text(slip.noticed_at, now),
                "noticed_iso": iso(slip.noticed_at),
                "source": slip.get_source_display(),
            }
            for slip in launch.slips.all()
        ],
    }

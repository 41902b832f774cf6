"""schema.org JSON-LD for the hubs, built from what the view loaded, and the
entities a story is about, added to its NewsArticle (`story_entities`, one
query, registered with articles.structured_data.extend_story in
SpaceConfig.ready()).

What a story names, and how (the same rule as the hubs: `hub_lookups`):
- `about`: the entities the story is linked to, the ones an editor picked;
- `mentions`: the entities whose hubs list the story through what it is linked
  to (a linked spacecraft's mission, a linked place's world, the world a linked
  mission goes to...), after the embeds the body already names there.
Each is a schema.org Thing of the fitting type (TYPES), named by its hub's
address (`url`) and by its Wikidata item (`sameAs`) when it has one.
"""

import functools

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, Value

from articles.models import Article
from media_library.structured_data import iso

from .models import (
    KINDS,
    CelestialBody,
    Launch,
    LaunchProvider,
    LaunchVehicle,
    Milestone,
    Mission,
    Place,
    Spacecraft,
)

SCHEMA = "https://schema.org/"

# A launch's status as a schema.org EventStatusType. schema.org has no "it
# happened and went well or badly": an event that took place at its time is
# EventScheduled, so Success, Failure and Partial Failure all map there (the
# outcome is in the status text and the stories). A launch with no firm time
# (TBD, To Be Confirmed) or on Hold is EventPostponed: that is schema.org's
# word for "will happen, time unknown". Go is EventScheduled, or
# EventRescheduled once its time has moved (`launch_status`), with the earlier
# times as previousStartDate. Nothing maps to EventCancelled: there is no
# cancelled status (Launch Library 2 drops a cancelled launch from its list).
EVENT_STATUS = {
    Launch.Status.GO: "EventScheduled",
    Launch.Status.TBD: "EventPostponed",
    Launch.Status.TBC: "EventPostponed",
    Launch.Status.HOLD: "EventPostponed",
    Launch.Status.SUCCESS: "EventScheduled",
    Launch.Status.FAILURE: "EventScheduled",
    Launch.Status.PARTIAL_FAILURE: "EventScheduled",
}

# schema.org's type of each kind. A launch happens at a time: an Event. A pad
# and a world are where things are: Place ("entities that have a somewhat
# fixed, physical extension"). A spacecraft and a launch vehicle are made
# things: Product (Vehicle is for road vehicles, with their properties). A
# provider is an Organization. A mission has no better type than Thing
# (Project is an Organization, and Event would claim dates we do not keep).
TYPES = {
    Launch: "Event",
    Place: "Place",
    CelestialBody: "Place",
    Mission: "Thing",
    Spacecraft: "Product",
    LaunchVehicle: "Product",
    LaunchProvider: "Organization",
}


def thing(request, entity) -> dict:
    """An entity named by its hub's address, with its Wikidata item as sameAs."""
    data = {
        "@type": TYPES.get(type(entity), "Thing"),
        "name": entity.name,
        "url": request.build_absolute_uri(entity.get_absolute_url()),
    }
    if entity.wikidata_url:
        data["sameAs"] = entity.wikidata_url
    return data


def launch_status(launch: Launch, slips: list) -> str:
    """Its EventStatusType: a Go launch whose time has moved is rescheduled."""
    status = EVENT_STATUS[launch.status]
    if status == "EventScheduled" and slips and launch.status not in Launch.OUTCOMES:
        return "EventRescheduled"
    return status


def milestone_event(request, milestone: Milestone) -> dict:
    """An upcoming milestone as a schema.org Event about its mission, where it
    happens (its place, else the world the mission goes to): schema.org's
    Event needs no more than a name, a start and a location."""
    mission = milestone.mission
    data = {
        "@type": "Event",
        "name": f"{mission}: {milestone.title}",
        "startDate": milestone.reduced_iso() or iso(milestone.at),
        "eventStatus": SCHEMA + "EventScheduled",
        "about": thing(request, mission),
        "url": request.build_absolute_uri(mission.get_absolute_url()),
    }
    where = milestone.place or mission.target
    if where is not None:
        data["location"] = thing(request, where)
    return data


def hub(request, entity, *, milestones=()) -> dict:
    """`milestones`: the upcoming ones the view loaded (with their mission, its
    target and their place), each an Event: a place's and a world's `event`,
    what another entity is the `subjectOf`."""
    data = {"@context": "https://schema.org", **thing(request, entity)}
    if entity.description:
        data["description"] = entity.description
    if milestones:
        events = [milestone_event(request, m) for m in milestones]
        data["event" if data["@type"] == "Place" else "subjectOf"] = events
    if isinstance(entity, Launch):
        data["startDate"] = iso(entity.net)
        # The time changes the hub's view loaded (no query here).
        slips = list(entity.slips.all())
        data["eventStatus"] = SCHEMA + launch_status(entity, slips)
        if slips:
            data["previousStartDate"] = [iso(slip.from_net) for slip in slips]
        data["eventAttendanceMode"] = SCHEMA + "OnlineEventAttendanceMode"
        if entity.pad:
            data["location"] = thing(request, entity.pad)
        else:
            data["location"] = {"@type": "VirtualLocation", "url": data["url"]}
        if entity.provider:
            data["organizer"] = {
                "@type": "Organization",
                "name": entity.provider.name,
                "url": request.build_absolute_uri(entity.provider.get_absolute_url()),
            }
    return data


# --- The entities a story is about --------------------------------------------


@functools.cache
def hub_lookups(model) -> tuple[str, ...]:
    """The Article lookups that put a story on a hub of `model`, the first its
    direct link: read from `model.story_q()`, the hubs' own rule, so the story
    page, the sitemap and the hubs cannot disagree. story_q must stay an OR of
    `lookup=self` terms; anything else is refused here (a test reads every
    kind)."""
    probe = model()
    direct = model._meta.get_field("stories").related_query_name()
    found = []

    def walk(q):
        if q.negated or (len(q.children) > 1 and q.connector != Q.OR):
            raise ImproperlyConfigured(f"{model.__name__}.story_q is not an OR.")
        for child in q.children:
            if isinstance(child, Q):
                walk(child)
            elif child[1] is probe:
                found.append(child[0])
            else:
                raise ImproperlyConfigured(
                    f"{model.__name__}.story_q compares {child[0]} to something "
                    "other than the entity."
                )

    walk(probe.story_q())
    if direct not in found:
        raise ImproperlyConfigured(f"{model.__name__}.story_q leaves out its links.")
    found.remove(direct)
    return (direct, *found)


def story_entities(article) -> tuple[list, list]:
    """(about, mentions) of `article`: the entities it is linked to, and the
    others whose hubs list it, each list in KINDS order then by name. One
    query, a UNION ALL of one SELECT per kind and lookup, whatever the
    story's state (entities are public; a preview shows the same)."""
    if article.pk is None:
        return [], []
    this = Article.objects.filter(pk=article.pk)
    parts = [
        model.objects.filter(pk__in=this.values(lookup))
        .annotate(entity_kind=Value(kind), direct=Value(n == 0))
        .order_by()
        .values_list("entity_kind", "direct", "pk", "name", "slug", "wikidata_id")
        for kind, model in KINDS.items()
        for n, lookup in enumerate(hub_lookups(model))
    ]
    rows = parts[0].union(*parts[1:], all=True)
    order = list(KINDS)
    about, mentions = {}, {}
    for kind, direct, pk, name, slug, wikidata_id in rows:
        entity = KINDS[kind](pk=pk, name=name, slug=slug, wikidata_id=wikidata_id)
        (about if direct else mentions)[kind, pk] = entity

    def listed(found):
        return sorted(
            found.values(),
            key=lambda e: (order.index(e.kind), e.name.casefold(), e.pk),
        )

    return listed(about), listed(
        {key: e for key, e in mentions.items() if key not in about}
    )


def story_about(request, article, data: dict) -> None:
    """articles.structured_data.extend_story: the story's `about` and the
    `mentions` its links imply (see the module's docstring)."""
    about, mentions = story_entities(article)
    if about:
        data["about"] = [thing(request, entity) for entity in about]
    if mentions:
        data["mentions"] = [
            *data.get("mentions", []),
            *(thing(request, entity) for entity in mentions),
        ]

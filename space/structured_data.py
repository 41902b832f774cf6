"""schema.org JSON-LD for the hubs and for the entities a story is about,
built from what the view loaded (no queries of its own)."""

from media_library.structured_data import iso

from .models import CelestialBody, Launch, Mission, Place, Spacecraft

SCHEMA = "https://schema.org/"

# A launch's status as a schema.org EventStatusType. schema.org has no "it
# happened and went well or badly": an event that took place at its time is
# EventScheduled, so Success, Failure and Partial Failure all map there (the
# outcome is in the status text and the stories). A launch with no firm time
# (TBD, To Be Confirmed) or on Hold is EventPostponed: that is schema.org's
# word for "will happen, time unknown". Go is EventScheduled. Nothing maps to
# EventCancelled or EventRescheduled yet: a cancelled status and the slip
# history are later parts of issue 16.
EVENT_STATUS = {
    Launch.Status.GO: "EventScheduled",
    Launch.Status.TBD: "EventPostponed",
    Launch.Status.TBC: "EventPostponed",
    Launch.Status.HOLD: "EventPostponed",
    Launch.Status.SUCCESS: "EventScheduled",
    Launch.Status.FAILURE: "EventScheduled",
    Launch.Status.PARTIAL_FAILURE: "EventScheduled",
}

TYPES = {
    Launch: "Event",
    Place: "Place",
    CelestialBody: "Place",
    Mission: "Thing",
    Spacecraft: "Product",
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


def hub(request, entity) -> dict:
    data = {"@context": "https://schema.org", **thing(request, entity)}
    if entity.description:
        data["description"] = entity.description
    if isinstance(entity, Launch):
        data["startDate"] = iso(entity.net)
        data["eventStatus"] = SCHEMA + EVENT_STATUS[entity.status]
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

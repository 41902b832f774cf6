"""A mission's milestones (a landing, an orbit insertion...): edited inline on
the mission's admin page; upcoming, they are the hubs' upcoming events (with
the launches) and Events in the JSON-LD; past, key facts ("Landed 18 February
2021 at Jezero Crater"), on the mission's hub and those of its spacecraft, the
place and the world it goes to."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from space.models import Milestone
from tests.factories import (
    CelestialBodyFactory,
    LaunchProviderFactory,
    MissionFactory,
    PlaceFactory,
    SpacecraftFactory,
)

MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
LANDED = dt.datetime(2021, 2, 18, 20, 55, tzinfo=dt.UTC)
ARRIVES = dt.datetime(2026, 6, 10, 3, 30, tzinfo=dt.UTC)


@pytest.fixture
def pinned(monkeypatch, settings):
    settings.TIME_ZONE = "America/New_York"
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    return MOMENT


@pytest.fixture
def mars2020(pinned):
    mars = CelestialBodyFactory(name="Mars", slug="mars", wikidata_id="Q111")
    jezero = PlaceFactory(name="Jezero Crater", slug="jezero-crater", body=mars)
    mission = MissionFactory(name="Mars 2020", slug="mars-2020", target=mars)
    rover = SpacecraftFactory(name="Perseverance", slug="perseverance", mission=mission)
    landing = Milestone.objects.create(
        mission=mission, kind=Milestone.Kind.LANDING, at=LANDED, place=jezero
    )
    return {
        "mission": mission,
        "rover": rover,
        "place": jezero,
        "body": mars,
        "landing": landing,
    }


@pytest.fixture
def upcoming(mars2020):
    """An upcoming orbit insertion of another mission to Mars, elsewhere."""
    orbiter = MissionFactory(
        name="Mars Sample Orbiter", slug="mso", target=mars2020["body"]
    )
    return Milestone.objects.create(
        mission=orbiter, kind=Milestone.Kind.ORBIT_INSERTION, at=ARRIVES
    )


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def jsonld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_a_past_landing_is_a_key_fact_on_each_of_its_hubs(client, mars2020):
    words = {
        "mission": "Landed 18 February 2021, 15:55 EST (20:55 UTC) at Jezero Crater",
        "rover": "Landed 18 February 2021, 15:55 EST (20:55 UTC) at Jezero Crater",
        "place": "Mars 2020 landed 18 February 2021, 15:55 EST (20:55 UTC)",
        "body": "Mars 2020 landed 18 February 2021, 15:55 EST (20:55 UTC) at "
        "Jezero Crater",
    }
    for key, expected in words.items():
        html = client.get(mars2020[key].get_absolute_url()).text
        facts = html[
            html.index('id="facts"') : html.index(
                "</section>", html.index('id="facts"')
            )
        ]
        assert expected in text(facts), key
        assert 'datetime="2021-02-18T20:55:00Z"' in facts
        assert "Upcoming events" not in html  # it is past
        # No Event for what has happened.
        data = jsonld(html)
        assert "subjectOf" not in data and "event" not in data


@pytest.mark.django_db
def test_the_place_and_mission_are_linked_unless_the_hub_is_theirs(client, mars2020):
    place_url = mars2020["place"].get_absolute_url()
    mission_url = mars2020["mission"].get_absolute_url()
    html = client.get(mars2020["body"].get_absolute_url()).text
    assert f'<a href="{mission_url}">Mars 2020 landed</a>' in html
    assert f'at <a href="{place_url}">Jezero Crater</a>' in html
    html = client.get(mars2020["place"].get_absolute_url()).text
    assert "at <a" not in html[html.index('id="facts"') :].split("</section>")[0]


@pytest.mark.django_db
def test_an_upcoming_milestone_is_an_upcoming_event_with_the_launches(
    client, mars2020, upcoming
):
    html = client.get(mars2020["body"].get_absolute_url()).text
    events = html[html.index('id="upcoming"') :].split("</section>")[0]
    assert (
        "Mars Sample Orbiter: Orbit insertion, 9 June 2026, 23:30 EDT (03:30 UTC)"
        in text(events)
    )
    # The reader's own zone, filled in by countdown.js.
    assert '<span data-reader-time="2026-06-10T03:30:00Z" hidden>' in events
    assert "space/countdown.js" in html
    # Not a key fact until it happened.
    assert (
        "Orbit insertion"
        not in html[html.index('id="facts"') : html.index('id="upcoming"')]
    )
    # The mission of a spacecraft elsewhere does not show it.
    assert (
        "Orbit insertion" not in client.get(mars2020["rover"].get_absolute_url()).text
    )


@pytest.mark.django_db
def test_a_milestone_known_to_the_day_shows_the_day_only(
    client, mars2020, upcoming, django_capture_on_commit_callbacks
):
    upcoming.precision = Milestone.Precision.DAY
    with django_capture_on_commit_callbacks(execute=True):
        upcoming.save()
    html = client.get(upcoming.mission.get_absolute_url()).text
    assert "Orbit insertion, 9 June 2026" in text(html)
    assert '<time datetime="2026-06-09">9 June 2026</time>' in html
    assert "23:30" not in html and "data-reader-time" not in html
    (event,) = jsonld(html)["subjectOf"]
    assert event["startDate"] == "2026-06-09"
    upcoming.precision = Milestone.Precision.MONTH
    with django_capture_on_commit_callbacks(execute=True):
        upcoming.save()
    html = client.get(upcoming.mission.get_absolute_url()).text
    assert "Orbit insertion, June 2026" in text(html)
    assert jsonld(html)["subjectOf"][0]["startDate"] == "2026-06"


@pytest.mark.django_db
def test_upcoming_milestones_are_events_in_the_jsonld(client, mars2020, upcoming):
    mission = jsonld(client.get(upcoming.mission.get_absolute_url()).text)
    (event,) = mission["subjectOf"]
    assert event["@type"] == "Event"
    assert event["name"] == "Mars Sample Orbiter: Orbit insertion"
    assert event["startDate"] == "2026-06-09T23:30:00-04:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["about"]["name"] == "Mars Sample Orbiter"
    # No place given: where it happens is the world the mission goes to.
    assert event["location"]["@type"] == "Place"
    assert event["location"]["sameAs"] == "https://www.wikidata.org/wiki/Q111"
    # A world (a schema.org Place) lists it as its `event`.
    body = jsonld(client.get(mars2020["body"].get_absolute_url()).text)
    assert [e["name"] for e in body["event"]] == [
        "Mars Sample Orbiter: Orbit insertion"
    ]


@pytest.mark.django_db
def test_other_entities_have_no_milestones(client, mars2020):
    provider = LaunchProviderFactory()
    html = client.get(provider.get_absolute_url()).text
    assert "Landed" not in html


@pytest.mark.django_db
def test_a_new_milestone_shows_on_a_cached_hub(
    client, mars2020, django_capture_on_commit_callbacks
):
    url = mars2020["mission"].get_absolute_url()
    assert "Orbit insertion" not in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        Milestone.objects.create(
            mission=mars2020["mission"], kind=Milestone.Kind.ORBIT_INSERTION, at=ARRIVES
        )
    assert "Orbit insertion" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        Milestone.objects.filter(kind=Milestone.Kind.ORBIT_INSERTION).delete()
    assert "Orbit insertion" not in client.get(url).text


# --- The mission's admin page ------------------------------------------------------


def mission_form(mission, *rows) -> dict:
    data = {
        "name": mission.name,
        "slug": mission.slug,
        "description": "",
        "wikidata_id": "",
        "target": mission.target_id or "",
        "launch": "",
        "milestones-TOTAL_FORMS": str(len(rows)),
        "milestones-INITIAL_FORMS": "0",
    }
    for n, row in enumerate(rows):
        data |= {f"milestones-{n}-{name}": value for name, value in row.items()}
    return data


def row(**changes) -> dict:
    return {
        "kind": "landing",
        "name": "",
        "at": "2027-02-18T15:55",
        "precision": "minute",
        "place": "",
        **changes,
    }


@pytest.mark.django_db
def test_an_editor_adds_a_landing_in_newsroom_time(client, editor, pinned):
    mission = MissionFactory(name="Mars 2030", slug="mars-2030")
    jezero = PlaceFactory(name="Jezero Crater")
    client.force_login(editor)
    url = reverse("admin:space_mission_change", args=[mission.pk])
    page = client.get(url).text
    assert 'type="datetime-local" name="milestones-__prefix__-at"' in page
    assert "In the newsroom&#x27;s time zone, America/New_York." in page
    response = client.post(url, mission_form(mission, row(place=jezero.pk)))
    assert response.status_code == 302
    (landing,) = mission.milestones.all()
    # 15:55 in New York in February is 20:55 UTC.
    assert landing.at == dt.datetime(2027, 2, 18, 20, 55, tzinfo=dt.UTC)
    assert (landing.kind, landing.place) == (Milestone.Kind.LANDING, jezero)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "other"}, "Name a milestone of the kind “Other”."),
        ({"at": "18/02/2027 3pm"}, "Enter a valid date/time."),
        # 02:30 on 14 March 2027 does not exist in New York (clocks go forward).
        ({"at": "2027-03-14T02:30"}, "couldn’t be interpreted in time zone"),
    ],
)
def test_a_bad_milestone_is_refused_with_its_reason(
    client, editor, pinned, changes, message
):
    mission = MissionFactory(name="Mars 2030", slug="mars-2030")
    client.force_login(editor)
    url = reverse("admin:space_mission_change", args=[mission.pk])
    response = client.post(url, mission_form(mission, row(**changes)))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_a_writer_adds_no_milestone(client, writer, pinned):
    mission = MissionFactory(name="Mars 2030", slug="mars-2030")
    client.force_login(writer)
    url = reverse("admin:space_mission_change", args=[mission.pk])
    response = client.post(url, mission_form(mission, row()))
    assert response.status_code == 403
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_the_milestone_place_is_found_by_autocomplete(client, editor, mars2020):
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "space",
            "model_name": "milestone",
            "field_name": "place",
            "term": "Jez",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Jezero Crater"]

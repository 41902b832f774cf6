"""Topic hubs: what they show, in a fixed number of queries, only public
stories (the one public rule), their feeds and their JSON-LD."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from articles.models import Status
from space.models import KINDS, Launch, Milestone
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CelestialBodyFactory,
    LaunchFactory,
    LaunchProviderFactory,
    LaunchVehicleFactory,
    MissionFactory,
    PlaceFactory,
    SpacecraftFactory,
)


def jsonld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S
    )
    return json.loads(found.group(1))


@pytest.fixture
def mars2020(now):
    mars = CelestialBodyFactory(name="Mars", slug="mars", wikidata_id="Q111")
    mission = MissionFactory(name="Mars 2020", slug="mars-2020", target=mars)
    rover = SpacecraftFactory(
        name="Perseverance",
        slug="perseverance",
        mission=mission,
        cospar_id="2020-052A",
        norad_id=45983,
    )
    return mission, rover, mars


def story(now, *, status=Status.PUBLISHED, hours_ago=1, **kwargs):
    return ArticleFactory(
        status=status, published_at=now - timedelta(hours=hours_ago), **kwargs
    )


@pytest.mark.django_db
def test_mission_hub_lists_its_stories_and_its_spacecraft(client, now, mars2020):
    mission, rover, mars = mars2020
    about_mission = story(now, headline="Mars 2020 is go")
    about_rover = story(now, headline="Perseverance drives", hours_ago=2)
    elsewhere = story(now, headline="Nothing about Mars")
    mission.stories.add(about_mission)
    rover.stories.add(about_rover)

    response = client.get(mission.get_absolute_url())

    assert response.status_code == 200
    assert response.text.index("Mars 2020 is go") < response.text.index(
        "Perseverance drives"
    )
    assert "Nothing about Mars" not in response.text
    assert elsewhere.headline not in response.text
    assert 'Stories <span class="count">(2)</span>' in response.text
    assert f'href="{rover.get_absolute_url()}"' in response.text
    assert f'href="{mars.get_absolute_url()}"' in response.text


@pytest.mark.django_db
def test_spacecraft_hub_shows_its_identifiers_as_links(client, now, mars2020):
    _, rover, _ = mars2020
    rover.wikidata_id = "Q87749354"
    rover.save()
    response = client.get(rover.get_absolute_url())
    assert "2020-052A" in response.text
    assert "45983" in response.text
    assert 'href="https://www.wikidata.org/wiki/Q87749354"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED, Status.UNPUBLISHED],
)
def test_unpublished_and_scheduled_stories_are_absent(client, now, mars2020, status):
    mission, rover, _ = mars2020
    public = story(now, headline="The public one")
    hidden = story(now, status=status, headline="The hidden one")
    if status == Status.SCHEDULED:
        hidden.published_at = now + timedelta(hours=1)
        hidden.save()
    rover.stories.add(public, hidden)
    mission.stories.add(hidden)

    for page in (mission, rover):
        url = page.get_absolute_url()
        html = client.get(url).text
        assert "The public one" in html
        assert "The hidden one" not in html
        assert 'Stories <span class="count">(1)</span>' in html
        for feed in ("space:hub_rss", "space:hub_atom"):
            text = client.get(reverse(feed, args=[page.kind, page.slug])).text
            assert "The public one" in text
            assert "The hidden one" not in text


@pytest.mark.django_db
def test_a_scheduled_story_appears_at_its_minute(client, now, mars2020, monkeypatch):
    _, rover, _ = mars2020
    rover.stories.add(
        ArticleFactory(
            status=Status.SCHEDULED,
            published_at=now + timedelta(minutes=5),
            headline="Landing day",
        )
    )
    assert "Landing day" not in client.get(rover.get_absolute_url()).text
    from django.utils import timezone

    later = now + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Landing day" in client.get(rover.get_absolute_url()).text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(KINDS))
def test_hub_queries_are_fixed(client, now, kind, django_assert_max_num_queries):
    mars = CelestialBodyFactory()
    provider = LaunchProviderFactory()
    vehicle = LaunchVehicleFactory(provider=provider)
    pad = PlaceFactory(body=mars)
    launch = LaunchFactory(vehicle=vehicle, provider=provider, pad=pad)
    mission = MissionFactory(target=mars, launch=launch)
    rovers = SpacecraftFactory.create_batch(3, mission=mission)
    entities = {
        "body": mars,
        "place": pad,
        "provider": provider,
        "vehicle": vehicle,
        "launch": launch,
        "mission": mission,
        "spacecraft": rovers[0],
    }
    # Milestones past and upcoming, at the place: on the mission's hubs, the
    # place's and the world's, in the same number of queries however many.
    for n in range(1, 4):
        for sign in (-1, 1):
            Milestone.objects.create(
                mission=mission, at=now + sign * timedelta(days=30 * n), place=pad
            )
    entity = entities[kind]
    for i in range(8):
        s = story(now, hours_ago=i + 1, authors=[AuthorFactory(), AuthorFactory()])
        entity.stories.add(s)
    url = entity.get_absolute_url()
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('class="card') >= 8
    if kind in ("body", "place", "mission", "spacecraft"):
        assert response.text.count("Landing") == 3 * 2  # the page and JSON-LD
        assert response.text.count("anded") == 3  # Landed, ... landed


@pytest.mark.django_db
def test_upcoming_launches_on_a_vehicle_hub(client, now):
    vehicle = LaunchVehicleFactory(name="Atlas V")
    LaunchFactory(vehicle=vehicle, name="Next one", net=now + timedelta(days=2))
    LaunchFactory(vehicle=vehicle, name="Gone one", net=now - timedelta(days=2))
    html = client.get(vehicle.get_absolute_url()).text
    assert "Upcoming events" in html
    # To the second, in UTC, as a launch's own page writes it (Django's "c"
    # would write microseconds, which HTML's <time> refuses).
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', html)
    assert "Next one" in html
    assert "Gone one" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Launch.Status.GO, "EventScheduled"),
        (Launch.Status.TBD, "EventPostponed"),
        (Launch.Status.TBC, "EventPostponed"),
        (Launch.Status.HOLD, "EventPostponed"),
        (Launch.Status.SUCCESS, "EventScheduled"),
        (Launch.Status.FAILURE, "EventScheduled"),
        (Launch.Status.PARTIAL_FAILURE, "EventScheduled"),
    ],
)
def test_launch_hub_jsonld_is_an_event(client, now, status, expected):
    pad = PlaceFactory(name="SLC-41", wikidata_id="Q1088046")
    launch = LaunchFactory(
        name="Atlas V | Mars 2020",
        status=status,
        net=now + timedelta(days=1),
        pad=pad,
        provider=LaunchProviderFactory(name="United Launch Alliance"),
        wikidata_id="Q12345",
    )
    data = jsonld(client.get(launch.get_absolute_url()))
    assert data["@type"] == "Event"
    assert data["name"] == "Atlas V | Mars 2020"
    assert data["eventStatus"] == f"https://schema.org/{expected}"
    assert data["sameAs"] == "https://www.wikidata.org/wiki/Q12345"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["sameAs"] == "https://www.wikidata.org/wiki/Q1088046"
    assert data["organizer"]["name"] == "United Launch Alliance"
    assert data["startDate"].startswith(str((now + timedelta(days=1)).year))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/space/mission/no-such-mission/",
        "/space/nonsense/mars/",
        "/space/mission/no-such-mission/rss/",
        "/space/nonsense/mars/atom/",
        "/space/mission/%E2%9C%93/",
        "/space/mission/" + "a" * 300 + "/",
    ],
)
def test_bad_addresses_are_404(client, path):
    CelestialBodyFactory(slug="mars")
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_new_link_or_name_shows_on_a_cached_hub(
    client, now, mars2020, django_capture_on_commit_callbacks
):
    _, rover, _ = mars2020
    s = story(now, headline="Perseverance lands")
    hub_before = client.get(rover.get_absolute_url()).text
    assert "Perseverance lands" not in hub_before
    with django_capture_on_commit_callbacks(execute=True):
        rover.stories.add(s)
    assert "Perseverance lands" in client.get(rover.get_absolute_url()).text
    rover.name = "Perseverance rover"
    with django_capture_on_commit_callbacks(execute=True):
        rover.save()
    assert "Perseverance rover" in client.get(rover.get_absolute_url()).text

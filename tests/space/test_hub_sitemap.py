"""The hubs in the sitemap (/sitemaps/space.xml): those listing a public story,
and every launch, dated by their newest public story (or a launch's latest time
change); an unpublished story neither adds a hub nor moves its date."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from space.models import Slip
from tests.factories import (
    ArticleFactory,
    CelestialBodyFactory,
    LaunchFactory,
    LaunchProviderFactory,
    LaunchVehicleFactory,
    MissionFactory,
    PlaceFactory,
    SpacecraftFactory,
)
from workflow.states import State

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NOW = dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)
SITE = "http://testserver"


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def hubs(client) -> dict[str, str | None]:
    response = client.get("/sitemaps/space.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.iterfind("sm:url", NS)
    }


def public(days_ago, **kwargs):
    return ArticleFactory(
        status=State.PUBLISHED, published_at=NOW - dt.timedelta(days=days_ago), **kwargs
    )


def hidden(now):
    """A story of each kind the public may not see, dated after every public one."""
    soon, just_now = now + dt.timedelta(hours=1), now - dt.timedelta(minutes=1)
    return [
        ArticleFactory(status=State.DRAFT),
        ArticleFactory(status=State.SCHEDULED, published_at=soon),
        ArticleFactory(status=State.PUBLISHED, published_at=soon),
        ArticleFactory(status=State.UNPUBLISHED, published_at=just_now),
        ArticleFactory(status=State.ARCHIVED, published_at=just_now),
    ]


@pytest.fixture
def mars2020():
    mars = CelestialBodyFactory(slug="mars")
    jezero = PlaceFactory(slug="jezero-crater", body=mars)
    mission = MissionFactory(slug="mars-2020", target=mars)
    rover = SpacecraftFactory(slug="perseverance", mission=mission)
    return mars, jezero, mission, rover


def test_hubs_with_public_stories_and_every_launch(client, now, mars2020):
    mars, jezero, mission, rover = mars2020
    rover.stories.add(public(3))
    jezero.stories.add(public(5, revised_at=NOW - dt.timedelta(days=1)))
    LaunchFactory(slug="atlas-v-mars-2020", net=NOW - dt.timedelta(days=400))
    empty = PlaceFactory(slug="empty-pad")
    LaunchVehicleFactory(slug="no-stories-rocket")
    assert hubs(client) == {
        # The mission through its rover, the world through both.
        f"{SITE}/space/mission/mars-2020/": "2024-03-07",
        f"{SITE}/space/spacecraft/perseverance/": "2024-03-07",
        # A launch with no story and no time change: listed, undated.
        f"{SITE}/space/launch/atlas-v-mars-2020/": None,
        # Revised after it was published: the later time.
        f"{SITE}/space/place/jezero-crater/": "2024-03-09",
        f"{SITE}/space/body/mars/": "2024-03-09",
    }
    assert empty.get_absolute_url() not in str(hubs(client))


def test_unpublished_stories_neither_add_a_hub_nor_move_its_date(client, now, mars2020):
    mars, jezero, mission, rover = mars2020
    rover.stories.add(public(3))
    before = hubs(client)
    vehicle = LaunchVehicleFactory(slug="only-drafts", provider=None)
    for story in hidden(now):
        rover.stories.add(story)
        vehicle.stories.add(story)
        mars.stories.add(story)
    assert hubs(client) == before
    # The pair: one of them published now adds the vehicle and moves the date.
    story = ArticleFactory(status=State.PUBLISHED, published_at=NOW)
    vehicle.stories.add(story)
    rover.stories.add(story)
    after = hubs(client)
    assert after[f"{SITE}/space/vehicle/only-drafts/"] == "2024-03-10"
    assert after[f"{SITE}/space/spacecraft/perseverance/"] == "2024-03-10"


def test_a_launch_is_dated_by_its_latest_time_change(client, now):
    launch = LaunchFactory(slug="slipping", net=NOW + dt.timedelta(days=2))
    Slip.objects.create(
        launch=launch,
        from_net=NOW + dt.timedelta(days=1),
        to_net=NOW + dt.timedelta(days=2),
        noticed_at=NOW - dt.timedelta(days=4),
        source=Slip.Source.IMPORT,
    )
    assert hubs(client) == {f"{SITE}/space/launch/slipping/": "2024-03-06"}
    launch.stories.add(public(2))
    assert hubs(client) == {f"{SITE}/space/launch/slipping/": "2024-03-08"}


def test_a_provider_is_listed_through_its_vehicles_stories(client, now):
    ula = LaunchProviderFactory(slug="ula")
    LaunchVehicleFactory(slug="atlas-v-541", provider=ula).stories.add(public(1))
    assert set(hubs(client)) == {
        f"{SITE}/space/vehicle/atlas-v-541/",
        f"{SITE}/space/provider/ula/",
    }


def test_index_lists_the_space_sitemap(client, now, mars2020):
    mars2020[3].stories.add(public(2))
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    entries = {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in index.iterfind("sm:sitemap", NS)
    }
    assert entries[f"{SITE}/sitemaps/space.xml"].startswith("2024-03-08")


def test_space_sitemap_queries_are_fixed(
    client, now, mars2020, django_assert_max_num_queries
):
    mars, jezero, mission, rover = mars2020
    for n in range(10):
        story = public(n + 1)
        rover.stories.add(story)
        jezero.stories.add(story)
        LaunchFactory().stories.add(story)
    # The hubs' dates (one UNION ALL) and the launches.
    with django_assert_max_num_queries(2):
        assert len(hubs(client)) == 14  # 10 launches, rover, mission, crater, Mars

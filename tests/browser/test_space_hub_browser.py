"""A reader's look at the space desk's hubs: no accessibility violations (axe),
in light and dark mode."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Status
from space.models import Launch
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


@pytest.fixture
def hubs(transactional_db):
    earth = CelestialBodyFactory(name="Earth", slug="earth", wikidata_id="Q2")
    mars = CelestialBodyFactory(name="Mars", slug="mars", wikidata_id="Q111")
    pad = PlaceFactory(name="Space Launch Complex 41", slug="slc-41", body=earth)
    vehicle = LaunchVehicleFactory(
        name="Atlas V", slug="atlas-v", provider=LaunchProviderFactory(name="ULA")
    )
    launch = LaunchFactory(
        name="Atlas V | Next",
        slug="atlas-v-next",
        status=Launch.Status.GO,
        net=timezone.now() + timedelta(days=2),
        pad=pad,
        vehicle=vehicle,
    )
    mission = MissionFactory(name="Mars 2020", slug="mars-2020", target=mars)
    rover = SpacecraftFactory(
        name="Perseverance",
        slug="perseverance",
        mission=mission,
        cospar_id="2020-052A",
        norad_id=45983,
    )
    for n in range(3):
        story = ArticleFactory(
            status=Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=n + 1),
            authors=[AuthorFactory()],
        )
        rover.stories.add(story)
        launch.stories.add(story)
    return [mission, rover, launch, vehicle]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_hubs_have_no_accessibility_violations(page, hubs, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    for entity in hubs:
        page.goto(entity.get_absolute_url())
        assert page.locator("h1").inner_text() == entity.name
        assert axe(page) == [], entity.get_absolute_url()

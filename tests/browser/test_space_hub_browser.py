"""A reader's look at the space desk's hubs: no accessibility violations (axe),
in light and dark mode, with a mission's milestones (a past landing in the key
facts, an upcoming one among the events, in the reader's own zone)."""

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Status
from space.models import Launch, Milestone
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
    # To the second, as an editor's times are: a story card writes its
    # published_at's microseconds into <time datetime>, which the nu checker
    # refuses (more than three digits), a matter for the cards, not the hubs.
    now = timezone.now().replace(microsecond=0)
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
        net=now + timedelta(days=2),
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
    jezero = PlaceFactory(name="Jezero Crater", slug="jezero-crater", body=mars)
    Milestone.objects.create(
        mission=mission,
        at=dt.datetime(2021, 2, 18, 20, 55, tzinfo=dt.UTC),
        place=jezero,
    )
    sample = MissionFactory(name="Mars Sample Return", slug="msr", target=mars)
    Milestone.objects.create(
        mission=sample,
        kind=Milestone.Kind.ORBIT_INSERTION,
        at=now.replace(second=0) + timedelta(days=40),
    )
    for n in range(3):
        story = ArticleFactory(
            status=Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 1),
            authors=[AuthorFactory()],
        )
        rover.stories.add(story)
        launch.stories.add(story)
    return [mission, rover, launch, vehicle, jezero, mars]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_hubs_have_no_accessibility_violations(page, hubs, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    for entity in hubs:
        page.goto(entity.get_absolute_url())
        assert page.locator("h1").inner_text() == entity.name
        assert axe(page) == [], entity.get_absolute_url()


def test_an_upcoming_milestone_shows_in_the_readers_zone(
    browser, live_server, hubs, settings
):
    settings.TIME_ZONE = "America/New_York"  # the newsroom's, in the key fact
    mars = hubs[-1]
    at = Milestone.objects.get(kind=Milestone.Kind.ORBIT_INSERTION).at
    context = browser.new_context(
        base_url=live_server.url, timezone_id="Asia/Tokyo", locale="en-GB"
    )
    try:
        page = context.new_page()
        page.goto(mars.get_absolute_url())
        facts = page.locator("#facts + dl").inner_text()
        assert "Mars 2020 landed\n18 February 2021, 15:55 EST (20:55 UTC)" in facts
        reader = page.locator("#upcoming ~ ul [data-reader-time]")
        expect(reader).to_be_visible()
        tokyo = at.astimezone(dt.timezone(dt.timedelta(hours=9)))
        assert f"{tokyo:%H:%M}" in reader.inner_text()
        assert "Asia/Tokyo" in reader.inner_text()
    finally:
        context.close()


def test_the_mission_form_with_its_milestones_has_no_violations(page, axe, demo):
    """Where the milestones the hubs show are entered: the mission's admin
    page, its milestone rows (one labelled date and time box each) included."""
    from demo.content import EDITOR_PASSWORD
    from space.models import Mission
    from tests.browser.admin_login import log_in

    log_in(page, "editor", EDITOR_PASSWORD)
    mission = Mission.objects.get(slug="mars-2020")
    page.goto(f"/admin/space/mission/{mission.pk}/change/")
    when = page.get_by_role("textbox", name="When", exact=True)
    expect(when).to_have_value("2021-02-18T15:55")
    assert axe(page) == []


def test_a_hub_with_milestones_passes_the_nu_checker(page, hubs):
    """Its <time datetime> values (a reduced date for a milestone known to the
    day) and the reader's times filled in by script are valid HTML."""
    from tests.browser import html_check

    html_check.skip_unless_available()
    Milestone.objects.filter(kind=Milestone.Kind.LANDING).update(
        precision=Milestone.Precision.DAY
    )
    mars = hubs[-1]
    page.goto(mars.get_absolute_url())
    served = page.request.get(mars.get_absolute_url()).text()
    assert html_check.errors({"served": served, "rendered": page.content()}) == {
        "served": [],
        "rendered": [],
    }

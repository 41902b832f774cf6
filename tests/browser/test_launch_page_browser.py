"""A reader's look at a launch's hub: the countdown reads without JavaScript,
ticks with it (the browser's clock driven by the test), the launch's time shows
in the reader's own zone, and axe finds nothing in light or dark mode."""

import datetime as dt

import pytest
from django.utils import timezone

from space.launches import update_launch
from space.models import Launch
from tests.factories import LaunchFactory, LaunchVehicleFactory, PlaceFactory

AHEAD = dt.timedelta(days=2, hours=3, minutes=30)


@pytest.fixture
def launch(transactional_db):
    start = timezone.now().replace(second=0, microsecond=0)
    launch = LaunchFactory(
        name="Falcon 9 | Starlink 6-10",
        slug="starlink-6-10",
        net=start + AHEAD - dt.timedelta(days=1),
        status=Launch.Status.GO,
        pad=PlaceFactory(name="Space Launch Complex 40"),
        vehicle=LaunchVehicleFactory(name="Falcon 9"),
    )
    update_launch(launch, net=start + AHEAD, by=None, source="import")
    launch.start = start
    return launch


@pytest.fixture
def context_for(browser, live_server):
    contexts = []

    def new(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def test_the_countdown_reads_without_javascript(launch, context_for):
    page = context_for(java_script_enabled=False)
    page.goto(launch.get_absolute_url())

    countdown = page.locator("[data-countdown]")
    assert countdown.inner_text().startswith("in 2 days, 3 hours and ")
    assert "at the earliest, as of" in page.locator(".countdown").inner_text()
    assert page.locator("[data-reader-time]").is_hidden()
    assert "Moved from" in page.locator(".slips").inner_text()


def test_the_countdown_ticks_and_shows_the_readers_time(launch, context_for):
    page = context_for(timezone_id="Asia/Tokyo", locale="en-GB")
    page.clock.install(time=launch.start)
    page.goto(launch.get_absolute_url())
    page.clock.pause_at(launch.start + dt.timedelta(minutes=1))

    countdown = page.locator("[data-countdown]")
    assert countdown.inner_text() == "in 2 days, 3 hours and 29 minutes"
    assert page.locator("[data-countdown-as-of]").count() == 0  # live now

    page.clock.run_for("02:00")
    assert countdown.inner_text() == "in 2 days, 3 hours and 27 minutes"

    reader = page.locator("[data-reader-time]")
    assert reader.is_visible()
    tokyo = (launch.start + AHEAD).astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert f"{tokyo:%H:%M}" in reader.inner_text()
    assert "Asia/Tokyo" in reader.inner_text()

    page.clock.run_for(int(AHEAD.total_seconds() * 1000))
    assert "has passed" in page.locator(".countdown").inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_launch_hub_has_no_accessibility_violations(page, launch, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(launch.get_absolute_url())
    assert page.locator("h1").inner_text() == launch.name
    assert axe(page) == []


def test_the_launch_hub_passes_the_nu_checker(page, launch):
    from tests.browser import html_check

    html_check.skip_unless_available()
    page.goto(launch.get_absolute_url())
    served = page.request.get(launch.get_absolute_url()).text()
    assert html_check.errors({"served": served, "rendered": page.content()}) == {
        "served": [],
        "rendered": [],
    }

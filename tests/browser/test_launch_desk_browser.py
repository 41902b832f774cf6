"""The launch desk in a browser: a launch's time moves, the editors' desk
proposes moving its bundle, an editor moves it with one click, and the
launch's page shows the bundle inline; axe finds nothing on the desk, nor on
the launch's change and add forms."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from authors.models import Author
from demo.content import EDITOR_PASSWORD
from launchdesk import bundles
from space.launches import update_launch
from space.models import Launch
from tests.browser.admin_login import log_in
from tests.factories import ArticleFactory, LaunchFactory
from workflow.states import State


@pytest.fixture
def moved_launch(demo):
    demo.LAUNCH_BUNDLES_MOVE = "propose"
    User = get_user_model()
    editor = User.objects.get(username="editor")
    author = Author.objects.get(user__username="writer")
    net = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    launch = LaunchFactory(
        name="Falcon 9 | Starlink 6-10",
        slug="starlink-6-10-desk",
        net=net,
        status=Launch.Status.GO,
    )
    for headline, offset in [
        ("Starlink 6-10: what to watch for", dt.timedelta(hours=-24)),
        ("Starlink 6-10 live", dt.timedelta(hours=-2)),
    ]:
        story = ArticleFactory(
            headline=headline, status=State.APPROVED, authors=[author]
        )
        item = bundles.add_to_bundle(launch, story, by=editor, offset=offset)
        bundles.schedule_to_launch(item, by=editor)
    update_launch(launch, net=net + dt.timedelta(days=2), by=None, source="import")
    return launch


def test_an_editor_moves_the_bundle_from_the_desk(page, axe, moved_launch):
    log_in(page, "editor", EDITOR_PASSWORD)
    panel = page.locator("#launch-desk")
    expect(panel).to_contain_text("Falcon 9 | Starlink 6-10")
    assert axe(page) == []

    page.get_by_role(
        "button", name="Move the bundle of Falcon 9 | Starlink 6-10"
    ).click()
    page.wait_for_url("**/admin/")
    expect(page.locator(".messagelist")).to_contain_text("was moved")
    expect(page.locator("#launch-desk")).to_have_count(0)

    page.goto(f"/admin/space/launch/{moved_launch.pk}/change/")
    expect(page.get_by_role("heading", name="Story bundle")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Starlink 6-10 live")
    # The launch form's times are one labelled box each: nothing let through.
    assert axe(page) == []

    page.goto("/admin/space/launch/add/")
    expect(page.get_by_label("No earlier than")).to_have_attribute(
        "type", "datetime-local"
    )
    assert axe(page) == []


def test_an_editor_types_an_offset_in_hours_and_minutes(page, axe, moved_launch):
    log_in(page, "editor", EDITOR_PASSWORD)
    page.goto(f"/admin/space/launch/{moved_launch.pk}/change/")
    live = page.get_by_role("textbox", name="Offset from the launch").nth(1)
    expect(live).to_have_value("-2:00")

    # No side given: refused with the reason, the text kept; the page is clean.
    live.fill("3:00")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Say whether it is before or after the launch"
    )
    live = page.get_by_role("textbox", name="Offset from the launch").nth(1)
    expect(live).to_have_value("3:00")
    assert axe(page) == []

    live.fill("3:00 before")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_be_visible()
    item = moved_launch.bundle.get(article__headline="Starlink 6-10 live")
    assert item.offset == dt.timedelta(hours=-3)
    # The launch's time came back from its datetime-local box unchanged.
    net = moved_launch.net
    moved_launch.refresh_from_db()
    assert moved_launch.net == net
    expect(
        page.get_by_role("textbox", name="Offset from the launch").nth(1)
    ).to_have_value("-3:00")

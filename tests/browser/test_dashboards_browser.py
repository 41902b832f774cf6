"""The admin's front page in a browser (issue 14): a writer who logs in lands on
My stories, an editor on the desk; axe finds no violation on either, and at a
laptop's 1280×800 and a tablet's 1024×768 nothing runs off the side."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from authors.models import Author
from demo.content import EDITOR_PASSWORD, WRITER_PASSWORD
from tests.browser.admin_login import log_in
from tests.factories import ArticleFactory, GalleryFactory
from workflow import services
from workflow.states import State

SHOTS = Path("/tmp/shots")  # noqa: S108 (screenshots for a person to look at)
SIZES = [(1280, 800), (1024, 768)]


def desk_work(now) -> str:
    """On top of the demo: the writer's story sent back with a long comment,
    one waiting for review, one scheduled, and a gallery draft."""
    User = get_user_model()
    writer = User.objects.get(username="writer")
    editor = User.objects.get(username="editor")
    author = Author.objects.get(user=writer)
    sent_back = ArticleFactory(
        headline="Mars Sample Return's price worries Congress and NASA's "
        "own review board, which put the cost far above the agency's estimate",
        authors=[author],
        created_by=writer,
    )
    services.transition(sent_back, "submit", by=writer)
    services.transition(
        sent_back,
        "request_changes",
        by=editor,
        comment="The second paragraph needs the board's own figure, with a link "
        "to its report; and please check the spelling of the chairman's name.",
    )
    waiting = ArticleFactory(
        headline="Europa Clipper's radar will look under the ice",
        authors=[author],
        created_by=writer,
    )
    services.transition(waiting, "submit", by=writer)
    ArticleFactory(
        headline="Artemis II's crew names its capsule",
        status=State.SCHEDULED,
        published_at=now + timedelta(hours=3),
        authors=[author],
        created_by=writer,
    )
    GalleryFactory(title="Perseverance's first year in pictures", created_by=writer)
    return author.name


def check(page, axe, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {width}×{height}"
        page.screenshot(path=SHOTS / f"{name}-{width}x{height}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_writer_and_editor_land_on_their_pages(demo, page, axe, now):
    byline = desk_work(now)

    log_in(page, "writer", WRITER_PASSWORD)
    expect(page.locator("h1")).to_have_text("My stories")
    sent_back = page.locator("#mine-sent_back")
    expect(sent_back).to_contain_text("the board's own figure")
    expect(sent_back).to_contain_text("Sent back by")
    expect(page.locator("#mine-in_review")).to_contain_text("Europa Clipper")
    expect(page.locator("#mine-scheduled")).to_contain_text("UTC")
    expect(page.locator("#mine-drafts")).to_contain_text("Perseverance")
    expect(page.get_by_role("link", name="Write a new story")).to_be_visible()
    expect(page.locator("#review-queue")).to_have_count(0)
    check(page, axe, "dashboard-writer")

    page.context.clear_cookies()
    log_in(page, "editor", EDITOR_PASSWORD)
    expect(page.locator("h1")).to_have_text("The desk")
    row = page.locator("#review-queue tr", has_text="Europa Clipper")
    expect(row).to_contain_text(byline)
    expect(row).to_contain_text("min")
    expect(page.locator("#todays-schedule")).to_be_visible()
    check(page, axe, "dashboard-editor")

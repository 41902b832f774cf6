"""Live coverage in a browser: a reader's open page shows an entry posted
after it loaded, without reloading (live.js polling the updates), an embed in
such an entry plays on the reader's click as one on the page at load does, and
the live page and the live desk have no accessibility violations (axe)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from live import services
from live.models import LiveEntry
from tests.browser.admin_login import log_in
from tests.browser.editing import stub_player
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, WRITERS, sync_roles

PASSWORD = "correct horse battery staple"  # noqa: S105 (tests.factories.UserFactory)


@pytest.fixture
def newsroom(transactional_db, settings):
    settings.LIVE_POLL_SECONDS = 1  # the page's data-live-interval
    settings.LIVE_POLL_MAX_AGE = 0
    sync_roles()  # the roles' groups (emptied with the database after each test)
    writer = user_in(WRITERS, username="wanda", first_name="Wanda")
    editor = user_in(EDITORS, username="edie", first_name="Edie")
    story = ArticleFactory(
        headline="Artemis II launches: live",
        slug="artemis-ii-live",
        published=True,
        # Whole seconds, as the admin's fields give: the story template's own
        # "Published" time writes microseconds, which HTML's datetime refuses.
        published_at=timezone.now().replace(microsecond=0) - timedelta(hours=1),
        created_by=writer,
        authors=[AuthorFactory(name="Wanda Writer", user=writer)],
    )
    services.start_coverage(story, by=editor)
    first = services.post_entry(story, by=editor, text="Crew at the pad.")
    pinned = services.post_entry(story, by=editor, text="Launch window: 6:24 p.m.")
    services.pin_entry(pinned, by=editor)
    services.correct_entry(
        first, by=editor, text="Crew aboard Orion.", note="They had boarded."
    )
    services.post_entry(story, by=writer, text="Tanking done.", image=ImageFactory())
    return {"story": story, "writer": writer, "editor": editor}


def test_a_new_entry_appears_on_an_open_page_without_reloading(page, newsroom):
    story, editor = newsroom["story"], newsroom["editor"]
    page.goto(story.get_absolute_url())
    page.evaluate("window.stillTheSamePage = true")
    entries = page.locator("[data-live-list] > li")
    expect(entries).to_have_count(3)
    services.post_entry(story, by=editor, text="Liftoff of Artemis II!")
    new = page.locator("[data-live-list] > li", has_text="Liftoff of Artemis II!")
    expect(new).to_be_visible(timeout=15_000)
    expect(entries).to_have_count(4)
    # Below the pinned entry, above the older ones; announced politely.
    expect(entries.nth(0)).to_contain_text("Launch window")
    expect(entries.nth(1)).to_contain_text("Liftoff of Artemis II!")
    expect(page.locator("[data-live-announce]")).to_have_text("1 new update")
    assert page.evaluate("window.stillTheSamePage") is True
    # A deleted entry leaves the open page too.
    gone = services.post_entry(story, by=editor, text="Posted by mistake")
    expect(page.get_by_text("Posted by mistake")).to_be_visible(timeout=15_000)
    services.delete_entry(gone, by=editor)
    expect(page.get_by_text("Posted by mistake")).to_have_count(0, timeout=15_000)


LAUNCH_VIDEO = "https://www.youtube.com/watch?v=4czjS9h4Fpg"
PLAYER = "https://www.youtube-nocookie.com/embed/4czjS9h4Fpg"


def test_an_embed_arriving_in_a_new_entry_plays_on_the_readers_click(
    page, newsroom, live_server, external_requests, axe
):
    """The page had no embed when it loaded: the entry bringing the first one
    arrives by polling, its card asks nothing of the video site until the
    reader's click, and the click loads the player (the page's CSP allowed
    its frame from the start)."""
    ours = urlsplit(live_server.url).netloc
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    player_requests = stub_player(page, "https://www.youtube-nocookie.com")
    story, editor = newsroom["story"], newsroom["editor"]
    response = page.goto(story.get_absolute_url())
    assert page.locator("figure.embed").count() == 0
    assert (
        "https://www.youtube-nocookie.com"
        in (response.headers["content-security-policy"])
    )

    services.post_entry(story, by=editor, text="Watch the launch", embed=LAUNCH_VIDEO)
    entry = page.locator("[data-live-list] > li", has_text="Watch the launch")
    expect(entry).to_be_visible(timeout=15_000)
    card = entry.locator("figure.embed-youtube")
    button = card.get_by_role("button", name="Load the video from YouTube")
    expect(button).to_be_visible()
    assert card.locator("iframe").count() == 0
    # Before the click: every request went to our own site.
    elsewhere = [url for url in requested if urlsplit(url).netloc != ours]
    assert elsewhere == [], elsewhere
    assert player_requests == [] and external_requests == []
    assert axe(page) == []

    button.click()
    frame = card.locator("iframe")
    expect(frame).to_have_attribute("src", PLAYER + "?autoplay=1")
    expect(frame).to_be_focused()
    # The CSP let the frame load: the stub answered it and its page shows.
    expect(card.frame_locator("iframe").locator("p")).to_have_text(
        "The test's stand-in player."
    )
    assert player_requests == [PLAYER + "?autoplay=1"]
    assert external_requests == []

    # The entry is pinned and corrected while the reader watches: it moves to
    # the top with its new text, and the video keeps playing (the same frame,
    # not loaded again).
    frame.evaluate("frame => { frame.stillPlaying = true }")
    posted = LiveEntry.objects.get(text__contains="Watch the launch")
    services.pin_entry(posted, by=editor)
    services.correct_entry(
        posted, by=editor, text="Watch the launch live", note="It is live."
    )
    expect(entry).to_contain_text("It is live.", timeout=15_000)
    entries = page.locator("[data-live-list] > li")
    expect(entries.nth(0)).to_contain_text("Watch the launch live")
    assert frame.evaluate("frame => frame.stillPlaying") is True
    assert player_requests == [PLAYER + "?autoplay=1"]
    assert axe(page) == []


def test_the_page_shows_entries_without_javascript(browser, live_server, newsroom):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(newsroom["story"].get_absolute_url())
        expect(page.locator("[data-live-list] > li")).to_have_count(3)
        expect(page.get_by_text("They had boarded.")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_live_page_has_no_accessibility_violations(page, newsroom, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(newsroom["story"].get_absolute_url())
    expect(page.locator("[data-live-list] > li")).to_have_count(3)
    assert axe(page) == []


def test_the_live_desk_has_no_accessibility_violations_and_posts(page, newsroom, axe):
    story = newsroom["story"]
    log_in(page, "wanda", PASSWORD)
    page.goto(f"/admin/live/liveentry/desk/{story.pk}/")
    assert axe(page) == []
    page.get_by_label("Text").fill("Solid rocket boosters separated.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".messagelist")).to_contain_text("Posted.")
    expect(page.get_by_text("Solid rocket boosters separated.")).to_be_visible()
    assert axe(page) == []
    # A library picture, chosen with the picker, alone makes an entry.
    ImageFactory(title="Orion on the pad")
    page.locator(".select2-selection").first.click()
    page.keyboard.type("Orion")
    option = page.locator(".select2-results__option--highlighted", has_text="Orion")
    option.wait_for()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".messagelist")).to_contain_text("Posted.")
    expect(page.get_by_text("Picture: Orion on the pad")).to_be_visible()


def test_the_live_page_and_desk_are_valid_html(page, newsroom):
    from tests.browser import html_check

    story = newsroom["story"]
    page.goto(story.get_absolute_url())
    expect(page.locator("[data-live-list] > li")).to_have_count(3)
    reader = page.content()
    log_in(page, "edie", PASSWORD)
    page.goto(f"/admin/live/liveentry/desk/{story.pk}/")
    found = html_check.errors({"live page": reader, "live desk": page.content()})
    assert found == {"live page": [], "live desk": []}


def test_a_hidden_tab_stops_asking_and_catches_up_when_shown(page, newsroom):
    asked = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url) if "/live/updates/" in request.url else None
        ),
    )
    with page.expect_request("**/live/updates/**", timeout=15_000):
        page.goto(newsroom["story"].get_absolute_url())  # it asks for updates
    hide = """hidden => {
        Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    page.evaluate(hide, True)
    # A poll asked before is no new request; this only lets its event arrive.
    page.wait_for_timeout(1200)
    before = len(asked)
    page.wait_for_timeout(3000)
    assert len(asked) == before, "a hidden tab asks nothing"
    services.post_entry(newsroom["story"], by=newsroom["editor"], text="While away")
    page.evaluate(hide, False)
    expect(page.get_by_text("While away")).to_be_visible(timeout=15_000)

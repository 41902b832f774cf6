"""Small things readers see (issue 15): square headshots, a byline without a
dangling dot, cards that look finished with or without a picture, the search
page's own search box, and a story printed without the site around it.
Screenshots go to /tmp/shots15/."""

from pathlib import Path

from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

SHOTS = Path("/tmp/shots15")  # noqa: S108 (screenshots to look at, not secrets)
PHONE = {"width": 390, "height": 844}
SKY_CRANE = "/stories/perseverance-sky-crane-crash-photo/"


def shot(page, name: str, **kwargs) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), **kwargs)


def pseudo(page, selector: str, which: str) -> str:
    return page.evaluate(
        "([s, w]) => getComputedStyle(document.querySelector(s), w).content",
        [selector, which],
    )


def assert_square(page, selector: str) -> None:
    images = page.locator(selector)
    assert images.count() > 0, selector
    for i in range(images.count()):
        box = images.nth(i).bounding_box()
        assert box["width"] >= 40, (selector, box)
        assert abs(box["width"] - box["height"]) < 1, (selector, box)


def test_headshots_bylines_and_search_box(page, demo):
    page.set_viewport_size(PHONE)
    page.goto(SKY_CRANE)
    assert_square(page, ".author-box img")
    # The story's byline stands on its own line: nothing after it.
    assert pseudo(page, ".story-header .byline", "::after") == "none"
    page.locator(".author-box").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.author-box img')]"
        ".every(img => img.complete && img.naturalWidth > 0)",
        timeout=20_000,
    )
    shot(page, "story-phone-author-box")

    page.goto("/authors/mike-wall/")
    assert_square(page, ".profile-header img")
    page.goto("/authors/")
    assert_square(page, ".author-list img")
    shot(page, "authors-phone")

    # On a card the byline and the date share a line, with one dot between.
    page.goto("/")
    assert pseudo(page, ".card .meta .byline + time", "::before") == '" · "'
    meta = page.locator(".card .meta").first.inner_text()
    assert not meta.rstrip().endswith("·")

    page.goto("/search/?q=mars")
    box = page.locator("#q").bounding_box()
    assert box["height"] >= 40 and box["width"] >= 200, box
    button = page.locator(".search-page form button").bounding_box()
    assert abs(button["y"] - box["y"]) < 2, "the button sits beside the box"
    shot(page, "search-phone-box")


def test_cards_with_and_without_a_picture_and_printing(page, live_server):
    writer = AuthorFactory(name="Ada Vance")
    story = ArticleFactory(
        published=True,
        headline="Rovers compared",
        authors=[writer],
        body='<p>See <a href="https://mars.nasa.gov/mars2020/">the mission</a>.</p>',
    )
    pictured = ArticleFactory(
        published=True,
        headline="A pictured neighbour",
        authors=[writer],
        hero_image=ImageFactory(),
    )
    text_only = ArticleFactory(
        published=True, headline="A text-only neighbour", authors=[writer]
    )
    for item in (story, pictured, text_only):
        item.tags.add("Mars")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(story.get_absolute_url())
    related = page.locator(".related .card")
    expect(related).to_have_count(2)
    plain = page.locator(".related .card-text-only")
    expect(plain).to_have_count(1)
    expect(plain).to_contain_text("A text-only neighbour")
    # No grey box: the text-only card has no background of its own.
    background = plain.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"
    expect(page.locator(".related .card:not(.card-text-only) img")).to_have_count(1)
    page.locator(".related").scroll_into_view_if_needed()
    shot(page, "related-cards")

    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".share", ".related"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".story h1")).to_be_visible()
    after = pseudo(page, ".story-body a", "::after")
    assert "https://mars.nasa.gov/mars2020/" in after
    shot(page, "story-print", full_page=True)

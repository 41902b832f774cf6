"""What only a browser shows: the reader's path through the demo newsroom, the
story page at phone and desktop sizes, keyboard use and accessibility."""

import re

import pytest
from playwright.sync_api import expect

SKY_CRANE = "/stories/perseverance-sky-crane-crash-photo/"


def test_reader_journey(page, demo, external_requests):
    page.goto("/")
    lead = page.locator("#lead-headline a")
    expect(lead).to_have_text("Perseverance watched its sky crane crash on Mars")
    lead.click()

    expect(page.locator("h1")).to_have_text(
        "Perseverance watched its sky crane crash on Mars"
    )
    credit = page.locator("figure figcaption .credit").first
    expect(credit).to_have_text("(Image credit: NASA/JPL-Caltech)")
    hero = page.locator("figure img").first
    expect(hero).to_have_attribute("alt", re.compile(r"\w+"))
    # The first request for a rendition makes it: wait for it to arrive.
    page.wait_for_function(
        "() => { const img = document.querySelector('figure img');"
        " return img && img.complete && img.naturalWidth > 0; }",
        timeout=20_000,
    )

    page.locator(".story-header .byline a", has_text="Mike Wall").click()
    expect(page.locator("h1")).to_have_text("Mike Wall")
    expect(page.locator(".job-title")).to_have_text("Senior Space Writer")
    expect(page.locator(".books")).to_contain_text("Out There")

    page.fill("#site-search-q", "sky crane")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=sky\+crane"))
    first = page.locator(".search-results li").first
    expect(first).to_contain_text("Perseverance watched its sky crane crash on Mars")

    page.goto("/section/spaceflight/")
    expect(page.locator("h1")).to_have_text("Spaceflight")
    feed = page.request.get("/feeds/section/spaceflight/rss/")
    assert feed.ok
    assert "sky crane" in feed.text()
    assert external_requests == [], "pages must not fetch anything from elsewhere"


@pytest.mark.parametrize(
    "name,size",
    [
        ("phone", {"width": 390, "height": 844}),
        ("desktop", {"width": 1280, "height": 900}),
    ],
)
def test_story_page_screenshots(page, demo, artifacts, name, size):
    page.set_viewport_size(size)
    page.goto(SKY_CRANE)
    page.wait_for_load_state("networkidle")
    path = artifacts / f"story-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


@pytest.mark.parametrize(
    "path", ["/", SKY_CRANE, "/authors/mike-wall/", "/search/?q=sky+crane"]
)
def test_no_accessibility_violations(page, demo, axe, path):
    page.goto(path)
    assert axe(page) == []


def test_dark_mode_has_no_contrast_violations(page, demo, axe):
    page.emulate_media(color_scheme="dark")
    page.goto(SKY_CRANE)
    assert axe(page) == []


def test_keyboard_skip_link_and_focus(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none", "the focused link must show where focus is"

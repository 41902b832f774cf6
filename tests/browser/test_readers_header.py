"""The readers' header (issue 15): on a 390 × 844 phone a bar at most 80 px tall
(the wordmark, a search button and a Menu button that opens the sections,
without JavaScript and by keyboard) with the lead story's headline in view;
on a desktop the section links stay in the bar. axe-clean at both sizes on the
front page, a story and the search page. Screenshots go to /tmp/shots15/."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots15")  # noqa: S108 (screenshots to look at, not secrets)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SKY_CRANE = "/stories/perseverance-sky-crane-crash-photo/"
PAGES = {"front": "/", "story": SKY_CRANE, "search": "/search/?q=mars"}


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def test_phone_header_is_compact_and_the_lead_headline_is_in_view(page, demo, axe):
    page.set_viewport_size(PHONE)
    page.goto("/")
    header = box(page, ".site-header")
    assert header["height"] <= 80, header
    headline = box(page, "#lead-headline")
    # Below the header, whole, without scrolling.
    assert headline["y"] >= header["y"] + header["height"]
    assert headline["y"] + headline["height"] <= PHONE["height"], headline
    expect(page.locator(".sections-bar")).to_be_hidden()
    expect(page.locator("#site-search-q")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "front-phone")

    menu = page.locator(".header-sections summary")
    expect(menu).to_have_accessible_name("Menu")
    links = page.locator(".header-sections .menu-links a")
    expect(links.first).to_be_hidden()
    menu.click()
    expect(page.locator(".header-sections")).to_have_attribute("open", "")
    expect(links.filter(has_text="Spaceflight")).to_be_visible()
    # The open menu lies over the page: the bar keeps its height.
    assert box(page, ".site-header")["height"] == header["height"]
    shot(page, "front-phone-menu")
    assert axe(page) == []
    menu.click()
    expect(links.first).to_be_hidden()

    search = page.locator(".header-search summary")
    expect(search).to_have_accessible_name("Search")
    search.click()
    page.fill("#menu-search-q", "sky crane")
    shot(page, "front-phone-search")
    page.keyboard.press("Enter")
    expect(page.locator(".search-results li").first).to_contain_text("sky crane")


def expanded(page, name: str) -> bool | None:
    """What Chromium tells a screen reader of the disclosure button `name`: its
    accessibility tree (through the DevTools protocol), not the DOM."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    for node in nodes:
        if node.get("name", {}).get("value") == name and node["role"]["value"] in (
            "DisclosureTriangle",
            "button",
        ):
            for prop in node.get("properties", []):
                if prop["name"] == "expanded":
                    return prop["value"]["value"]
            return None
    raise AssertionError(f"no button {name!r} in the accessibility tree")


def test_menu_opens_by_keyboard_and_says_so(page, demo):
    page.set_viewport_size(PHONE)
    page.goto("/")
    for _ in range(4):  # the skip link, the wordmark, search, Menu
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    assert expanded(page, "Menu") is False
    page.keyboard.press("Enter")
    assert expanded(page, "Menu") is True
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.menu-links') !== null")
    assert page.evaluate("document.activeElement.textContent") == "News"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert expanded(page, "Menu") is False


def test_menu_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    ours = urlsplit(live_server.url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == ours
            else route.abort()
        ),
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.locator(".header-sections summary").click()
        link = page.locator(".header-sections .menu-links a", has_text="Spaceflight")
        expect(link).to_be_visible()
        link.click()
        expect(page.locator("h1")).to_have_text("Spaceflight")
    finally:
        # As the page fixture does: let the renditions the page asked for be
        # made before the database is emptied under the server.
        try:
            page.wait_for_load_state("networkidle", timeout=15_000)
        finally:
            context.close()


def test_desktop_keeps_the_section_links_in_the_bar(page, demo):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(page.locator(".sections-bar a", has_text="Spaceflight")).to_be_visible()
    expect(page.locator("#site-search-q")).to_be_visible()
    expect(page.locator(".header-menu").first).to_be_hidden()
    header = box(page, ".site-header")
    assert header["height"] <= 80, header
    shot(page, "front-desktop")


@pytest.mark.parametrize(
    "size_name,size,scheme",
    [
        ("phone", PHONE, "light"),
        ("desktop", DESKTOP, "light"),
        ("phone-dark", PHONE, "dark"),
    ],
)
def test_no_accessibility_violations_at_both_sizes(
    page, demo, axe, size_name, size, scheme
):
    page.set_viewport_size(size)
    page.emulate_media(color_scheme=scheme)
    for name, path in PAGES.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert axe(page) == [], f"{name} at {size_name}"
        shot(page, f"{name}-{size_name}")


def test_public_pages_are_valid_html(page, demo):
    """The Nu HTML Checker finds no error in what the server sends: the header's
    two <details>, the icons' links, the descriptions and canonical links."""
    from tests.browser.html_check import errors

    paths = [
        "/",
        SKY_CRANE,
        "/search/?q=mars",
        "/search/",
        "/authors/",
        "/authors/mike-wall/",
        "/section/spaceflight/",
        "/latest/",
        "/tag/mars/",
    ]
    pages = {}
    for path in paths:
        response = page.request.get(path)
        assert response.ok, path
        pages[path] = response.text()
    assert errors(pages) == {path: [] for path in paths}

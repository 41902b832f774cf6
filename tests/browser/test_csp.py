"""No page breaks its Content-Security-Policy: every readers' template and the
admin's main screens, opened in Chromium with the policy the server sends, and
used as far as their scripts go (the story editor loaded, its picture picker
open). Any violation the browser reports fails the test, with what it blocked."""

from urllib.parse import urlsplit

import pytest
from django.test import Client, RequestFactory
from playwright.sync_api import expect

from articles.models import Article, OldSlug
from demo.content import EDITOR_PASSWORD, SKY_CRANE_SLUG
from media_library.models import Image
from tests.browser.admin_login import log_in
from tests.factories import gallery_with
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.states import State
from workflow.views import share_url

# Runs in every document before its own scripts: records each violation the
# browser reports to the page.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}` +
    ` (${event.sourceFile || document.URL}:${event.lineNumber}) ${event.sample}`
  );
}, true);
"""


@pytest.fixture
def no_violations(page):
    """Call it after each page is used: fails with the violations the browser
    reported there, from the page's event listener and from the console."""
    console = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and console.append(f"{page.url}: {message.text}")
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def check() -> None:
        page.wait_for_load_state("networkidle")
        events = page.evaluate("window.cspViolations || []")
        found = [f"{page.url}: {event}" for event in events] + console[:]
        console.clear()
        assert not found, "\n".join(found)

    return check


def visit(page, no_violations, address: str, *, status: int = 200) -> None:
    response = page.goto(address)
    assert response.status == status, address
    assert "script-src 'self'" in response.headers["content-security-policy"]
    no_violations()


def test_readers_pages_keep_the_policy(demo, page, no_violations):
    editor = user_in("Editors", username="csp-editor")
    gallery = gallery_with(2, title="Perseverance in pictures", status=State.APPROVED)
    services.transition(gallery, "publish", by=editor)
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    assert 'data-library-image="' in story.body, "the story has an inline figure"
    assert story.hero_image_id, "and a hero picture"

    for address in [
        "/",
        "/section/spaceflight/",
        story.get_absolute_url(),
        "/authors/",
        "/authors/mike-wall/",
        gallery.get_absolute_url(),
        "/search/?q=sky+crane",
        "/search/",
        "/tag/mars/",
        "/latest/",
    ]:
        visit(page, no_violations, address)
        # Pictures are made on their first request: wait for those shown.
        page.wait_for_function(
            "() => [...document.images].every("
            "img => img.complete || img.loading === 'lazy')"
        )
    # The story's JSON-LD is a data block, which the policy does not refuse.
    page.goto(story.get_absolute_url())
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    no_violations()

    visit(page, no_violations, "/no-such-page/", status=404)
    visit(page, no_violations, "/stories/no-such-story/", status=404)
    OldSlug.objects.create(slug="a-deleted-story")
    visit(page, no_violations, "/stories/a-deleted-story/", status=410)

    # An outside reviewer's preview, then the same link once withdrawn.
    draft = Article.objects.exclude(status=State.PUBLISHED).first()
    link = services.create_share_link(draft, by=editor)
    preview = urlsplit(share_url(RequestFactory().get("/"), link)).path
    visit(page, no_violations, preview)
    services.revoke_share_link(link, by=editor)
    visit(page, no_violations, preview, status=410)


def test_error_page_keeps_the_policy(page, no_violations, live_server):
    """The 500 page is self-contained; the policy allows its <style> by hash.
    Served here as the server would send it (no address fails on purpose)."""
    from django.template.loader import render_to_string

    policy = Client().get("/no-such-page/")["Content-Security-Policy"]
    body = render_to_string("500.html")
    page.route(
        "**/broken/",
        lambda route: route.fulfill(
            status=500,
            body=body,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": policy,
            },
        ),
    )
    page.goto(f"{live_server.url}/broken/")
    expect(page.locator("h1")).to_have_text("Something went wrong on our side")
    no_violations()
    # ...and its style applied: the page's text column is narrowed.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"


def test_admin_screens_keep_the_policy(demo, page, no_violations, tmp_path):
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    image = Image.objects.order_by("pk").first()

    visit(page, no_violations, "/admin/login/")
    log_in(page, "editor", EDITOR_PASSWORD)
    no_violations()
    visit(page, no_violations, "/admin/")

    # The story editor, new and existing, with its picture picker open.
    for address in [
        "/admin/articles/article/add/",
        f"/admin/articles/article/{story.pk}/change/",
    ]:
        visit(page, no_violations, address)
        editor = page.locator(".field-body .ProseMirror[contenteditable]")
        expect(editor).to_be_visible()
        editor.click()
        page.get_by_role("button", name="Insert a library picture").click()
        dialog = page.get_by_role("dialog", name="Insert a library picture")
        dialog.get_by_label("Search the library").fill("perseverance")
        expect(dialog.locator(".library-image-choice").first).to_be_visible()
        no_violations()
        dialog.press("Escape")
    placed = page.locator(".field-body .library-image-node").first
    expect(placed.locator("img")).to_be_visible()  # figures looked up and drawn
    no_violations()

    for address in [
        "/admin/articles/article/",
        "/admin/articles/article/review-queue/",
        "/admin/articles/article/calendar/",
        f"/admin/articles/article/{story.pk}/revisions/",
        "/admin/media_library/image/",
        "/admin/media_library/image/add/",
        "/admin/media_library/image/bulk-upload/",
        f"/admin/media_library/image/{image.pk}/change/",
        "/admin/media_library/gallery/add/",
        "/admin/authors/author/",
    ]:
        visit(page, no_violations, address)

    # The focal point picker draws on the picture it shows.
    page.goto(f"/admin/media_library/image/{image.pk}/change/")
    picture = page.locator(".focal-point img")
    picture.evaluate("img => img.decode()")
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
    expect(page.locator(".focal-point-marker")).to_be_visible()
    no_violations()

    # A bulk upload and its results.
    path = tmp_path / "launch.png"
    path.write_bytes(image.file.open("rb").read())
    page.goto("/admin/media_library/image/bulk-upload/")
    page.get_by_label("Image files").set_input_files(path)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".messagelist")).to_be_visible()
    no_violations()

    # The gallery picker (select2, with thumbnails).
    page.goto("/admin/media_library/gallery/add/")
    page.get_by_role("button", name="Add another picture").click()
    page.locator("#items-0 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("a")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    no_violations()


def test_two_factor_pages_keep_the_policy(demo, page, no_violations, settings):
    settings.STAFF_TWO_FACTOR = True
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/two-factor/**")
    no_violations()

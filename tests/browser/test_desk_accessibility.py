"""The writers' desk is accessible (issue 14): axe-core finds no violation and the
Nu HTML Checker no error on the pages a writer and an editor work in: My stories,
the story add and change forms (with the editor, a placed picture, the
picture picker and the hero picker open), the picture upload and bulk upload,
the review queue, the calendar and the login page. Every page is checked as the
browser rendered it (`page.content()`, after the scripts ran), the Nu checker
in one run for all.

At 1024×768 (a tablet) and 1366×768 (a laptop) the story form fits: nothing
scrolls sideways, the headline, slug and dek fields take the full width, the
editor keeps a working width beside or above the checklist, its toolbar wraps
and the social card preview is a card, not a poster."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from demo.content import EDITOR_PASSWORD, SKY_CRANE_SLUG, WRITER_PASSWORD
from media_library.models import Image
from tests.browser import html_check
from tests.browser.admin_login import log_in
from tests.factories import ArticleFactory
from workflow import services
from workflow.states import State

EDITOR = ".field-body .ProseMirror[contenteditable]"
SHOTS = Path("/tmp/shots")  # noqa: S108 (screenshots for a person to look at)


def writers_draft() -> Article:
    """A draft of the demo writer's with a hero and a picture in its text."""
    from authors.models import Author

    hazcam = Image.objects.get(title__icontains="Hazcam")
    author = Author.objects.get(user__username="writer")
    story = ArticleFactory(
        headline="Mars Sample Return's price worries Congress",
        dek="A review board put the mission's cost far above NASA's estimate.",
        body=(
            "<p>The review board's figure surprised the committee.</p>"
            f'<figure data-library-image="{hazcam.pk}"></figure>'
            "<p>NASA said it would answer within a month.</p>"
        ),
        hero_image=hazcam,
        authors=[author],
    )
    return story


def rendered(page, name: str, pages: dict, problems: dict, axe) -> None:
    page.wait_for_load_state("networkidle")
    found = axe(page)
    if found:
        problems[f"axe, {name}"] = found
    pages[name] = page.content()
    # What was checked, beside its picture: the checker's line numbers are
    # this file's.
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"a11y-{name}.html").write_text(pages[name], encoding="utf-8")
    page.screenshot(path=SHOTS / f"a11y-{name}.png", full_page=True)


def test_the_desk_passes_axe_and_the_nu_checker(demo, page, axe, now):
    html_check.skip_unless_available()
    story = writers_draft()
    waiting = ArticleFactory(  # something in the review queue, as writers send it
        headline="Europa Clipper's radar will look under the ice",
        authors=story.authors.all(),
    )
    writer = get_user_model().objects.get(username="writer")
    services.transition(waiting, "submit", by=writer)
    scheduled = ArticleFactory(  # something on the writer's calendar
        headline="Artemis II's crew names its capsule",
        status=State.SCHEDULED,
        published_at=now + timedelta(days=1),
        authors=story.authors.all(),
    )
    pages: dict[str, str] = {}
    problems: dict[str, list[str]] = {}

    page.goto("/admin/login/")
    rendered(page, "login", pages, problems, axe)

    log_in(page, "writer", WRITER_PASSWORD)
    rendered(page, "my-stories", pages, problems, axe)

    page.goto("/admin/articles/article/add/")
    page.locator(EDITOR).wait_for()
    rendered(page, "story-add", pages, problems, axe)
    page.locator(".field-hero_image .select2-selection").click()
    page.keyboard.type("Hazcam")
    page.locator(".select2-results__option--highlighted", has_text="Hazcam").wait_for()
    rendered(page, "story-add-hero-picker", pages, problems, axe)
    picker = page.locator(".select2-dropdown").bounding_box()
    assert picker["width"] >= 200, "the hero picker's list is a sliver"
    page.screenshot(path=SHOTS / "a11y-hero-picker-open.png")
    page.keyboard.press("Escape")

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.locator(EDITOR).locator("figure").wait_for()
    rendered(page, "story-change", pages, problems, axe)
    page.get_by_role("button", name="Insert a library picture").click()
    dialog = page.get_by_role("dialog", name="Insert a library picture")
    dialog.get_by_label("Search the library").fill("hazcam")
    dialog.locator(".library-image-choice").first.wait_for()
    rendered(page, "story-change-picker", pages, problems, axe)
    page.keyboard.press("Escape")

    page.goto("/admin/media_library/image/add/")
    rendered(page, "picture-upload", pages, problems, axe)
    page.goto("/admin/media_library/image/bulk-upload/")
    rendered(page, "bulk-upload", pages, problems, axe)
    week = timezone.localdate(scheduled.published_at).isoformat()
    page.goto(f"/admin/articles/article/calendar/?week={week}")
    page.get_by_role("link", name=scheduled.headline).wait_for()
    rendered(page, "calendar-writer", pages, problems, axe)

    page.context.clear_cookies()
    log_in(page, "editor", EDITOR_PASSWORD)
    page.goto("/admin/articles/article/review-queue/")
    page.get_by_text("Europa Clipper's radar").wait_for()
    rendered(page, "review-queue", pages, problems, axe)
    sky_crane = Article.objects.get(slug=SKY_CRANE_SLUG)
    page.goto(f"/admin/articles/article/{sky_crane.pk}/change/")
    page.locator(EDITOR).wait_for()
    rendered(page, "story-change-editor", pages, problems, axe)

    for name, errors in html_check.errors(pages).items():
        if errors:
            problems[f"Nu checker, {name}"] = errors
    assert not problems, "\n".join(
        f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items()
    )


MEASURE = """() => {
    const box = (selector) => {
        const element = document.querySelector(selector)
        if (!element) return null
        const {left, right, width, height} = element.getBoundingClientRect()
        return {left, right, width, height}
    }
    const toolbar = document.querySelector(".field-body .prose-menubar")
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        fieldset: box("fieldset.module.aligned"),
        headline: box("#id_headline"),
        slug: box("#id_slug"),
        dek: box("#id_dek"),
        tags: box("#id_tags"),
        editor: box(EDITOR_SELECTOR),
        toolbar: box(".field-body .prose-menubar"),
        toolbarWraps: toolbar ? getComputedStyle(toolbar).flexWrap : null,
        checklist: box("#checklist"),
        card: box(".social-card"),
        cardPicture: box(".social-card-picture"),
    }
}""".replace("EDITOR_SELECTOR", repr(EDITOR))


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_the_story_form_fits_a_tablet_and_a_laptop(demo, page, width, height, now):
    story = writers_draft()
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "writer", WRITER_PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.locator(EDITOR).locator("figure").wait_for()
    page.locator(".social-card-picture img").wait_for()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SHOTS / f"layout-{width}x{height}.png", full_page=True)
    page.screenshot(path=SHOTS / f"layout-{width}x{height}-top.png")
    seen = page.evaluate(MEASURE)

    assert seen["scrollWidth"] <= seen["innerWidth"], "the page scrolls sideways"
    row = seen["fieldset"]
    for field in ("headline", "slug", "dek", "tags"):
        # Full width: from the label column to the fieldset's right edge.
        assert seen[field]["right"] >= row["right"] - 24, field
        assert seen[field]["width"] >= row["width"] * 0.6, field
    assert seen["editor"]["width"] >= 600
    assert seen["toolbarWraps"] == "wrap"
    assert seen["toolbar"]["right"] <= seen["editor"]["right"] + 1
    card = seen["cardPicture"]
    assert card["width"] <= 520
    assert abs(card["width"] / card["height"] - 1.91) < 0.05

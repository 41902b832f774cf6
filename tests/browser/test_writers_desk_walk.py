"""Issue 14's "done when", walked in a browser as the demo's writer and editor
would: the writer logs in and lands on My stories, writes the sky-crane story
with the Hazcam picture in the text and the landing video embedded, pastes a
paragraph from a Google Docs capture and gets clean text, watches the
checklist turn green and submits; the editor's desk shows the story waiting
with the writer's name; the editor's preview shows the figures with their
credits and a click-to-load video that asks nothing of the video site until
it is clicked.

Stories need a hero picture here, as they do by default in production
(`STORY_HERO_REQUIRED`). No test reaches the network: the video site's frame
is answered by a local stub, and every other outside request is refused and
recorded by the `page` fixture."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from articles.models import Article
from demo.content import EDITOR_PASSWORD, WRITER_PASSWORD
from tests.browser.admin_login import log_in
from tests.browser.editing import EDITOR, paste, stub_player
from workflow.states import State

HEADLINE = "Perseverance looked back and saw its sky crane's last plume"
LANDING_VIDEO = "https://www.youtube.com/watch?v=4czjS9h4Fpg"
PLAYER = "https://www.youtube-nocookie.com/embed/4czjS9h4Fpg"
GOOGLE_DOCS = (
    Path(__file__).parents[1] / "core" / "fixtures" / "paste" / "google-docs.html"
)


def choose_hero(page, term: str, title: str) -> None:
    """The hero picker, as a writer uses it: open, type, pick."""
    page.locator(".field-hero_image .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=title).click()


def test_a_writer_files_the_sky_crane_story_and_the_editor_reviews_it(
    demo, settings, page, live_server, external_requests, artifacts
):
    settings.STORY_HERO_REQUIRED = True
    ours = urlsplit(live_server.url).netloc

    # The writer logs in and lands on My stories.
    log_in(page, "writer", WRITER_PASSWORD)
    expect(page.get_by_role("heading", name="My stories", level=1)).to_be_visible()
    expect(page.locator("#mine-sent_back")).to_be_visible()
    page.screenshot(path=str(artifacts / "walk-my-stories.png"), full_page=True)
    page.get_by_role("link", name=re.compile("Write a new story")).click()

    page.get_by_label("Headline").fill(HEADLINE)
    page.get_by_label("Dek").fill(
        "The rover's rear hazard camera caught the dust rising where the "
        "descent stage came down."
    )
    page.get_by_label("Section").select_option(label="News")
    choose_hero(page, "Hazcam", "Perseverance rear Hazcam")
    checklist = page.locator("#checklist")
    summary = checklist.locator("#checklist-summary")

    editor = page.locator(EDITOR)
    editor.click()
    page.keyboard.type(
        "Minutes after it touched down, Perseverance turned a rear camera on "
        "the horizon and caught the plume from its sky crane's crash."
    )
    page.keyboard.press("Enter")

    # The Hazcam picture, from the library, in the text.
    page.get_by_role("button", name="Insert a library picture").click()
    dialog = page.get_by_role("dialog", name="Insert a library picture")
    dialog.get_by_label("Search the library").fill("Hazcam")
    dialog.get_by_text("1 picture found").wait_for()
    dialog.locator(".library-image-choice").click()
    placed = editor.locator(".library-image-node")
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()

    # The landing video, by its address.
    page.keyboard.type("Watch the landing as the rover's cameras saw it.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Embed a video or post").click()
    embed = page.get_by_role("dialog", name="Embed a video or post")
    embed.get_by_label(re.compile("^Address of the video or post")).fill(LANDING_VIDEO)
    page.keyboard.press("Enter")
    expect(embed).to_be_hidden()
    expect(editor.locator(".embed-node")).to_contain_text("YouTube")

    # A paragraph from the writer's Google Doc lands as clean text.
    editor.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    paste(editor, html=GOOGLE_DOCS.read_text())
    expect(editor.locator("p").last).not_to_have_text("")
    pasted = editor.locator(":scope > p, :scope > h2, :scope > h3, :scope > ul")
    expect(pasted.locator("[style], span, font, b[id]")).to_have_count(0)

    # The checklist turns green, line by line, as the form fills.
    ready = "Ready to go live: every check passes."
    expect(summary).to_have_text(ready, timeout=10_000)
    expect(checklist.locator(".is-failing")).to_have_count(0)
    page.screenshot(path=str(artifacts / "walk-writer-form.png"), full_page=True)

    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/change/$"))
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r"/change/$"))
    story = Article.objects.get(headline=HEADLINE)
    assert story.status == State.IN_REVIEW
    assert list(story.bylines.values_list("author__name", flat=True)) == [
        "Daniel Okafor"
    ]
    assert "data-library-image=" in story.body
    assert f'data-embed="{LANDING_VIDEO}"' in story.body
    assert "docs-internal-guid" not in story.body and "style=" not in story.body

    # The editor's desk shows it waiting, with the writer's name.
    page.context.clear_cookies()
    log_in(page, "editor", EDITOR_PASSWORD)
    queue = page.locator("#review-queue")
    row = queue.locator("tr", has_text=HEADLINE)
    expect(row).to_contain_text("Daniel Okafor")
    page.screenshot(path=str(artifacts / "walk-editors-desk.png"), full_page=True)

    # The editor's preview: figures with credits, the video a card until clicked.
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    player_requests = stub_player(page, "https://www.youtube-nocookie.com")
    page.goto(f"/admin/articles/article/{story.pk}/preview/")
    # The hero and the picture in the text, each with its credit, each drawn.
    credited = page.locator("main figure", has_text="(Image credit: NASA/JPL-Caltech)")
    expect(credited).to_have_count(2)
    for figure in credited.all():
        figure.scroll_into_view_if_needed()
        expect(figure.locator("img")).to_have_js_property("complete", True)
        assert figure.locator("img").evaluate("img => img.naturalWidth") > 0
    card = page.locator("figure.embed-youtube")
    button = card.get_by_role("button", name="Load the video from YouTube")
    expect(button).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert [url for url in requested if urlsplit(url).netloc != ours] == []
    assert player_requests == [] and external_requests == []
    page.screenshot(path=str(artifacts / "walk-editor-preview.png"), full_page=True)

    button.click()
    expect(card.locator("iframe")).to_have_attribute("src", re.compile(PLAYER))
    page.wait_for_load_state("networkidle")
    assert len(player_requests) == 1 and player_requests[0].startswith(PLAYER)
    assert external_requests == []

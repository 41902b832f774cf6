"""A writer files a story with the keyboard alone (issue 14): no mouse click
anywhere. She logs in, writes the headline and dek, chooses the section and
the hero picture, writes in the editor with bold and a bulleted list, places a
library picture through the picker and a video through the embed dialog,
saves and submits the story for review. The server then holds it in review
with all of it. Focus moves with Tab and Shift+Tab only, each press checked to
land somewhere visible."""

import re

from playwright.sync_api import expect

from articles.models import Article
from demo.content import WRITER_PASSWORD
from media_library import inline
from media_library.models import Image
from workflow.states import State

EDITOR = ".field-body .ProseMirror[contenteditable]"
VIDEO = "https://www.youtube.com/watch?v=4czjS9h4Fpg"
SHOTS = "/tmp/shots"  # noqa: S108 (screenshots for a person to look at)

# The focused element's accessible name, as near as the page gives it, and
# whether a focus ring (an outline or a box shadow) shows on it.
FOCUSED = """() => {
    const element = document.activeElement
    const labels = element.labels ? [...element.labels].map(l => l.textContent) : []
    const by = (element.getAttribute("aria-labelledby") || "").split(" ")
        .map(id => document.getElementById(id)?.textContent || "")
    const name = [element.getAttribute("aria-label"), ...by, ...labels,
                  element.getAttribute("title"), element.value, element.textContent]
        .filter(Boolean).join(" | ").replace(/\\s+/g, " ").trim()
    const style = getComputedStyle(element)
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none"
    return {name, ring, tag: element.tagName}
}"""


def tab_to(page, name: str, *, back: bool = False, most: int = 120) -> None:
    """Presses Tab (or Shift+Tab) until the focused element's name matches
    `name` (a field's name is its label's text, "Headline:"), checking each
    stop shows a focus ring."""
    pattern = re.compile(name)

    def there(focused):
        # The page itself (before the first stop, after the last) is no stop.
        return focused["tag"] != "BODY" and pattern.search(focused["name"])

    if there(page.evaluate(FOCUSED)):
        return  # there already (the form's first field has the focus)
    unringed = []
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["ring"] and focused["tag"] != "BODY":
            unringed.append(focused["name"][:60])
        if there(focused):
            assert not unringed, f"focus without a visible ring: {unringed}"
            return
    raise AssertionError(f"{name!r} not reached in {most} presses")


def test_a_writer_files_a_story_with_the_keyboard_alone(demo, page, now):
    hazcam = Image.objects.get(title__icontains="Hazcam")
    keyboard = page.keyboard

    page.goto("/admin/login/?next=/admin/articles/article/add/")
    expect(page.get_by_label("Username")).to_be_focused()
    keyboard.type("writer")
    keyboard.press("Tab")
    keyboard.type(WRITER_PASSWORD)
    keyboard.press("Enter")
    page.wait_for_url("**/admin/articles/article/add/")
    editor = page.locator(EDITOR)
    editor.wait_for()

    tab_to(page, "^Headline:")
    keyboard.type("Mars Sample Return's price worries Congress")
    tab_to(page, "^Dek:")
    keyboard.type("A review board put the mission's cost far above NASA's estimate.")
    tab_to(page, "^Section:")
    keyboard.press("ArrowDown")  # a closed list moves to the next choice
    expect(page.get_by_label("Section").locator("option:checked")).to_have_text("News")

    # The hero picker (select2): Enter opens it, typing searches, Enter picks.
    tab_to(page, "^Hero image:")
    keyboard.press("Enter")
    # Its search box takes the focus once the list has opened (on a loaded
    # machine, not at once): type there, not before.
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_be_focused()
    keyboard.type("Hazcam")
    # The search answers after a pause: Enter once its first answer is lit.
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(
        hazcam.title
    )
    keyboard.press("Enter")
    expect(page.locator("#id_hero_image")).to_have_value(str(hazcam.pk))

    # The editor: bold with Ctrl+B, a list with "- " at a line's start.
    tab_to(page, "^Body:")
    expect(editor).to_be_focused()
    keyboard.type("The review board's figure ")
    keyboard.press("Control+b")
    keyboard.type("surprised the committee")
    keyboard.press("Control+b")
    keyboard.type(".")
    keyboard.press("Enter")
    keyboard.type("- Launch slips to the 2030s")
    keyboard.press("Enter")
    keyboard.type("Costs pass $11 billion")
    keyboard.press("Enter")
    keyboard.press("Enter")  # out of the list

    # A library picture: the toolbar's button, the picker's search, a result.
    tab_to(page, "Insert a library picture", back=True)
    keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Insert a library picture")
    expect(dialog.get_by_label("Search the library")).to_be_focused()
    keyboard.type("hazcam")
    keyboard.press("Enter")
    dialog.get_by_text("1 picture found").wait_for()
    tab_to(page, "Perseverance rear Hazcam")
    keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(editor).to_be_focused()
    editor.locator(".library-image-node").wait_for()

    # A video: the toolbar's embed button, its address, Enter.
    keyboard.type("NASA said it would answer within a month.")
    tab_to(page, "Embed a video or post", back=True)
    keyboard.press("Enter")
    embed = page.get_by_role("dialog", name="Embed a video or post")
    expect(embed.get_by_label(re.compile("address", re.I))).to_be_focused()
    keyboard.type(VIDEO)
    keyboard.press("Enter")
    expect(embed).to_be_hidden()
    expect(editor).to_be_focused()
    editor.locator("[data-embed]").wait_for()
    page.screenshot(path=f"{SHOTS}/keyboard-written.png", full_page=True)

    tab_to(page, "Save and continue editing")
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/"))
    story = Article.objects.get(headline="Mars Sample Return's price worries Congress")
    assert story.status == State.DRAFT

    tab_to(page, "Submit for review")
    keyboard.press("Enter")
    expect(page.locator(".workflow-state")).to_have_text(re.compile("review", re.I))
    page.screenshot(path=f"{SHOTS}/keyboard-submitted.png", full_page=True)

    story.refresh_from_db()
    assert story.status == State.IN_REVIEW
    assert story.hero_image == hazcam
    assert story.section.name == "News"
    assert "<strong>surprised the committee</strong>" in story.body
    assert re.search(
        r"<ul>\s*<li>\s*<p>Launch slips to the 2030s</p>\s*</li>\s*"
        r"<li>\s*<p>Costs pass \$11 billion</p>\s*</li>\s*</ul>",
        story.body,
    ), story.body
    assert inline.image_ids(story.body) == [hazcam.pk]
    assert f'data-embed="{VIDEO}"' in story.body, story.body

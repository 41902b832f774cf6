"""Issue 11, "The editor keeps what the writer placed": a library picture in a
story body goes only when the writer removes it (its button, or selected and
Delete/Backspace), and comes back with Ctrl+Z. Typing, Enter or pasting while a
picture is selected writes after it, never over it."""

import re

from playwright.sync_api import expect

from articles.models import Article
from media_library import inline
from tests.browser.admin_login import log_in
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import WRITERS, sync_roles

PASSWORD = "sky-crane-test"
EDITOR = ".field-body .ProseMirror[contenteditable]"
SELECTED = re.compile(r"\bProseMirror-selectednode\b")  # ProseMirror's class for it

# The body's top-level blocks, as the editor holds them: ("p", text) or
# ("figure", image id).
BLOCKS = """editor => [...editor.children].map(block => block.tagName === "FIGURE"
    ? ["figure", block.getAttribute("data-library-image")]
    : [block.tagName.toLowerCase(), block.textContent])"""


def writer_with_a_picture():
    sync_roles()  # an earlier live-server test may have emptied the groups
    writer = user_in(WRITERS, username="wanda")
    writer.set_password(PASSWORD)
    writer.save()
    author = AuthorFactory(user=writer, name="Wanda Writer")
    image = ImageFactory(
        title="Ingenuity on the crater floor",
        alt_text="A small helicopter stands on reddish sand.",
        credit="NASA/JPL-Caltech",
    )
    return writer, author, image


def select_picture(page, placed):
    """Clicks the picture, as a writer would: after a click on some text, so
    that ProseMirror cannot take it for the second half of a double click."""
    page.locator(EDITOR).locator("p").first.click()
    placed.locator("img").click()
    expect(placed).to_have_class(SELECTED)


def blocks(page):
    return page.locator(EDITOR).evaluate(BLOCKS)


def test_typing_after_inserting_a_picture_keeps_it(page, artifacts):
    writer, _, image = writer_with_a_picture()
    SectionFactory(name="Mars")
    picture = str(image.pk)

    log_in(page, writer.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Ingenuity's last flight")
    page.get_by_label("Section").select_option(label="Mars")
    editor = page.locator(EDITOR)
    editor.click()
    page.keyboard.type("The helicopter flew 72 times.")
    page.keyboard.press("Enter")

    page.get_by_role("button", name="Insert a library picture").click()
    dialog = page.get_by_role("dialog", name="Insert a library picture")
    dialog.get_by_label("Search the library").fill("ingenuity")
    dialog.get_by_text("1 picture found").wait_for()
    dialog.locator(".library-image-choice").click()
    assert not dialog.is_visible()
    placed = editor.locator(".library-image-node")
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()

    # The writer keeps typing: the words go after the picture, in a paragraph.
    page.keyboard.type("Its rotor blades broke on landing.")
    page.keyboard.press("Enter")
    page.keyboard.type("NASA ended the mission.")
    assert blocks(page) == [
        ["p", "The helicopter flew 72 times."],
        ["figure", picture],
        ["p", "Its rotor blades broke on landing."],
        ["p", "NASA ended the mission."],
    ]
    page.screenshot(path=str(artifacts / "editor-figure-typed-after.png"))

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    story = Article.objects.get(headline="Ingenuity's last flight")
    assert inline.image_ids(story.body) == [image.pk]
    body = story.body
    assert (
        body.index("The helicopter flew 72 times.")
        < body.index(f'data-library-image="{picture}"')
        < body.index("Its rotor blades broke on landing.")
        < body.index("NASA ended the mission.")
    )

    # Removing it is deliberate: selected, then Delete. Ctrl+Z brings it back.
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()
    select_picture(page, placed)
    page.keyboard.press("Delete")
    assert placed.count() == 0
    page.keyboard.press("Control+z")
    assert placed.count() == 1
    assert blocks(page)[1] == ["figure", picture]
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()

    # And with Backspace.
    select_picture(page, placed)
    page.keyboard.press("Backspace")
    assert placed.count() == 0
    page.keyboard.press("Control+z")
    assert placed.count() == 1

    # The remove button: one Ctrl+Z brings the picture back, and only it: the
    # words typed just before stay.
    editor.get_by_text("NASA ended the mission.").click()
    expect(placed).not_to_have_class(SELECTED)  # the click has reached the editor
    page.keyboard.press("End")
    page.keyboard.type(" For good.")
    placed.get_by_role("button", name="Remove picture").click()
    assert placed.count() == 0
    page.keyboard.press("Control+z")
    assert placed.count() == 1
    assert blocks(page)[-1] == ["p", "NASA ended the mission. For good."]

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    story.refresh_from_db()
    assert inline.image_ids(story.body) == [image.pk]
    assert "For good." in story.body


def test_typing_on_a_selected_picture_writes_after_it(page, artifacts):
    writer, author, image = writer_with_a_picture()
    picture = str(image.pk)
    story = ArticleFactory(
        headline="Ingenuity grounded",
        body=(
            "<p>The helicopter's last flight.</p>"
            f'<figure data-library-image="{picture}" data-caption="Grounded"></figure>'
            "<p>It still sends weather data.</p>"
        ),
        authors=[author],
    )

    log_in(page, writer.username, PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    editor = page.locator(EDITOR)
    placed = editor.locator(".library-image-node")
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()

    # Clicked, then a letter: the picture stays, the letter starts a paragraph
    # of its own after it.
    select_picture(page, placed)
    page.keyboard.type("A")
    page.keyboard.type("fter 72 flights.")
    assert blocks(page) == [
        ["p", "The helicopter's last flight."],
        ["figure", picture],
        ["p", "After 72 flights."],
        ["p", "It still sends weather data."],
    ]

    # Enter on a selected picture opens a paragraph after it, too.
    select_picture(page, placed)
    page.keyboard.press("Enter")
    page.keyboard.type("Grounded in January.")
    assert blocks(page)[1:3] == [["figure", picture], ["p", "Grounded in January."]]
    select_picture(page, placed)
    page.keyboard.press("Shift+Enter")  # not a line break in its place
    assert blocks(page)[1:3] == [["figure", picture], ["p", ""]]
    page.keyboard.press("Backspace")  # the empty paragraph, not the picture
    assert blocks(page)[1:3] == [["figure", picture], ["p", "Grounded in January."]]
    page.screenshot(path=str(artifacts / "editor-figure-selected.png"))

    # A paste over a selected picture lands after it.
    select_picture(page, placed)
    editor.evaluate(
        """editor => {
            const data = new DataTransfer()
            data.setData("text/plain", "Pasted words.")
            editor.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }))
        }"""
    )
    assert blocks(page)[1:3] == [["figure", picture], ["p", "Pasted words."]]
    assert "Caption: Grounded" in placed.inner_text()

    # From the keyboard alone: the arrow key selects the picture, typing
    # still goes after it.
    editor.get_by_text("The helicopter's last flight.").click()
    page.keyboard.press("End")
    # ProseMirror learns of the caret's move from a later selectionchange
    # event; a writer is never faster than it, Playwright can be.
    page.wait_for_function(
        """editor => {
            const { empty, $head } = editor.editor.state.selection
            return empty && $head.parentOffset === $head.parent.content.size
                && $head.parent.textContent === "The helicopter's last flight."
        }""",
        arg=editor.element_handle(),
    )
    page.keyboard.press("ArrowRight")
    expect(placed).to_have_class(SELECTED)
    page.keyboard.type("Typed.")
    assert blocks(page)[1:3] == [["figure", picture], ["p", "Typed."]]

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    story.refresh_from_db()
    assert inline.image_ids(story.body) == [image.pk]
    assert 'data-caption="Grounded"' in story.body
    assert story.body.index("data-library-image") < story.body.index("Pasted words.")

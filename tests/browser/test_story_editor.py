"""A writer places library pictures in a story body with the editor, as in the
admin: search the library, pick, set a caption, see what a picture lacks, save;
the published page then shows the figure with its credit."""

from articles.models import Article
from media_library import inline
from tests.browser.admin_login import log_in
from tests.factories import AuthorFactory, ImageFactory, SectionFactory
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.roles import EDITORS, WRITERS, sync_roles
from workflow.states import State

PASSWORD = "sky-crane-test"


def test_writer_places_a_library_picture_in_the_body(page, artifacts):
    sync_roles()  # an earlier live-server test may have emptied the groups
    writer = user_in(WRITERS, username="wanda")
    writer.set_password(PASSWORD)
    writer.save()
    AuthorFactory(user=writer, name="Wanda Writer")
    SectionFactory(name="Mars")
    crash = ImageFactory(
        title="Perseverance sees the sky crane crash",
        alt_text="A plume of smoke rises on the horizon beyond rover tracks.",
        credit="NASA/JPL-Caltech",
    )
    uncredited = ImageFactory(title="Perseverance selfie", credit="")
    ImageFactory(title="Starship on the pad", credit="SpaceX")

    log_in(page, writer.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("The sky crane's final act")
    page.get_by_label("Dek").fill("The rover watched its descent stage crash.")
    page.get_by_label("Section").select_option(label="Mars")
    editor = page.locator(".field-body .ProseMirror[contenteditable]")
    editor.click()
    page.keyboard.type("The rover looked back at the descent stage.")

    # Search the library from the editor's menu, with the keyboard.
    page.get_by_role("button", name="Insert a library picture").click()
    dialog = page.get_by_role("dialog", name="Insert a library picture")
    dialog.get_by_label("Search the library").fill("perseverance")
    choices = dialog.locator(".library-image-choice")
    dialog.get_by_text("2 pictures found").wait_for()  # Starship does not match
    upload = dialog.get_by_role("link", name="Upload new pictures")
    assert upload.get_attribute("href") == "/admin/media_library/image/bulk-upload/"
    assert "No credit yet" in choices.filter(has_text="selfie").inner_text()
    dialog.get_by_label("Caption for this story").fill("The crash, from 1.2 miles")
    choices.filter(has_text="sky crane crash").focus()
    page.keyboard.press("Enter")
    assert not dialog.is_visible()

    placed = editor.locator(".library-image-node").first
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()
    assert "The crash, from 1.2 miles" in placed.inner_text()

    # A second picture, lacking a credit: the editor says so where it sits.
    page.get_by_role("button", name="Insert a library picture").click()
    dialog.get_by_label("Search the library").fill("selfie")
    dialog.get_by_text("1 picture found").wait_for()
    dialog.locator(".library-image-choice").filter(has_text="selfie").click()
    second = editor.locator(".library-image-node").nth(1)
    second.get_by_text("No credit yet").wait_for()

    # ...and the writer changes their mind about it.
    second.get_by_role("button", name="Remove picture").click()
    assert editor.locator(".library-image-node").count() == 1

    # The caption for this story can be changed in place.
    placed.get_by_role("button", name="Edit caption").click()
    caption = page.get_by_role("dialog", name="Caption for this story")
    caption.get_by_role("textbox").fill("The crash, seen from 1.2 miles away")
    caption.get_by_role("button", name="Save caption").click()
    placed.get_by_text("seen from 1.2 miles away").wait_for()
    page.screenshot(path=str(artifacts / "story-editor-library-picture.png"))

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")

    story = Article.objects.get(headline="The sky crane's final act")
    assert inline.image_ids(story.body) == [crash.pk]
    assert 'data-caption="The crash, seen from 1.2 miles away"' in story.body
    assert list(story.inline_image_rows.values_list("image", flat=True)) == [crash.pk]
    assert uncredited.pk not in inline.image_ids(story.body)

    # Reopened, the editor draws the saved picture again.
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    placed = page.locator(".field-body .library-image-node")
    placed.get_by_text("Image credit: NASA/JPL-Caltech").wait_for()

    # Published, readers see the figure with its caption and credit.
    story.status = State.APPROVED
    story.save()
    services.transition(story, "publish", by=user_in(EDITORS, username="edie"))
    page.goto(story.get_absolute_url())
    figure = page.locator(".story-body figure")
    assert figure.count() == 1
    text = figure.inner_text()
    assert "The crash, seen from 1.2 miles away" in text
    assert "(Image credit: NASA/JPL-Caltech)" in text
    img = figure.locator("img")
    assert img.get_attribute("alt") == crash.alt_text
    img.evaluate("img => img.decode()")  # the rendition loads
    assert img.evaluate("img => img.naturalWidth") > 0

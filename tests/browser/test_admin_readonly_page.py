"""A writer opens their story while it is in review: the page is read-only and
shows the body as readers will get it, pictures drawn, with the workflow panel's
Preview and History links; "View on site" opens the preview."""

from tests.browser.admin_login import log_in
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.roles import WRITERS, sync_roles
from workflow.states import State

PASSWORD = "sky-crane-test"


def test_writer_reads_their_story_in_review_as_readers_will(page, artifacts):
    sync_roles()  # an earlier live-server test may have emptied the groups
    writer = user_in(WRITERS, username="wanda")
    writer.set_password(PASSWORD)
    writer.save()
    tower = ImageFactory(
        title="Catch tower",
        alt_text="The tower's arms close around the descending booster.",
        credit="SpaceX",
    )
    story = ArticleFactory(
        headline="Booster caught on the first try",
        body="<h2>The catch</h2><p>The booster was caught by the "
        "<strong>chopsticks</strong>.</p>"
        f'<figure data-library-image="{tower.pk}" '
        'data-caption="The catch, from the causeway"></figure>'
        "<ul><li>Flight 5</li><li>October 13</li></ul>",
        created_by=writer,
        status=State.DRAFT,
    )
    story.bylines.create(author=AuthorFactory(user=writer, name="Wanda Writer"))
    services.save_revision(story, by=writer)
    services.transition(story, "submit", by=writer)

    log_in(page, writer.username, PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    body = page.locator(".story-body-read-only")
    assert body.locator("strong").inner_text() == "chopsticks"
    assert body.get_by_role("heading", name="The catch").is_visible()
    assert body.locator("li").count() == 2
    figure = body.locator("figure")
    assert "The catch, from the causeway" in figure.inner_text()
    assert "(Image credit: SpaceX)" in figure.inner_text()
    img = figure.locator("img")
    assert img.get_attribute("alt") == tower.alt_text
    img.evaluate("img => img.decode()")  # the rendition loads
    assert img.evaluate("img => img.naturalWidth") > 0
    box = img.bounding_box()
    assert box["width"] <= page.viewport_size["width"]  # fits the page
    assert "<strong>" not in page.locator("#content").inner_text()
    assert page.locator(".field-body .ProseMirror, textarea[name=body]").count() == 0
    assert page.get_by_role("button", name="Save", exact=True).count() == 0

    panel = page.locator(".workflow-panel")
    assert panel.locator(".workflow-state").inner_text() == "In review"
    assert panel.get_by_role("link", name="History and revisions").is_visible()
    assert panel.get_by_role("button", name="Withdraw from review").is_visible()
    page.screenshot(path=str(artifacts / "admin-readonly-story.png"), full_page=True)

    with page.expect_popup() as opened:
        panel.get_by_role("link", name="Preview").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "not on the public site" in preview.locator("body").inner_text()
    preview.close()

    page.get_by_role("link", name="View on site").click()
    page.wait_for_url(f"**/admin/articles/article/{story.pk}/preview/")
    assert page.locator("h1").inner_text() == "Booster caught on the first try"

    page.goto(f"/admin/articles/article/{story.pk}/revisions/")
    assert page.get_by_role("link", name="Preview").count() == 1
    assert page.get_by_role("button", name="Restore").count() == 0

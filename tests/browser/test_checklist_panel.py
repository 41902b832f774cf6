"""The pre-publish checklist beside the story editor, in a browser (issue 14):
the editor opens the demo's sky-crane story, empties the dek and sees its line
turn to fix within seconds, with the count of lines left announced; the line's
link takes her to the field; typing a dek turns it back. The panel is axe-clean
and its script a static file (the strict Content-Security-Policy)."""

from playwright.sync_api import expect

from articles.models import Article
from demo.content import EDITOR_PASSWORD, SKY_CRANE_SLUG
from tests.browser.admin_login import log_in

PANEL_AXE = """async () => (await axe.run("#checklist", {resultTypes: ["violations"]}))
    .violations.map(v => `${v.id}: ${v.nodes.map(n => n.target[0]).join(", ")}`)"""


def test_the_checklist_follows_the_typing(demo, page, axe, artifacts):
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    log_in(page, "editor", EDITOR_PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")

    panel = page.locator("#checklist")
    summary = panel.locator("#checklist-summary")
    dek = panel.locator("[data-key=dek]")
    expect(summary).to_have_text("Ready to go live: every check passes.")
    expect(dek).to_have_class("checklist-item is-passed")
    assert dek.get_by_role("img", name="Done:").is_visible()
    assert page.locator("script:not([src])").count() <= 1  # the editor's importmap

    page.get_by_label("Dek").fill("")
    expect(dek).to_have_class("checklist-item is-failing", timeout=5_000)
    expect(dek.get_by_role("img", name="To fix:")).to_be_visible()
    expect(dek).to_contain_text("It has no dek: write one or two sentences")
    expect(summary).to_have_text("1 of 10 checks to fix before this can go live.")
    assert summary.get_attribute("aria-live") == "polite"
    page.screenshot(path=artifacts / "checklist-panel-red.png", full_page=True)

    dek.get_by_role("link", name="Dek (the standfirst under the headline)").click()
    expect(page.get_by_label("Dek")).to_be_focused()
    page.keyboard.type("The rover looked back at the descent stage's last flight.")
    expect(dek).to_have_class("checklist-item is-passed", timeout=5_000)
    expect(summary).to_have_text("Ready to go live: every check passes.")

    # Typing in the story editor (its hidden textarea follows) asks again,
    # with the text as typed.
    page.locator(".field-body .ProseMirror[contenteditable]").click()
    page.keyboard.press("Control+End")
    with page.expect_request(lambda r: r.url.endswith("/checklist/")) as asked:
        page.keyboard.type(" Sky crane away")
    assert "Sky crane away" in (asked.value.post_data or "")
    expect(summary).to_have_text("Ready to go live: every check passes.")

    whole_form = axe(page)
    assert page.evaluate(PANEL_AXE) == []
    assert [v for v in whole_form if "checklist" in v] == []
    assert Article.objects.get(pk=story.pk).dek == story.dek  # nothing saved

"""Nothing a writer or editor types is lost, tried as people use the admin on
the demo newsroom (issue 11): two editors saving the same story, a tab closed
before saving, a connection lost while typing, and leaving with unsaved text."""

import re

from articles.models import Article
from demo.content import EDITOR_PASSWORD, SKY_CRANE_SLUG, WRITER_PASSWORD
from tests.browser.admin_login import log_in
from tests.newsroom.workflow_helpers import user_in
from workflow.models import Draft
from workflow.roles import EDITORS


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    return context, context.new_page()


def body_editor(page):
    return page.locator(".field-body .ProseMirror[contenteditable]")


def wait_for_draft(page):
    page.locator("#autosave-status", has_text="Draft kept at").wait_for(timeout=20_000)


def test_two_editors_save_the_sky_crane_story_and_merge(
    demo, browser, live_server, page, artifacts
):
    second = user_in(EDITORS, username="priya", first_name="Priya", last_name="R")
    second.set_password(EDITOR_PASSWORD)
    second.save()
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    change = f"/admin/articles/article/{story.pk}/change/"
    original_headline = story.headline

    log_in(page, "editor", EDITOR_PASSWORD)
    page.goto(change)
    context_b, page_b = new_page(browser, live_server)
    try:
        log_in(page_b, "priya", EDITOR_PASSWORD)
        page_b.goto(change)
        # Each sees that the other has it open.
        page_b.locator("#presence-notice", has_text="Demo Editor").wait_for()

        # The first editor changes the dek and saves.
        page.get_by_label("Dek").fill("The descent stage came down a mile away.")
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/articles/article/")

        # The second changes the headline from the form loaded before, and saves.
        page_b.get_by_label("Headline").fill("Perseverance filmed its sky crane crash")
        page_b.get_by_role("button", name="Save", exact=True).click()
        panel = page_b.locator(".editing-conflict")
        panel.wait_for()
        assert "Nothing was overwritten" in panel.inner_text()
        dek_row = panel.locator("tr[data-field=dek]")
        assert (
            "came down a mile away" in dek_row.locator(".conflict-theirs").inner_text()
        )
        assert dek_row.get_by_label("Current").is_checked()
        headline_row = panel.locator("tr[data-field=headline]")
        assert headline_row.get_by_label("Mine").is_checked()
        # Their text is still in the form, and stored as their draft.
        assert page_b.get_by_label("Headline").input_value() == (
            "Perseverance filmed its sky crane crash"
        )
        page_b.screenshot(path=str(artifacts / "conflict-merge.png"), full_page=True)
        story.refresh_from_db()
        assert story.headline == original_headline
        assert story.dek == "The descent stage came down a mile away."
        draft = Draft.objects.get(user=second, object_id=story.pk)
        assert draft.data["headline"] == "Perseverance filmed its sky crane crash"

        # Saving with the choices shown keeps both.
        page_b.get_by_role("button", name="Save", exact=True).click()
        page_b.wait_for_url("**/admin/articles/article/")
        story.refresh_from_db()
        assert story.headline == "Perseverance filmed its sky crane crash"
        assert story.dek == "The descent stage came down a mile away."
    finally:
        context_b.close()


def test_a_closed_tab_gives_the_text_back(demo, browser, live_server, page, artifacts):
    context, writer_page = new_page(browser, live_server)
    log_in(writer_page, "writer", WRITER_PASSWORD)
    writer_page.goto("/admin/articles/article/add/")
    writer_page.get_by_label("Headline").fill("Ingenuity's last flight")
    body_editor(writer_page).click()
    paragraphs = [
        "The helicopter flew seventy-two times.",
        "Its last landing broke a rotor blade.",
        "The team said goodbye in a short ceremony.",
    ]
    for text in paragraphs[:2]:
        writer_page.keyboard.type(text)
        writer_page.keyboard.press("Enter")
    wait_for_draft(writer_page)
    writer_page.keyboard.type(paragraphs[2])  # closed before autosave runs
    context.close()  # the tab is gone: nothing was saved

    log_in(page, "writer", WRITER_PASSWORD)
    page.goto("/admin/articles/article/add/")
    offer = page.locator(".editing-offer")
    offer.get_by_text("Ingenuity's last flight").wait_for()
    page.screenshot(path=str(artifacts / "restore-offer.png"), full_page=True)
    offer.get_by_role("link", name="Restore").click()
    page.locator("#autosave-status", has_text="draft is back").wait_for()
    assert page.get_by_label("Headline").input_value() == "Ingenuity's last flight"
    text = body_editor(page).inner_text()
    assert paragraphs[0] in text and paragraphs[1] in text


def test_typing_offline_reaches_the_server_when_back(
    demo, page, artifacts, django_user_model
):
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    log_in(page, "editor", EDITOR_PASSWORD)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.context.set_offline(True)
    page.get_by_label("Dek").fill("Typed on a train through a tunnel.")
    page.locator("#autosave-status", has_text="Not saved yet, retrying").wait_for(
        timeout=20_000
    )
    page.screenshot(path=str(artifacts / "autosave-offline.png"))
    assert not Draft.objects.exists()
    page.context.set_offline(False)
    wait_for_draft(page)
    editor = django_user_model.objects.get(username="editor")
    draft = Draft.objects.get(user=editor, object_id=story.pk)
    assert draft.data["dek"] == "Typed on a train through a tunnel."
    story.refresh_from_db()
    assert story.dek != "Typed on a train through a tunnel."  # a draft, not a save


def test_leaving_with_unsaved_text_asks_first(demo, page):
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    log_in(page, "editor", EDITOR_PASSWORD)
    change = f"/admin/articles/article/{story.pk}/change/"
    page.goto(change)
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_label("Headline").fill("A headline not saved yet")
    page.get_by_role("link", name="Stories").first.click()
    for _ in range(100):  # the dialog comes when the browser gets to it
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked == ["beforeunload"]
    assert re.search(rf"{change}$", page.url)
    assert page.get_by_label("Headline").input_value() == "A headline not saved yet"

    # Saving is not leaving.
    page.remove_listener("dialog", answer)
    page.on("dialog", lambda dialog: asked.append(dialog.type) or dialog.accept())
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    assert asked == ["beforeunload"]


def test_text_typed_offline_survives_a_closed_tab(demo, page, django_user_model):
    """The connection drops, the writer gives up and closes the tab; when the
    story is opened again, what stayed in the browser reaches the server."""
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    change = f"/admin/articles/article/{story.pk}/change/"
    log_in(page, "editor", EDITOR_PASSWORD)
    first = page.context.new_page()
    first.goto(change)
    page.context.set_offline(True)
    first.get_by_label("Dek").fill("Written with no connection at all.")
    first.locator("#autosave-status", has_text="Not saved yet").wait_for(timeout=20_000)
    first.close(run_before_unload=False)
    assert not Draft.objects.exists()

    page.context.set_offline(False)
    again = page
    again.goto(change)
    again.get_by_role("link", name="Restore it").wait_for(timeout=20_000)
    editor = django_user_model.objects.get(username="editor")
    draft = Draft.objects.get(user=editor, object_id=story.pk)
    assert draft.data["dek"] == "Written with no connection at all."
    again.get_by_role("link", name="Restore it").click()
    assert again.get_by_label("Dek").input_value() == (
        "Written with no connection at all."
    )

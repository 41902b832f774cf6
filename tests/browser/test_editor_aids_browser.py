"""Issue 14, around the editor, in a browser: the word count and reading time
follow the writer's typing and agree with the story page's; the length hints
and the search and social previews follow the fields; a Google Docs paste lands
as clean paragraphs with bold only where bold was; the form passes axe."""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from articles.checklist import SEO_DESCRIPTION_MAX, SEO_TITLE_MAX
from articles.models import Article
from core.sanitize import clean_html
from media_library.templatetags.media_library import image_url
from tests.browser.admin_login import log_in
from tests.browser.editing import EDITOR, paste
from tests.factories import AuthorFactory, ImageFactory, SectionFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import WRITERS, sync_roles

PASSWORD = "sky-crane-test"
GOOGLE_DOCS = (
    Path(__file__).parents[1] / "core" / "fixtures" / "paste" / "google-docs.html"
)


def writer_on_the_add_form(page):
    sync_roles()  # an earlier live-server test may have emptied the groups
    writer = user_in(WRITERS, username="wanda")
    writer.set_password(PASSWORD)
    writer.save()
    AuthorFactory(user=writer, name="Wanda Writer")
    SectionFactory(name="Mars")
    log_in(page, writer.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.locator(EDITOR).wait_for()


def test_word_count_and_reading_time_follow_the_typing(page, artifacts):
    writer_on_the_add_form(page)
    count = page.locator(".story-aids-count")
    expect(count).to_have_text("No words yet")

    page.get_by_label("Headline").fill("The sky crane's final act")
    page.get_by_label("Section").select_option(label="Mars")
    page.locator(EDITOR).click()
    page.keyboard.type("The descent stage flew away.")
    expect(count).to_have_text("5 words · 1 min read")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(" ".join(["crater"] * 240))
    expect(count).to_have_text("245 words · 2 min read")
    page.screenshot(path=str(artifacts / "editor-aids-word-count.png"), full_page=True)

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/articles/article/")
    story = Article.objects.get(headline="The sky crane's final act")
    assert story.reading_minutes == 2  # what readers will see


def test_length_hints_and_previews_follow_the_fields(page, live_server):
    image = ImageFactory(title="Hazcam plume", alt_text="A plume of dust.")
    writer_on_the_add_form(page)

    headline = page.get_by_label("Headline")
    headline.fill("The sky crane's final act")
    hint = page.locator("#id_headline_length")
    expect(hint).to_have_text("25 of 255 characters")
    expect(hint).to_have_attribute("aria-live", "polite")
    assert "id_headline_length" in headline.get_attribute("aria-describedby")
    page.get_by_label("Dek").fill("The descent stage crashed where it was meant to.")

    serp = page.locator(".serp")
    expect(serp.locator(".serp-title")).to_have_text(
        f"The sky crane's final act | {settings.SITE_NAME}"
    )
    expect(serp.locator(".serp-url")).to_contain_text("› stories › the-sky-cranes")
    expect(serp.locator(".serp-description")).to_have_text(
        "The descent stage crashed where it was meant to."
    )
    card = page.locator(".social-card")
    expect(card.locator(".social-card-title")).to_have_text("The sky crane's final act")
    expect(card).to_contain_text("No hero picture")

    # The SEO fields take over; past the length the checklist allows, the hint
    # warns, and the search result is cut at a word.
    page.get_by_text("Search and sharing").click()
    long_title = (
        "Perseverance watched its sky crane crash on Mars, and here is the photo "
        "it took"
    )
    page.get_by_label("SEO title").fill(long_title)
    seo_hint = page.locator("#id_seo_title_length")
    expect(seo_hint).to_have_text(
        f"79 of {SEO_TITLE_MAX} characters: 9 characters too many; "
        "search results and cards cut the rest"
    )
    expect(seo_hint).to_have_class("length-hint length-hint-over")
    expect(serp.locator(".serp-title")).to_have_text(
        "Perseverance watched its sky crane crash on Mars, and here is the ..."
    )
    expect(card.locator(".social-card-title")).to_have_text(long_title)
    page.get_by_label("SEO title").fill("The sky crane's last photo")
    expect(seo_hint).to_have_text(f"26 of {SEO_TITLE_MAX} characters")
    expect(seo_hint).to_have_class("length-hint")
    expect(page.locator("#id_seo_description_length")).to_have_text(
        f"0 of {SEO_DESCRIPTION_MAX} characters"
    )

    # The hero picture chosen in its picker (select2) shows on the card.
    page.evaluate(
        """([id, text]) => django.jQuery("#id_hero_image")
            .append(new Option(text, id, true, true)).trigger("change")""",
        [str(image.pk), image.title],
    )
    picture = card.locator(".social-card-picture img")
    expect(picture).to_have_attribute("src", image_url(image, "thumbnail"))


def test_a_google_docs_paste_lands_clean(page, axe, artifacts):
    writer_on_the_add_form(page)
    editor = page.locator(EDITOR)
    editor.click()
    page.keyboard.type("Before the paste.")
    page.keyboard.press("Enter")
    refused = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and refused.append(m.text),
    )
    paste(editor, html=GOOGLE_DOCS.read_text())

    editor.locator("h2", has_text="What the team checks next").wait_for()
    expect(editor.locator("strong")).to_have_text(["crashed 650 metres away", "sample"])
    expect(editor.locator("em")).to_have_text(["Perseverance", "sample"])
    expect(editor.locator("h2")).to_have_text(
        ["The sky crane's final act", "What the team checks next"]
    )
    expect(editor.locator("li")).to_have_text(["The wheels", "The sample tubes"])
    expect(editor.locator("a")).to_have_attribute(
        "href", "https://mars.nasa.gov/mars2020/spacecraft/rover/cameras/"
    )
    assert editor.locator("b, span, [style]").count() == 0
    # The whole paste is not one bold block: the plain paragraphs are plain.
    first = editor.locator("p", has_text="Seconds after it lowered the rover")
    assert first.evaluate("p => getComputedStyle(p).fontWeight") == "400"

    # What the editor holds is what the server keeps of it.
    stored = page.locator("textarea[name=body]").input_value()
    assert clean_html(stored).count("<strong>") == 2
    for gone in ("docs-internal", "style=", "<b>", "google.com/url", "<span"):
        assert gone not in stored
    page.screenshot(path=str(artifacts / "editor-aids-paste.png"), full_page=True)
    # The clipboard's styles never met the admin's Content-Security-Policy:
    # no refusal logged while the paste was read.
    assert refused == []

    # The form, with what this adds to it, passes axe.
    page.get_by_text("Search and sharing").click()
    assert axe(page) == []

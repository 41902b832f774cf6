"""Issue 14, embeds, in a browser: the reader's click-to-load video requests
nothing from the video site before the click (every request the page makes is
recorded), and the writer embeds a video by its address in the real editor,
where a hostile address and pasted embed code are refused with the text kept.

No test reaches the network: the video site's frame is answered by a local
stub (`page.route`), and every other outside request is refused and recorded
by the `page` fixture."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from articles.models import Article
from tests.browser.admin_login import log_in
from tests.browser.editing import EDITOR, paste, stub_player
from tests.factories import AuthorFactory, SectionFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import WRITERS, sync_roles

SKY_CRANE = "/stories/perseverance-sky-crane-crash-photo/"
LANDING_VIDEO = "https://www.youtube.com/watch?v=4czjS9h4Fpg"
PLAYER = "https://www.youtube-nocookie.com/embed/4czjS9h4Fpg"
PASSWORD = "sky-crane-test"


def test_the_video_loads_only_after_the_readers_click(
    page, demo, live_server, external_requests, axe, artifacts
):
    ours = urlsplit(live_server.url).netloc
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    player_requests = stub_player(page, "https://www.youtube-nocookie.com")

    response = page.goto(SKY_CRANE)
    assert (
        "https://www.youtube-nocookie.com"
        in (response.headers["content-security-policy"])
    )
    card = page.locator("figure.embed-youtube")
    expect(card).to_contain_text("YouTube video")
    expect(card).to_contain_text("Perseverance rover's descent and touchdown on Mars")
    expect(card.get_by_role("link", name="Watch it on YouTube")).to_have_attribute(
        "href", LANDING_VIDEO
    )
    button = card.get_by_role("button", name="Load the video from YouTube")
    expect(button).to_be_visible()
    assert card.locator("iframe").count() == 0
    page.wait_for_load_state("networkidle")
    assert axe(page) == []

    # Before the click: every request went to our own site.
    elsewhere = [url for url in requested if urlsplit(url).netloc != ours]
    assert elsewhere == [], elsewhere
    assert player_requests == [] and external_requests == []
    card.screenshot(path=str(artifacts / "embed-before-click.png"))

    # From the keyboard: the button takes focus and Enter presses it.
    button.focus()
    page.keyboard.press("Enter")
    frame = card.locator("iframe")
    # One click plays it: the player is asked to start (Permissions-Policy allows it).
    expect(frame).to_have_attribute("src", PLAYER + "?autoplay=1")
    assert "autoplay" in (frame.get_attribute("allow") or "")
    # `allow` grants fullscreen; the old attribute beside it drew a console warning.
    assert frame.get_attribute("allowfullscreen") is None
    expect(frame).to_have_attribute("title", re.compile(r"^YouTube video: "))
    expect(frame).to_be_focused()
    # The CSP let the frame load: the stub answered it and its page shows.
    # (Not "networkidle": Chromium never reports it for a cross-site frame.)
    expect(card.frame_locator("iframe").locator("p")).to_have_text(
        "The test's stand-in player."
    )
    assert player_requests == [PLAYER + "?autoplay=1"]
    assert external_requests == []
    assert page.frame(url=PLAYER + "?autoplay=1") is not None
    assert axe(page) == []


def writer_at_the_form(page):
    editor = a_new_story(page)
    editor.click()
    page.keyboard.type("Watch the last minutes of the landing.")
    page.keyboard.press("Enter")
    return editor


def a_new_story(page):
    sync_roles()  # an earlier live-server test may have emptied the groups
    writer = user_in(WRITERS, username="wanda")
    writer.set_password(PASSWORD)
    writer.save()
    AuthorFactory(user=writer, name="Wanda Writer")
    SectionFactory(name="Mars")
    log_in(page, writer.username, PASSWORD)
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("The landing, on video")
    page.get_by_label("Section").select_option(label="Mars")
    return page.locator(EDITOR)


def test_a_new_story_opens_with_a_paragraph_not_an_embed(page, external_requests):
    """The embed is one block among others: a new body starts as a paragraph
    the writer types into, with no empty embed waiting in it."""
    editor = a_new_story(page)
    editor.wait_for()
    assert editor.locator("figure, [data-embed]").count() == 0
    assert editor.locator("p").count() == 1


def test_the_writer_embeds_a_video_by_its_address(page, axe, external_requests):
    editor = writer_at_the_form(page)

    page.get_by_role("button", name="Embed a video or post").click()
    dialog = page.get_by_role("dialog", name="Embed a video or post")
    address = dialog.get_by_label(re.compile("^Address of the video or post"))
    expect(address).to_be_focused()
    assert axe(page) == []

    # A lookalike host is refused in the dialog, with the reason.
    address.fill("https://youtube.com.evil.test/watch?v=4czjS9h4Fpg")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("status")).to_contain_text("not a site we embed")
    expect(address).to_have_attribute("aria-invalid", "true")

    address.fill("https://youtu.be/4czjS9h4Fpg")
    dialog.get_by_label("Title shown to readers (optional)").fill("The landing")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    placed = editor.locator(".embed-node")
    expect(placed).to_contain_text("YouTube")
    expect(placed).to_contain_text(LANDING_VIDEO)

    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/change/$"))
    story = Article.objects.get(headline="The landing, on video")
    assert "<p>Watch the last minutes of the landing.</p>" in story.body
    assert f'<figure data-embed="{LANDING_VIDEO}" data-title="The landing">' in (
        story.body
    )
    assert external_requests == []


def test_pasted_embed_code_is_refused_and_the_text_kept(page, external_requests):
    editor = writer_at_the_form(page)
    code = (
        '<iframe width="560" height="315" '
        'src="https://www.youtube.com/embed/4czjS9h4Fpg"></iframe>'
    )
    paste(editor, text=code)  # as copied from a Share box
    alert = page.get_by_role("dialog", name="This cannot be embedded")
    expect(alert).to_contain_text("Paste the video's or post's address instead")
    alert.get_by_role("button", name="OK").click()
    expect(editor).to_contain_text("Watch the last minutes of the landing.")
    assert "iframe" not in editor.inner_html()
    assert external_requests == []


def test_the_writer_embeds_our_story_from_the_picker_by_keyboard(
    page, axe, external_requests
):
    """ "Embed a story or gallery": a labelled dialog whose search box lists
    what the writer may see as they type; Down and Enter embed a story, Escape
    closes the list and then the dialog, and focus goes back to the editor."""
    from tests.factories import ArticleFactory

    public = ArticleFactory(headline="Sky crane lowers the rover", published=True)
    ArticleFactory(headline="Sky crane secret draft")  # another's draft
    editor = writer_at_the_form(page)

    # Escape closes the list, a second Escape the dialog; focus is back.
    page.get_by_role("button", name="Embed a story or gallery").click()
    dialog = page.get_by_role("dialog", name="Embed a story or gallery")
    search = dialog.get_by_role("combobox", name="Search our stories and galleries")
    expect(search).to_be_focused()
    search.press_sequentially("sky crane")
    options = dialog.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Sky crane lowers the rover")
    expect(dialog).not_to_contain_text("secret draft")
    expect(search).to_have_attribute("aria-expanded", "true")
    assert axe(page) == []
    page.keyboard.press("Escape")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(editor).to_be_focused()
    assert editor.locator(".embed-node").count() == 0

    page.get_by_role("button", name="Embed a story or gallery").click()
    search = dialog.get_by_role("combobox", name="Search our stories and galleries")
    search.press_sequentially("lowers")
    expect(options).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_css("outline-style", "solid")  # seen, not only read
    expect(search).to_have_attribute(
        "aria-activedescendant", options.first.get_attribute("id")
    )
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    placed = editor.locator(".embed-node")
    expect(placed).to_contain_text("Our story")
    expect(placed).to_contain_text("Sky crane lowers the rover")
    expect(editor).to_be_focused()

    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/change/$"))
    story = Article.objects.get(headline="The landing, on video")
    assert f'<figure data-embed="story:{public.pk}">' in story.body
    assert external_requests == []


def test_escape_drops_a_search_still_on_its_way(page, external_requests):
    """The writer types and presses Escape before the search has gone out:
    the list stays closed, and that search is never sent (the page's timers
    run on Playwright's clock, so "before" is exact, whatever the machine's
    load)."""
    from tests.factories import ArticleFactory

    ArticleFactory(headline="Sky crane lowers the rover", published=True)
    page.clock.install()
    writer_at_the_form(page)
    asked = []
    page.on(
        "request",
        lambda r: asked.append(r.url) if "/embed-choices/" in r.url else None,
    )
    page.get_by_role("button", name="Embed a story or gallery").click()
    dialog = page.get_by_role("dialog", name="Embed a story or gallery")
    search = dialog.get_by_role("combobox", name="Search our stories and galleries")
    search.press_sequentially("sky crane")
    page.clock.run_for(300)
    expect(dialog.get_by_role("option")).to_have_count(1)

    search.press_sequentially(" l")  # a search waits 200 ms after the last key
    page.keyboard.press("Escape")
    expect(search).to_have_attribute("aria-expanded", "false")
    page.clock.run_for(1000)
    # A barrier: the next search the page sends comes after any it had queued.
    with page.expect_request(lambda r: "q=sky+crane+lo" in r.url):
        search.press_sequentially("o")
        page.clock.run_for(300)
    assert not any("q=sky+crane+l&" in u or u.endswith("q=sky+crane+l") for u in asked)

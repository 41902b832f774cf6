"""Embeds in a story's body (articles.embeds): each provider's address becomes
a typed placeholder and a card drawn by us; hostile addresses and pasted embed
code are refused with the writer's text kept; our own stories and galleries
show only while public; feeds and JSON-LD carry a plain link; the CSP allows
only the providers' frames, and only on a page embedding them."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles import embeds
from articles.models import Status
from core.sanitize import clean_html
from media_library import inline
from tests.factories import ArticleFactory, AuthorFactory, GalleryFactory
from tests.newsroom.workflow_helpers import edit_data, user_in
from workflow import services
from workflow.roles import EDITORS, WRITERS

pytestmark = pytest.mark.django_db

PROVIDERS = [
    # (pasted, canonical, provider, frame or "" for a link card)
    (
        "https://www.youtube.com/watch?v=P4boyXQuUIw&t=42s",
        "https://www.youtube.com/watch?v=P4boyXQuUIw",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/P4boyXQuUIw",
    ),
    (
        "https://youtu.be/P4boyXQuUIw",
        "https://www.youtube.com/watch?v=P4boyXQuUIw",
        "YouTube",
        "https://www.youtube-nocookie.com/embed/P4boyXQuUIw",
    ),
    (
        "https://vimeo.com/514145519",
        "https://vimeo.com/514145519",
        "Vimeo",
        "https://player.vimeo.com/video/514145519?dnt=1",
    ),
    (
        "https://images.nasa.gov/details/jsc2021m000002_Perseverance_Landing",
        "https://images.nasa.gov/details/jsc2021m000002_Perseverance_Landing",
        "NASA Image and Video Library",
        "",
    ),
    (
        "https://twitter.com/NASAPersevere/status/1364631305493508096",
        "https://x.com/NASAPersevere/status/1364631305493508096",
        "X",
        "",
    ),
    (
        "https://bsky.app/profile/nasa.gov/post/3kabc2def3ghi",
        "https://bsky.app/profile/nasa.gov/post/3kabc2def3ghi",
        "Bluesky",
        "",
    ),
    (
        "https://mastodon.social/@nasa/113456789012345678",
        "https://mastodon.social/@nasa/113456789012345678",
        "Mastodon",
        "https://mastodon.social/@nasa/113456789012345678/embed",
    ),
]

HOSTILE = [
    ("javascript:alert(1)", "https://"),
    ("data:text/html,<script>alert(1)</script>", "https://"),
    ("http://www.youtube.com/watch?v=P4boyXQuUIw", "secure address"),
    ("https://youtube.com.evil.test/watch?v=P4boyXQuUIw", "not a site we embed"),
    ("https://www.youtube.com@evil.test/watch?v=P4boyXQuUIw", "user name"),
    ("https://evil.test\\@www.youtube.com/watch?v=P4boyXQuUIw", "user name"),
    ("https://www.youtube.com:444/watch?v=P4boyXQuUIw", "port"),
    ("https://evilyoutube.com/watch?v=P4boyXQuUIw", "not a site we embed"),
    ("https://www.youtube.com/watch?v=P4boyXQuUIw" + "&x=1" * 200, "too long"),
    ("https://www.youtube.com/watch?v=P4boy XQuUIw", "spaces"),
    ("https://www.youtube.com/redirect?q=https://evil.test", "one video"),
    ("https://mastodon.evil.test/@nasa/1", "not a site we embed"),
    ("https://example.com/video.mp4", "not a site we embed"),
]


def body_of(response) -> str:
    page = response.content.decode()
    after = page.split('<div class="story-body">')[1]
    return re.split(r'<section class="|<p class="gallery-link">', after)[0]


def published_story(**kwargs):
    return ArticleFactory(published=True, **kwargs)


def embed_html(url, **kwargs) -> str:
    return embeds.placeholder(embeds.parse(url, **kwargs))


# --- Parsing ------------------------------------------------------------------


@pytest.mark.parametrize(("pasted", "canonical", "provider", "frame"), PROVIDERS)
def test_each_provider_parses_to_its_typed_embed(pasted, canonical, provider, frame):
    embed = embeds.parse(f"  {pasted}\n")
    assert (embed.url, embed.provider_name, embed.frame) == (
        canonical,
        provider,
        frame,
    )


@pytest.mark.parametrize(("url", "message"), HOSTILE)
def test_hostile_and_unknown_addresses_are_refused_with_a_reason(url, message):
    with pytest.raises(ValidationError) as refused:
        embeds.parse(url)
    assert message in " ".join(refused.value.messages)


def test_mastodon_instances_are_the_configured_ones(settings):
    settings.EMBED_MASTODON_INSTANCES = ["spacey.social"]
    assert embeds.parse("https://spacey.social/@esa/1").frame == (
        "https://spacey.social/@esa/1/embed"
    )
    with pytest.raises(ValidationError):
        embeds.parse("https://mastodon.social/@nasa/1")
    assert "https://spacey.social" in embeds.frame_origins()
    assert "https://mastodon.social" not in embeds.frame_origins()


def test_the_placeholder_survives_cleaning_and_saving():
    placeholder = embed_html(
        "https://youtu.be/P4boyXQuUIw", title="Landing", caption="Watch it land."
    )
    assert clean_html(placeholder) == placeholder
    story = ArticleFactory(body=f"<p>Before.</p>{placeholder}")
    story.refresh_from_db()
    assert placeholder in story.body


# --- The reader's card --------------------------------------------------------


@pytest.mark.parametrize(("pasted", "canonical", "provider", "frame"), PROVIDERS)
def test_each_provider_is_a_card_with_a_link_and_no_third_party_request(
    client, pasted, canonical, provider, frame
):
    story = published_story(body=f"<p>Before.</p>{embed_html(pasted)}<p>After.</p>")
    response = client.get(story.get_absolute_url())
    body = body_of(response)
    assert provider in body
    assert f'href="{canonical}"' in body
    assert "<iframe" not in response.content.decode()
    # Nothing on the page is loaded from elsewhere: every src is our own.
    for src in re.findall(r'\ssrc(?:set)?="([^"]*)"', response.content.decode()):
        assert src.startswith("/"), src
    # In the body, the one outside address is the link to the original.
    outside = [u for u in re.findall(r'="(https?://[^"]*)"', body) if u != canonical]
    assert outside == ([frame] if frame else [])  # data-embed-frame, not loaded
    if frame:
        assert re.search(r'<button type="button" class="embed-load" hidden>', body)
        assert f"from {provider}</button>" in body
        assertContains(response, "articles/embeds")
    else:
        assert "<button" not in body


def test_the_writers_title_and_caption_are_shown(client):
    story = published_story(
        body=embed_html(
            "https://youtu.be/P4boyXQuUIw",
            title="Perseverance <lands>",
            caption="Seven minutes of terror.",
        )
    )
    body = body_of(client.get(story.get_absolute_url()))
    assert "Perseverance &lt;lands&gt;" in body
    assert "<figcaption>Seven minutes of terror.</figcaption>" in body


def test_a_hostile_placeholder_stored_some_other_way_is_left_out(client):
    story = published_story(body="<p>Text.</p>")
    type(story).objects.filter(pk=story.pk).update(
        body='<p>Text.</p><figure data-embed="javascript:alert(1)"></figure>'
    )
    response = client.get(story.get_absolute_url())
    assert "javascript:" not in response.content.decode()
    assert "embed" not in body_of(response).split("</div>")[0]


def test_story_without_embeds_loads_no_embed_script(client):
    story = published_story()
    response = client.get(story.get_absolute_url())
    assert "articles/embeds" not in response.content.decode()


# --- Our own stories and galleries ----------------------------------------------


def test_our_public_story_is_a_link_card(client):
    other = published_story(headline="Sky crane crash seen from orbit")
    story = published_story(body=embed_html(f"story:{other.pk}"))
    body = body_of(client.get(story.get_absolute_url()))
    assert "Sky crane crash seen from orbit" in body
    assert f'href="{other.get_absolute_url()}"' in body


def test_a_page_embedding_our_story_is_purged_when_that_story_is_unpublished(
    client, django_capture_on_commit_callbacks
):
    editor = user_in(EDITORS, username="embed-editor")
    other = published_story(headline="Sky crane crash seen from orbit")
    story = published_story(body=embed_html(f"story:{other.pk}"))
    response = client.get(story.get_absolute_url())
    assert f"story:{other.pk}" in response["Surrogate-Key"].split()
    assert "Sky crane crash seen from orbit" in body_of(response)  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        services.transition(other, "unpublish", by=editor, comment="Pulled")

    assert "Sky crane crash seen from orbit" not in body_of(
        client.get(story.get_absolute_url())
    )


def test_a_draft_story_or_gallery_shows_nothing_not_even_its_title(client):
    draft = ArticleFactory(headline="Secret draft headline")
    gallery = GalleryFactory(title="Unpublished gallery title")
    story = published_story(
        body=f"<p>Text.</p>{embed_html(f'story:{draft.pk}')}"
        f"{embed_html(f'gallery:{gallery.pk}')}"
    )
    for url in (story.get_absolute_url(), reverse("articles:feed_rss")):
        page = client.get(url).content.decode()
        assert "Secret draft headline" not in page
        assert "Unpublished gallery title" not in page
        assert draft.get_absolute_url() not in page


def test_our_public_gallery_is_a_link_card(client, now):
    gallery = GalleryFactory(
        title="Mars 2020 in pictures",
        status=Status.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    story = published_story(body=embed_html(f"gallery:{gallery.pk}"))
    body = body_of(client.get(story.get_absolute_url()))
    assert "Mars 2020 in pictures" in body
    assert f'href="{gallery.get_absolute_url()}"' in body


# --- Feeds and JSON-LD ----------------------------------------------------------


def test_feeds_carry_a_plain_link_for_each_embed(client):
    video = embed_html("https://youtu.be/P4boyXQuUIw", title="Landing")
    published_story(body=f"<p>Text.</p>{video}")
    for name in ("articles:feed_rss", "articles:feed_atom"):
        content = client.get(reverse(name)).content.decode()
        assert "https://www.youtube.com/watch?v=P4boyXQuUIw" in content
        assert "youtube-nocookie" not in content
        assert "embed-load" not in content


def test_feeds_link_our_embedded_story_by_its_absolute_address(client):
    ours = published_story(headline="The sky crane, explained")
    published_story(body=f"<p>Text.</p>{embed_html(f'story:{ours.pk}')}")
    for name in ("articles:feed_rss", "articles:feed_atom"):
        content = client.get(reverse(name)).content.decode()
        link = re.escape(f"http://testserver{ours.get_absolute_url()}")
        title = "The sky crane, explained"
        assert re.search(rf'Our story: &lt;a href="{link}"[^&]*&gt;{title}', content)


def test_json_ld_mentions_each_embed_by_a_plain_link(client):
    story = published_story(
        body=embed_html("https://youtu.be/P4boyXQuUIw", title="Landing")
        + embed_html("https://x.com/NASAPersevere/status/1364631305493508096")
    )
    page = client.get(story.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )
    assert data["mentions"] == [
        {
            "@type": "CreativeWork",
            "name": "Landing",
            "url": "https://www.youtube.com/watch?v=P4boyXQuUIw",
        },
        {
            "@type": "CreativeWork",
            "name": "X post",
            "url": "https://x.com/NASAPersevere/status/1364631305493508096",
        },
    ]


# --- The Content-Security-Policy ------------------------------------------------


def frame_src(response) -> list[str] | None:
    policy = response["Content-Security-Policy"]
    for directive in policy.split(";"):
        name, *sources = directive.split()
        if name == "frame-src":
            return sources
    return None


def test_csp_allows_only_the_embedded_providers_frames(client):
    story = published_story(
        body=embed_html("https://youtu.be/P4boyXQuUIw")
        + embed_html("https://mastodon.social/@nasa/113456789012345678")
        + embed_html("https://x.com/NASAPersevere/status/1364631305493508096")
    )
    response = client.get(story.get_absolute_url())
    assert frame_src(response) == [
        "https://mastodon.social",
        "https://www.youtube-nocookie.com",
    ]
    # The same from the page cache.
    assert frame_src(client.get(story.get_absolute_url())) == frame_src(response)


def test_csp_names_no_provider_on_a_page_without_embeds(client):
    # frame-src is then default-src's 'self': no page of ours frames another site.
    text = "<p>data-embed-frame=&quot;https://www.youtube-nocookie.com/&quot;</p>"
    story = published_story(body=text)
    assert frame_src(client.get(story.get_absolute_url())) is None
    assert frame_src(client.get(reverse("home"))) is None


def test_a_frame_origin_is_allowed_only_if_an_embed_can_produce_it():
    from django.http import HttpRequest, HttpResponse

    middleware = embeds.EmbedFramesCSPMiddleware(lambda request: None)
    response = HttpResponse(
        '<figure class="embed" data-embed-frame="https://evil.test/x"></figure>'
    )
    parts = middleware.get_policy_parts(HttpRequest(), response)
    assert not (parts.replace or {}).get("frame-src")


# --- The admin ----------------------------------------------------------------


@pytest.fixture
def writer():
    user = user_in(WRITERS, username="wanda")
    AuthorFactory(user=user, name="Wanda Writer")
    return user


def story_by(user, **kwargs):
    story = ArticleFactory(created_by=user, **kwargs)
    story.bylines.create(author=user.author_profile)
    return story


def test_a_valid_embed_is_saved_through_the_admin(client, writer):
    story = story_by(writer, body="<p>Old.</p>")
    client.force_login(writer)
    placeholder = embed_html("https://youtu.be/P4boyXQuUIw", title="Landing")
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=f"<p>New.</p>{placeholder}"),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == f"<p>New.</p>{placeholder}"


@pytest.mark.parametrize(("url", "message"), HOSTILE[:6])
def test_a_hostile_embed_is_refused_with_the_text_kept(client, writer, url, message):
    story = story_by(writer, body="<p>Old.</p>")
    client.force_login(writer)
    placeholder = f'<figure data-embed="{url.replace("<", "&lt;")}"></figure>'
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=f"<p>Keep my paragraph.</p>{placeholder}"),
    )
    assert response.status_code == 200
    assertContains(response, "cannot be kept")
    assertContains(response, "Keep my paragraph.")
    story.refresh_from_db()
    assert story.body == "<p>Old.</p>"


def test_pasted_embed_code_is_refused_with_the_text_kept(client, writer):
    story = story_by(writer, body="<p>Old.</p>")
    client.force_login(writer)
    pasted = (
        "<p>Keep my paragraph.</p>"
        '<iframe width="560" height="315" '
        'src="https://www.youtube.com/embed/P4boyXQuUIw" allowfullscreen></iframe>'
    )
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=pasted),
    )
    assert response.status_code == 200
    assertContains(response, "paste the video&#x27;s or post&#x27;s address instead")
    assertContains(response, "Keep my paragraph.")
    story.refresh_from_db()
    assert story.body == "<p>Old.</p>"


def test_embed_check_answers_the_editor(client, writer):
    client.force_login(writer)
    url = reverse("admin:articles_article_embed_check")
    good = client.get(url, {"url": "https://youtu.be/P4boyXQuUIw"}).json()
    assert good["ok"] and good["provider"] == "YouTube"
    assert good["url"] == "https://www.youtube.com/watch?v=P4boyXQuUIw"
    assert good["placeholder"] == embed_html("https://youtu.be/P4boyXQuUIw")
    bad = client.get(url, {"url": "https://youtube.com.evil.test/watch?v=x"}).json()
    assert not bad["ok"] and "not a site we embed" in bad["error"]


def test_embed_check_names_our_story_only_when_public(client, writer):
    client.force_login(writer)
    url = reverse("admin:articles_article_embed_check")
    draft = ArticleFactory(headline="Secret draft headline")
    answer = client.get(url, {"url": f"story:{draft.pk}"}).json()
    assert answer["ok"] and "not public" in answer["note"]
    assert "Secret draft headline" not in json.dumps(answer)
    live = published_story(headline="Out now")
    assert client.get(url, {"url": f"story:{live.pk}"}).json()["title"] == "Out now"


def test_embed_check_is_for_staff_only(client):
    url = reverse("admin:articles_article_embed_check")
    response = client.get(url, {"url": "https://youtu.be/P4boyXQuUIw"})
    assert response.status_code == 302  # to the log-in page


def test_change_form_loads_the_embed_extension(client, writer):
    story = story_by(writer)
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    config = response.content.decode().split("data-django-prose-editor-configurable")
    assert "articles/admin/embed.js" in config[1].split(">")[0]
    assert reverse("admin:articles_article_embed_check") in config[1].split(">")[0]


def test_inline_render_draws_embeds_for_every_body_reader():
    placeholder = embed_html("https://vimeo.com/514145519")
    assert "Vimeo video" in inline.render(placeholder, {})
    assert 'href="https://vimeo.com/514145519"' in inline.render_for_feed(
        placeholder, {}
    )


def test_embed_check_turns_our_own_page_address_into_a_reference(client, writer):
    client.force_login(writer)
    url = reverse("admin:articles_article_embed_check")
    live = published_story(headline="Out now")
    for address in (
        live.get_absolute_url(),
        f"http://testserver{live.get_absolute_url()}",
    ):
        answer = client.get(url, {"url": address}).json()
        assert answer["url"] == f"story:{live.pk}"
        assert answer["title"] == "Out now"
    elsewhere = f"https://evil.test{live.get_absolute_url()}"
    assert not client.get(url, {"url": elsewhere}).json()["ok"]


def test_a_malformed_mastodon_instance_setting_is_ignored(settings):
    settings.EMBED_MASTODON_INSTANCES = [
        " Spacey.Social ",
        "evil.test:8080",
        "https://x.test",
        "a/b",
    ]
    assert embeds.mastodon_instances() == ["spacey.social"]

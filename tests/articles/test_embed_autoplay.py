"""One click plays a video (issue 14): the reader's click on a video card is
the request to watch, so the player it loads may start at once. Every page
turns autoplay off for itself and any frame (Permissions-Policy); a page
carrying a video card allows it for exactly those video providers' players,
never for a post's frame or a page without embeds."""

import pytest
from django.urls import reverse

from articles import embeds
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def autoplay(response) -> str:
    for feature in response["Permissions-Policy"].split(","):
        name, _, allowed = feature.strip().partition("=")
        if name == "autoplay":
            return allowed
    raise AssertionError("no autoplay in the Permissions-Policy")


def story_with(*urls):
    body = "".join(embeds.placeholder(embeds.parse(url)) for url in urls)
    return ArticleFactory(published=True, body=body)


def test_a_page_with_a_video_lets_only_that_player_start(client):
    story = story_with(
        "https://youtu.be/P4boyXQuUIw",
        "https://mastodon.social/@nasa/113456789012345678",
    )
    response = client.get(story.get_absolute_url())
    assert autoplay(response) == '("https://www.youtube-nocookie.com")'
    assert "data-embed-play" in response.content.decode()
    # The same from the page cache.
    assert autoplay(client.get(story.get_absolute_url())) == autoplay(response)


def test_a_post_or_no_embed_leaves_autoplay_off(client):
    post = story_with("https://mastodon.social/@nasa/113456789012345678")
    assert autoplay(client.get(post.get_absolute_url())) == "()"
    assert autoplay(client.get(reverse("home"))) == "()"


def test_a_made_up_card_allows_nothing():
    from django.http import HttpRequest, HttpResponse

    middleware = embeds.EmbedFramesCSPMiddleware(lambda request: None)
    response = HttpResponse(
        '<figure data-embed-frame="https://evil.test/x" data-embed-title="t"'
        " data-embed-play></figure>"
    )
    response["Permissions-Policy"] = "autoplay=(), camera=()"
    response = middleware.process_response(HttpRequest(), response)
    assert response["Permissions-Policy"] == "autoplay=(), camera=()"

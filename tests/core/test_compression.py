"""Readers' pages, feeds and sitemaps go out Brotli- or gzip-compressed;
nothing that carries a secret is compressed (issue 17, core/compression.py)."""

import datetime as dt
import gzip

import brotli
import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Status
from core import compression
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "<p>The descent stage flew off and crashed on purpose, as planned.</p>" * 40


@pytest.fixture
def story():
    return ArticleFactory(
        headline="Perseverance watched its sky crane crash on Mars",
        body=BODY,
        status=Status.PUBLISHED,
        published_at=dt.datetime(2021, 2, 25, 15, 30, tzinfo=dt.UTC),
    )


def plain(client, url, **headers):
    return client.get(url, headers={"accept-encoding": "identity", **headers})


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, gzip;q=0", ""),
        ("identity", ""),
        ("", ""),
        ("*", "br"),
        ("*;q=0", ""),
        ("gzip;q=bogus, br;q=0.5", "br"),
        ("GZIP", "gzip"),
    ],
)
def test_the_encoding_follows_what_the_browser_accepts(header, expected):
    assert compression.accepted(header) == expected


def test_a_story_page_is_sent_with_brotli_to_a_browser_that_asks(client, story):
    expected = plain(client, story.get_absolute_url()).content

    response = client.get(
        story.get_absolute_url(), headers={"accept-encoding": "gzip, deflate, br"}
    )

    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    assert brotli.decompress(response.content) == expected
    assert len(response.content) < len(expected) / 3
    assert int(response["Content-Length"]) == len(response.content)


def test_gzip_for_a_browser_without_brotli_and_nothing_for_one_with_neither(
    client, story
):
    expected = plain(client, story.get_absolute_url()).content

    zipped = client.get(story.get_absolute_url(), headers={"accept-encoding": "gzip"})
    neither = client.get(
        story.get_absolute_url(), headers={"accept-encoding": "br;q=0, gzip;q=0"}
    )

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == expected
    assert not neither.has_header("Content-Encoding")
    assert neither.content == expected


def test_the_same_page_compresses_to_the_same_bytes(client, story):
    """No random padding (nothing secret is compressed): a cache in front
    keeps one copy, and a page cache hit reuses the compressed form."""
    first = client.get(story.get_absolute_url(), headers={"accept-encoding": "br"})
    again = client.get(story.get_absolute_url(), headers={"accept-encoding": "br"})

    assert first.content == again.content


def test_a_compressed_page_still_answers_not_modified(client, story):
    first = client.get(story.get_absolute_url(), headers={"accept-encoding": "br"})
    assert first["ETag"].startswith('W/"')

    again = client.get(
        story.get_absolute_url(),
        headers={"accept-encoding": "br", "if-none-match": first["ETag"]},
    )

    assert again.status_code == 304


@pytest.mark.parametrize(
    "name",
    ["articles:feed_rss", "sitemap_index", "articles:search"],
)
def test_feeds_sitemaps_and_search_are_compressed(client, story, name):
    """Search reflects the reader's words but carries no secret."""
    url = reverse(name)
    if name == "articles:search":
        url += "?q=crane+" + "x" * 50
    expected = plain(client, url).content

    response = client.get(url, headers={"accept-encoding": "gzip, br"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert brotli.decompress(response.content) == expected


def test_the_login_page_with_its_csrf_token_is_never_compressed(client):
    """It reflects ?next= beside a CSRF token: the BREACH case."""
    url = reverse("admin:login") + "?next=/admin/" + "a" * 300

    response = client.get(url, headers={"accept-encoding": "gzip, br"})

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_pages_for_a_signed_in_editor_are_never_compressed(client, story):
    editor = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(editor)

    admin_page = client.get(
        reverse("admin:index") + "?q=" + "a" * 300,
        headers={"accept-encoding": "gzip, br"},
    )

    assert admin_page.status_code == 200
    assert not admin_page.has_header("Content-Encoding")


def test_responses_setting_a_cookie_or_marked_private_are_never_compressed():
    request = RequestFactory().get("/", headers={"accept-encoding": "br"})
    with_cookie = HttpResponse("x" * 1000)
    with_cookie.set_cookie("preference", "dark")
    private = HttpResponse("x" * 1000)
    private["Cache-Control"] = "private, max-age=0"
    public = HttpResponse("x" * 1000)

    middleware = compression.CompressionMiddleware(lambda request: None)
    for response in (with_cookie, private, public):
        middleware.get_response = lambda request, response=response: response
        middleware(request)

    assert not with_cookie.has_header("Content-Encoding")
    assert not private.has_header("Content-Encoding")
    assert public["Content-Encoding"] == "br"


def test_small_and_binary_responses_are_left_alone():
    request = RequestFactory().get("/", headers={"accept-encoding": "br"})
    small = HttpResponse("<p>short</p>")
    picture = HttpResponse(b"\x89PNG" * 500, content_type="image/png")

    for response in (small, picture):
        compression.CompressionMiddleware(lambda request, r=response: r)(request)

    assert not small.has_header("Content-Encoding")
    assert not picture.has_header("Content-Encoding")


def test_a_page_rendered_with_a_csrf_token_is_never_compressed():
    """Even one whose headers would allow it: the token is the secret."""
    from django.middleware.csrf import get_token

    with_token = RequestFactory().get("/", headers={"accept-encoding": "br"})
    get_token(with_token)
    without = RequestFactory().get("/", headers={"accept-encoding": "br"})
    responses = {}
    for name, request in (("with", with_token), ("without", without)):
        response = HttpResponse("x" * 1000)
        compression.CompressionMiddleware(lambda request, r=response: r)(request)
        responses[name] = response

    assert not responses["with"].has_header("Content-Encoding")
    assert responses["without"]["Content-Encoding"] == "br"


def test_a_signed_in_person_gets_no_compressed_page(settings):
    editor = UserFactory()
    signed_in = RequestFactory().get("/", headers={"accept-encoding": "br"})
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    signed_in.user = editor
    anonymous = RequestFactory().get("/", headers={"accept-encoding": "br"})
    responses = {}
    for name, request in (("signed_in", signed_in), ("anonymous", anonymous)):
        response = HttpResponse("x" * 1000)
        compression.CompressionMiddleware(lambda request, r=response: r)(request)
        responses[name] = response

    assert not responses["signed_in"].has_header("Content-Encoding")
    assert responses["anonymous"]["Content-Encoding"] == "br"

"""Every response carries the Content-Security-Policy and the Permissions-Policy
(issue 12): readers' pages (fresh and from the page cache), the admin, errors,
feeds and pictures. tests/browser/test_csp.py shows Chromium finds nothing on
the pages that breaks the policy."""

import base64
import hashlib
import re

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path

from media_library.templatetags.media_library import image_url
from tests.factories import ArticleFactory, ImageFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS

pytestmark = pytest.mark.django_db

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), "
    "browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values for name, *values in (part.split() for part in header.split(";"))
    }


def style_hash(css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def expected(*, nonce: str | None = None) -> dict[str, list[str]]:
    error_page_css = re.search(
        r"<style>(.*?)</style>", render_to_string("500.html"), re.S
    ).group(1)
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'"] + ([f"'nonce-{nonce}'"] if nonce else []),
        "style-src": [
            "'self'",
            style_hash(error_page_css),
            # ProseMirror's base styles, which the story editor injects.
            "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",
        ],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }


def assert_policies(response, *, nonce: str | None = None) -> None:
    assert directives(response) == expected(nonce=nonce)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.fixture
def story():
    return ArticleFactory(
        published=True,
        hero_image=ImageFactory(),
        body="<p>Liftoff.</p>",
    )


def test_readers_pages_feeds_and_pictures(client, story):
    for address in [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        "/search/?q=liftoff",
        "/latest/",
        "/authors/",
        "/feeds/rss/",
        "/feeds/json/",
        "/sitemap.xml",
        "/robots.txt",
        image_url(story.hero_image, "hero"),
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_policies(response)


def test_a_page_from_the_page_cache_has_them_too(client, story):
    first = client.get(story.get_absolute_url())
    again = client.get(story.get_absolute_url())
    assert again.content == first.content  # the same stored page
    assert_policies(first)
    assert_policies(again)


def test_scripts_never_inline_nor_from_anywhere(client, story):
    script_src = directives(client.get(story.get_absolute_url()))["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert not any("*" in source or ":" in source for source in script_src)


def test_errors(client):
    assert client.get("/no-such-page/").status_code == 404
    assert_policies(client.get("/no-such-page/"))


def boom(request):
    raise RuntimeError("a failure for the error page")


urlpatterns = [
    path("boom/", boom),
    path("ok/", lambda request: HttpResponse("ok")),
    path("", include("newsroom.urls")),
]


@pytest.mark.urls(__name__)
def test_server_error_page_style_is_allowed_by_its_hash(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_policies(response)
    css = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert style_hash(css.group(1)) in directives(response)["style-src"]


def test_admin_pages(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_policies(response)
    client.force_login(user_in(EDITORS, username="edie"))
    for address in [
        "/admin/",
        "/admin/articles/article/",
        "/admin/media_library/image/add/",
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert_policies(response)  # no inline script, so no nonce


def test_story_form_import_map_has_the_requests_nonce(client):
    client.force_login(user_in(EDITORS, username="edie"))
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    maps = re.findall(
        r'<script type="importmap"([^>]*)>', response.content.decode()
    ) or re.findall(r'<script ([^>]*)type="importmap"', response.content.decode())
    assert len(maps) == 1
    nonce = re.search(r'nonce="([^"]+)"', maps[0]).group(1)
    assert_policies(response, nonce=nonce)
    # A new nonce for every request.
    again = client.get("/admin/articles/article/add/")
    assert f"'nonce-{nonce}'" not in directives(again)["script-src"]

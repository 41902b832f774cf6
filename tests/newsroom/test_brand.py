"""The logo and icons (core.brand): one drawing, every size browsers, phones and
search engines ask for, at the addresses they look for them, cached long."""

import io
import json

import pytest
from PIL import Image

from core import brand
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def picture(response) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(response)))


def max_age(response) -> int:
    directives = dict(
        (part.strip().split("=") + [""])[:2]
        for part in response["Cache-Control"].split(",")
    )
    assert "public" in directives
    return int(directives["max-age"])


def test_favicon_holds_16_32_and_48(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    ico = picture(response)
    assert ico.format == "ICO"
    assert ico.ico.sizes() == {(16, 16), (32, 32), (48, 48)}
    for size in ico.ico.sizes():
        assert ico.ico.getimage(size).size == size


@pytest.mark.parametrize(
    "path,size,opaque",
    [
        ("/apple-touch-icon.png", 180, True),
        ("/icon-192.png", 192, False),
        ("/icon-512.png", 512, False),
    ],
)
def test_png_icons(client, path, size, opaque):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = picture(response)
    assert (png.format, png.size) == ("PNG", (size, size))
    # Apple's icon is opaque (the phone rounds it); the others keep round corners.
    assert (png.mode == "RGB") is opaque
    # The mark's tile fills the middle, in the brand's colour.
    tile = png.convert("RGB").getpixel((size // 10, size // 2))
    assert tile == pytest.approx((11, 31, 58), abs=12)


def test_an_icon_of_another_size_is_not_found(client):
    assert client.get("/icon-100.png").status_code == 404


def test_web_manifest_names_the_site_and_its_icons(client, settings):
    settings.SITE_NAME = "Orbit Daily"
    response = client.get("/site.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Orbit Daily"
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]
    for icon in manifest["icons"]:
        assert picture(client.get(icon["src"])).size == tuple(
            int(n) for n in icon["sizes"].split("x")
        )


def test_logo_svg_carries_the_site_name(client, settings):
    settings.SITE_NAME = "Orbit & Daily"
    response = client.get("/logo.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    text = response.content.decode()
    assert "Orbit &amp; Daily</text>" in text
    assert '<ellipse cx="30" cy="35"' in text  # the mark, from its one source


@pytest.mark.parametrize(
    "path",
    ["/favicon.ico", "/apple-touch-icon.png", "/icon-192.png", "/site.webmanifest"],
)
def test_cached_long(client, path):
    # The fixed address browsers try by themselves: a week.
    assert max_age(client.get(path)) >= 7 * 24 * 3600
    # The versioned one pages link: a year, never revalidated.
    versioned = client.get(f"{path}?v={brand.version()}")
    assert max_age(versioned) == 365 * 24 * 3600
    assert "immutable" in versioned["Cache-Control"]


def test_version_follows_the_site_name(settings):
    before = brand.version()
    settings.SITE_NAME = "Another Outlet"
    assert brand.version() != before


def test_pages_link_the_icons_and_show_the_mark(client):
    response = client.get("/")
    page = response.content.decode()
    v = brand.version()
    assert f'<link rel="icon" href="/favicon.ico?v={v}" sizes="48x48">' in page
    assert f'<link rel="apple-touch-icon" href="/apple-touch-icon.png?v={v}">' in page
    assert f'<link rel="manifest" href="/site.webmanifest?v={v}">' in page
    assert 'class="brand-mark"' in page and 'aria-hidden="true"' in page


def test_publisher_logo_is_square_and_at_least_112(client):
    story = ArticleFactory(published=True)
    page = client.get(story.get_absolute_url()).content.decode()
    data = json.loads(
        page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    )
    logo = data["publisher"]["logo"]
    assert logo["width"] == logo["height"] >= 112
    path = logo["url"].removeprefix("http://testserver")
    assert picture(client.get(path)).size == (logo["width"], logo["height"])


def test_a_shape_the_icons_cannot_draw_is_refused(monkeypatch):
    """The SVG stays the one source: a shape the Pillow drawing does not know
    stops the icons being made rather than being left out of them."""
    from xml.etree import ElementTree

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<path d="M0 0L64 64"/></svg>'
    )
    monkeypatch.setattr(brand, "_root", lambda: ElementTree.fromstring(svg))  # noqa: S314
    with pytest.raises(ValueError, match="<path> is not drawn"):
        brand.draw_mark.__wrapped__(16)

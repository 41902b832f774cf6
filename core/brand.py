"""The newsroom's logo and icons, all from one drawing: `static/core/brand/mark.svg`.

The mark is an SVG of a few plain shapes. Pages show it inline beside the site
name (`mark_svg`); `/logo.svg` sets it beside `settings.SITE_NAME`; the favicon,
the app icons, the apple-touch-icon and the publisher logo of the JSON-LD are
drawn from the same shapes with Pillow (`draw_mark`), since Pillow cannot read
SVG and no SVG renderer is a dependency. That drawing understands only what the
mark uses (rect with rx, circle, ellipse with a rotate transform, fill and
stroke) and refuses anything else, so the file cannot grow a shape the icons
would silently lack.

The files are made when first asked for and kept in memory (a few milliseconds
each). Pages link them with `?v=<version>` (`version()`, a hash of the drawing
and the site name), and such an address is cached for a year; the fixed
addresses browsers try on their own (/favicon.ico, /apple-touch-icon.png) for a
week.
"""

import functools
import hashlib
import io
import json
import math
import re
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from PIL import Image, ImageColor, ImageDraw

SOURCE = Path(__file__).parent / "static" / "core" / "brand" / "mark.svg"
SVG_NS = "{http://www.w3.org/2000/svg}"
ICO_SIZES = (16, 32, 48)
ICON_SIZES = (192, 512)  # the web app manifest's
APPLE_TOUCH_SIZE = 180
# The publisher logo in JSON-LD: square, well over the 112 × 112 Google asks.
LOGO_SIZE = 512
THEME_COLOR = "#0b1f3a"
VERSIONED_MAX_AGE = 365 * 24 * 3600
FIXED_MAX_AGE = 7 * 24 * 3600
_SUPERSAMPLE = 4


@functools.cache
def _source() -> str:
    return SOURCE.read_text()


@functools.cache
def _root() -> ElementTree.Element:
    # Our own file from the repository, not outside input.
    return ElementTree.fromstring(_source())  # noqa: S314


def view_box() -> tuple[float, float, float, float]:
    x, y, w, h = (float(n) for n in _root().get("viewBox").split())
    return x, y, w, h


def mark_svg(css_class: str = "brand-mark", size: int = 32) -> str:
    """The mark as inline SVG for a page: decorative (the site name beside it
    is the text), without the source's comments."""
    inner = re.sub(r"<!--.*?-->", "", _source(), flags=re.S)
    inner = re.sub(r"^\s*<svg[^>]*>|</svg>\s*$", "", inner.strip())
    inner = re.sub(r">\s+<", "><", inner.strip())
    _, _, w, h = view_box()
    return (
        f'<svg class="{escape(css_class)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {w:g} {h:g}" width="{size}" height="{size}" '
        f'aria-hidden="true" focusable="false">{inner}</svg>'
    )


def logo_svg(name: str) -> str:
    """The mark with the site's name beside it: the wordmark as one SVG."""
    _, _, w, h = view_box()
    font_size = h * 0.6
    # Georgia bold averages about 0.62 em a character; the text is not measured.
    width = round(w + h * 0.25 + len(name) * font_size * 0.62)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h:g}" '
        f'width="{width}" height="{h:g}" role="img" aria-label="{escape(name)}">'
        f"{mark_svg(css_class='mark', size=int(h))}"
        f'<text x="{w + h * 0.25:g}" y="{h * 0.72:g}" font-family="Georgia, serif" '
        f'font-weight="700" font-size="{font_size:g}" fill="{THEME_COLOR}">'
        f"{escape(name)}</text></svg>"
    )


def version() -> str:
    """Changes when the drawing or the site's name does."""
    digest = hashlib.sha256(f"{_source()}\0{settings.SITE_NAME}".encode())
    return digest.hexdigest()[:10]


# --- Drawing with Pillow --------------------------------------------------------


def _float(element, name: str, default: float = 0.0) -> float:
    value = element.get(name)
    return float(value) if value is not None else default


def _rotation(element) -> tuple[float, float, float]:
    """(degrees, cx, cy) of a `rotate(a cx cy)` transform; (0, 0, 0) for none."""
    transform = element.get("transform")
    if not transform:
        return 0.0, 0.0, 0.0
    match = re.fullmatch(
        r"\s*rotate\(([-\d.]+)(?:[ ,]+([-\d.]+)[ ,]+([-\d.]+))?\)\s*", transform
    )
    if not match:
        raise ValueError(f"{SOURCE.name}: only rotate() transforms are drawn")
    a, cx, cy = match.groups()
    return float(a), float(cx or 0), float(cy or 0)


def _ellipse_points(cx, cy, rx, ry, degrees, scale, steps=240) -> list:
    theta = math.radians(degrees)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    points = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append(
            ((cx + x * cos_t - y * sin_t) * scale, (cy + x * sin_t + y * cos_t) * scale)
        )
    return points


def _paint(canvas: Image.Image, colour: str, draw_mask) -> None:
    """Lay `colour` on `canvas` through the mask `draw_mask(ImageDraw)` draws."""
    mask = Image.new("L", canvas.size, 0)
    draw_mask(ImageDraw.Draw(mask))
    layer = Image.new("RGBA", canvas.size, ImageColor.getrgb(colour))
    canvas.paste(layer, (0, 0), mask)


def _shape(canvas: Image.Image, element, scale: float, square: bool) -> None:
    tag = element.tag.removeprefix(SVG_NS)
    fill = element.get("fill", "#000")
    stroke = element.get("stroke")
    width = _float(element, "stroke-width", 1.0)
    degrees, rcx, rcy = _rotation(element)
    if tag == "rect":
        x, y = _float(element, "x"), _float(element, "y")
        box = [
            x * scale,
            y * scale,
            (x + _float(element, "width")) * scale - 1,
            (y + _float(element, "height")) * scale - 1,
        ]
        radius = 0 if square else _float(element, "rx") * scale
        if degrees:
            raise ValueError(f"{SOURCE.name}: a rect cannot be rotated")
        _paint(canvas, fill, lambda d: d.rounded_rectangle(box, radius, fill=255))
        return
    if tag == "circle":
        cx, cy = _float(element, "cx"), _float(element, "cy")
        rx = ry = _float(element, "r")
    elif tag == "ellipse":
        cx, cy = _float(element, "cx"), _float(element, "cy")
        rx, ry = _float(element, "rx"), _float(element, "ry")
    else:
        raise ValueError(f"{SOURCE.name}: <{tag}> is not drawn into the icons")
    if degrees and (rcx, rcy) != (cx, cy):
        raise ValueError(f"{SOURCE.name}: rotate an ellipse about its centre")

    if fill != "none":
        points = _ellipse_points(cx, cy, rx, ry, degrees, scale)
        _paint(canvas, fill, lambda d: d.polygon(points, fill=255))
    if stroke and stroke != "none":
        outer = _ellipse_points(cx, cy, rx + width / 2, ry + width / 2, degrees, scale)
        inner = _ellipse_points(cx, cy, rx - width / 2, ry - width / 2, degrees, scale)

        def ring(d):
            d.polygon(outer, fill=255)
            d.polygon(inner, fill=0)

        _paint(canvas, stroke, ring)


@functools.cache
def draw_mark(size: int, *, square: bool = False) -> Image.Image:
    """The mark at `size` × `size` pixels, drawn larger and scaled down so its
    edges are smooth. `square` fills the corners (Apple's icons are opaque:
    the device rounds them itself)."""
    _, _, w, h = view_box()
    big = size * _SUPERSAMPLE
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    scale = big / max(w, h)
    for element in _root():
        if element.tag is ElementTree.Comment or not isinstance(element.tag, str):
            continue
        _shape(canvas, element, scale, square)
    return canvas.resize((size, size), Image.Resampling.LANCZOS)


@functools.cache
def png(size: int, *, square: bool = False) -> bytes:
    out = io.BytesIO()
    picture = draw_mark(size, square=square)
    if square:
        picture = picture.convert("RGB")
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


@functools.cache
def ico() -> bytes:
    """favicon.ico: the mark drawn at each of ICO_SIZES (not one scaled down)."""
    out = io.BytesIO()
    # Pillow keeps the sizes no larger than the image saved, so save the largest
    # and hand it the smaller drawings.
    first, *rest = (draw_mark(size) for size in sorted(ICO_SIZES, reverse=True))
    first.save(
        out,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=rest,
    )
    return out.getvalue()


def manifest() -> dict:
    v = version()
    return {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "start_url": "/",
        "display": "minimal-ui",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": f"{reverse('brand_icon', args=[size])}?v={v}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in ICON_SIZES
        ],
    }


def logo_url() -> str:
    """The path of the square publisher logo (LOGO_SIZE) for structured data."""
    return f"{reverse('brand_icon', args=[LOGO_SIZE])}?v={version()}"


# --- Views ---------------------------------------------------------------------


def _response(request, content, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if request.GET.get("v") == version():
        patch_cache_control(
            response, public=True, max_age=VERSIONED_MAX_AGE, immutable=True
        )
    else:
        patch_cache_control(response, public=True, max_age=FIXED_MAX_AGE)
    return response


def favicon(request):
    return _response(request, ico(), "image/x-icon")


def apple_touch_icon(request):
    return _response(request, png(APPLE_TOUCH_SIZE, square=True), "image/png")


def icon(request, size: int):
    if size not in (*ICON_SIZES, LOGO_SIZE):
        raise Http404("No icon of that size.")
    return _response(request, png(size), "image/png")


def web_manifest(request):
    return _response(
        request, json.dumps(manifest(), ensure_ascii=False), "application/manifest+json"
    )


def logo(request):
    return _response(request, logo_svg(settings.SITE_NAME), "image/svg+xml")

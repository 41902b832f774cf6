"""Library images inside rich text: a story's body holds references, not copies.

The editor inserts a picture as an empty placeholder naming the library image
and, optionally, a caption for this use:

    <figure data-library-image="42" data-caption="Its last flight."></figure>

Everything else (renditions, alt text, the library caption, the credit) is read
from the library when the page is drawn, so fixing a credit or a focal point in
the library fixes every story that uses the picture, and a story never carries a
stale copy. `canonical` reduces whatever the editor or a pasted fragment sent to
that one form; `image_ids` lists the references (to keep `InlineImage` rows,
usage listings and publish checks in step with the text); `render` and
`render_for_feed` swap the placeholders for figures.

Other placeholders in a body (articles.embeds: videos, posts, our own stories
and galleries) are drawn by the `embeds` module of the app that defines them,
found here the way Django finds admin.py modules (`_embed_modules`), so every
page, preview and feed drawing a body through `render` / `render_for_feed`
draws them too, and media_library names no app above it.

All of it works on HTML already cleaned by `core.sanitize.clean_html`,
whose serializer writes every attribute as name="value" with quotes escaped,
which is what lets a regular expression read the placeholders exactly.
"""

import html
import re
from collections.abc import Mapping
from functools import cache
from importlib import import_module

from django.apps import apps
from django.template import engines
from django.utils.html import format_html
from django.utils.module_loading import module_has_submodule
from django.utils.safestring import SafeString, mark_safe

from .models import Image

ATTRIBUTE = re.compile(r'\s+([\w:-]+)="([^"]*)"')
# A figure whose opening tag names a library image, up to its closing tag (the
# canonical placeholder is empty; a pasted one may hold an <img> and caption).
PLACEHOLDER = re.compile(
    r'<figure(?P<attrs>(?:\s+[\w:-]+="[^"]*")*\s+data-library-image="[^"]*"'
    r'(?:\s+[\w:-]+="[^"]*")*)\s*>(?P<inner>.*?)</figure>',
    re.DOTALL,
)
CAPTION_MAX = 1000


def _parse(match: re.Match) -> tuple[int | None, str]:
    attrs = {
        name: html.unescape(value) for name, value in ATTRIBUTE.findall(match["attrs"])
    }
    ref = attrs.get("data-library-image", "").strip()
    image_id = int(ref) if ref.isascii() and ref.isdigit() and len(ref) < 12 else None
    return image_id, " ".join(attrs.get("data-caption", "").split())[:CAPTION_MAX]


def placeholder(image_id: int, caption: str = "") -> str:
    if caption:
        return format_html(
            '<figure data-library-image="{}" data-caption="{}"></figure>',
            image_id,
            caption,
        )
    return format_html('<figure data-library-image="{}"></figure>', image_id)


def canonical(cleaned: str) -> str:
    """`cleaned` with every library figure reduced to its placeholder; one that
    names no valid image id is dropped. A caption typed as the figure's
    <figcaption> (pasted markup) becomes the placeholder's caption."""

    def reduce(match: re.Match) -> str:
        image_id, caption = _parse(match)
        if image_id is None:
            return ""
        if not caption:
            inner = re.search(r"<figcaption>(.*?)</figcaption>", match["inner"], re.S)
            if inner:
                text = html.unescape(re.sub(r"<[^>]*>", "", inner[1]))
                caption = " ".join(text.split())[:CAPTION_MAX]
        return placeholder(image_id, caption)

    return PLACEHOLDER.sub(reduce, cleaned)


def image_ids(cleaned: str) -> list[int]:
    """The library images `cleaned` refers to, in order of first appearance."""
    found = {}
    for match in PLACEHOLDER.finditer(cleaned or ""):
        image_id, _ = _parse(match)
        if image_id is not None:
            found.setdefault(image_id, None)
    return list(found)


def describe(cleaned: str) -> list[str]:
    """Each placeholder in words ("library picture #42 “its caption”"), for
    comparing revisions, whose word diff otherwise cannot see pictures."""
    described = []
    for match in PLACEHOLDER.finditer(cleaned or ""):
        image_id, caption = _parse(match)
        if image_id is not None:
            described.append(
                f"library picture #{image_id}" + (f" “{caption}”" if caption else "")
            )
    return described


def figures(cleaned: str, images: Mapping[int, Image]) -> list[tuple[Image, str]]:
    """(image, caption) for each placeholder whose image is in `images`, in
    order: the caption is this use's own, else the library's."""
    found = []
    for match in PLACEHOLDER.finditer(cleaned or ""):
        image_id, caption = _parse(match)
        if (image := images.get(image_id)) is not None:
            found.append((image, caption or image.caption))
    return found


def figure_macro():
    """The site's figure, as the public templates draw it (a Jinja2 macro)."""
    template = engines["jinja2"].env.get_template("media_library/figure.html")
    return template.module.figure


@cache
def _embed_modules() -> tuple:
    """The `embeds` module of each installed app that has one; each offers
    `render(body)` and `render_for_feed(body)` for its own placeholders."""
    modules = (
        import_module(f"{config.name}.embeds")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "embeds")
    )
    return tuple(m for m in modules if hasattr(m, "render_for_feed"))


def _embeds(body: str, *, feed: bool = False) -> str:
    if 'data-embed="' not in body:
        return body
    for module in _embed_modules():
        body = module.render_for_feed(body) if feed else module.render(body)
    return body


def render(cleaned: str, images: Mapping[int, Image]) -> SafeString:
    """The body as readers see it: each placeholder becomes the site's figure
    (the `image()` rendition set, the caption and the credit). A reference to
    an image that is not in `images` (deleted, or not prefetched) is left out."""

    def figure(match: re.Match) -> str:
        image_id, caption = _parse(match)
        image = images.get(image_id)
        if image is None:
            return ""
        return figure_macro()(image, caption or image.caption, "full")

    # The body was cleaned on save; the figures are built from escaped parts.
    body = _embeds(PLACEHOLDER.sub(figure, cleaned or ""))
    return mark_safe(body)  # noqa: S308


def render_for_feed(cleaned: str, images: Mapping[int, Image]) -> str:
    """The body for feed readers, which show plain <img> best: each placeholder
    becomes a figure with the JPEG rendition, the alt text, and the caption and
    credit. Addresses are site-relative, as in the body; the feed resolves them."""
    from .renditions import SPECS, candidates, rendition_url
    from .services import is_blank

    def figure(match: re.Match) -> str:
        image_id, caption = _parse(match)
        image = images.get(image_id)
        if image is None or not image.file or not image.width:
            return ""
        target, plan = candidates(image, SPECS["full"])[0]
        src = rendition_url(image, "full", target, "jpeg")
        caption = caption or ("" if is_blank(image.caption) else image.caption)
        credit = "" if is_blank(image.credit) else f"(Image credit: {image.credit})"
        text = " ".join(part for part in (caption, credit) if part)
        return format_html(
            '<figure><img src="{}" alt="{}" width="{}" height="{}">{}</figure>',
            src,
            image.alt_text,
            plan.width,
            plan.height,
            format_html("<figcaption>{}</figcaption>", text) if text else "",
        )

    return _embeds(PLACEHOLDER.sub(figure, cleaned or ""), feed=True)


def problems(images: list[Image], role: str = "inline image", *, on=None) -> list[str]:
    """What each picture lacks before the story showing it may go live (or be
    shown on day `on`), naming the picture so the writer can find it in the
    library: `services.picture_problems`, the one rule, for each."""
    from .services import pictures_problems

    return pictures_problems(images, role=role, on=on)

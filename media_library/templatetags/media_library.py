from django import template
from django.utils.html import format_html, format_html_join

from ..models import Image
from ..renditions import MIME_TYPES, SPECS, candidates, formats_for, rendition_url

register = template.Library()


@register.simple_tag
def image(
    img: Image | None,
    spec: str = "full",
    *,
    css_class: str = "",
    loading: str = "lazy",
    alt: str | None = None,
    sizes: str | None = None,
):
    """A library image as `<picture>`: AVIF and WebP sources and a JPEG `<img>`,
    each with a srcset of the spec's widths, plus alt text and the width and
    height of the rendition (so the page does not shift while it loads).

    `spec` is a rendition name: thumbnail, card, hero, full (uncropped), social.
    Runs no query: URLs name the rendition view, which makes the file on first
    request. Renders nothing for no image, or one stored before the library
    measured files (it has no renditions).
    """
    if not img or not img.file or not (img.width and img.height):
        return ""
    alt_text = img.alt_text if alt is None else alt
    spec_obj = SPECS[spec]
    sizes = sizes or spec_obj.sizes
    options = candidates(img, spec_obj)
    formats = formats_for(spec_obj)

    def srcset(fmt: str) -> str:
        return ", ".join(
            f"{rendition_url(img, spec, target, fmt)} {p.width}w"
            for target, p in options
        )

    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((MIME_TYPES[fmt], srcset(fmt), sizes) for fmt in formats[:-1]),
    )
    fallback_target, fallback = options[len(options) // 2]
    extra = format_html(' class="{}"', css_class) if css_class else ""
    if loading == "eager":
        extra = format_html('{} fetchpriority="high"', extra)
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" '
        'height="{}"{} loading="{}" decoding="async"></picture>',
        sources,
        rendition_url(img, spec, fallback_target, formats[-1]),
        srcset(formats[-1]),
        sizes,
        alt_text,
        fallback.width,
        fallback.height,
        extra,
        loading,
    )


@register.simple_tag
def image_url(img: Image | None, spec: str = "social") -> str:
    """The URL (a path) of the JPEG rendition of `img`, at the spec's first
    width: for `og:image` and feeds. Empty for no image."""
    if not img or not img.file or not img.width:
        return ""
    target, _ = candidates(img, SPECS[spec])[0]
    return rendition_url(img, spec, target, "jpeg")

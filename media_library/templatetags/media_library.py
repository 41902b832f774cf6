from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def image(img, *, css_class="", loading="lazy", alt=None):
    """An <img> for a library image with its alt text and intrinsic size, so the
    page does not shift while it loads. Renders nothing for a missing image."""
    if not img or not img.file:
        return ""
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="{}" loading="{}" '
        'decoding="async">',
        img.file.url,
        img.alt_text if alt is None else alt,
        img.width or "",
        img.height or "",
        css_class,
        loading,
    )

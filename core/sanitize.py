"""Server-side HTML cleaning for everything writers type as rich text.

nh3 (Rust's ammonia) parses the markup the way a browser does, so a script or a
`javascript:` URL is caught however it is spelled: mixed case, split by tabs or
newlines, or hidden behind character entities. What is not on the lists below is
dropped; the text inside dropped tags is kept, except inside script and style.
"""

import re

import nh3
from django.db import models

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption",
    "figure", "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "img": {"src", "alt", "width", "height"},
    # A library image placed by the editor (media_library.inline).
    "figure": {"data-library-image", "data-caption"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Return `html` with scripts, event handlers, styles and unsafe URLs removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# C0 controls other than tab, line feed and carriage return, and DEL: invisible,
# never meant (Word's soft line break is U+000B), and not allowed in XML 1.0, so
# one in a headline would break every feed and sitemap that lists the story.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The apps whose text readers see; connected in NewsroomConfig.ready().
CONTENT_APPS = {"articles", "authors", "media_library"}


def strip_control_characters(sender, instance, **kwargs) -> None:
    """pre_save: remove control characters from every text field of a content
    model, whoever saves it (admin, demo loader, shell, import)."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                setattr(instance, field.attname, CONTROL_CHARACTERS.sub("", value))

"""The Jinja2 environment of the public site's templates (`templates/jinja2/`).

Readers' pages are rendered by Jinja2, which compiles a template to Python once;
Django's engine looks up every variable and filter as it goes, a large share of
a story page's time. The admin keeps Django's templates.

Templates call the same helpers the Django templates had as tags and filters:
`url()`, `slug_url()` (a view whose one argument is a slug), `static()`,
`image()`, `image_url()`, `brand_mark()`, `brand_version()`, and `|date`, `|urlencode`,
`|pluralize`, `|linebreaks` with Django's meanings. Django's safe strings (the
rendered body, JSON-LD, `image()`) are not escaped again; everything else is.
"""

import datetime as dt
from urllib.parse import quote

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from jinja2 import Environment
from markupsafe import Markup

from core import brand
from core.addresses import fixed_address, slug_address
from media_library.templatetags.media_library import image, image_url


def url(viewname: str, *args, **kwargs) -> str:
    """`{% url %}`: the path of a named view (a page links a dozen that take no
    argument: those are reversed once)."""
    if not args and not kwargs:
        return fixed_address(viewname)
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def date(value, fmt: str = "N j, Y") -> str:
    """Django's `|date`: a datetime in the newsroom's zone, in PHP-style `fmt`
    ("c" is ISO 8601 with the offset). Empty for no value."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


def urlencode(value, safe: str = "/") -> str:
    """Django's `|urlencode`: percent-encodes all but `safe` ('' for a value
    inside a query string)."""
    return quote(str(value), safe=safe)


def iso(value) -> str:
    """ISO 8601 in the newsroom's zone, to the second, with its offset: what
    OpenGraph's article times and the JSON-LD dates both say."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def this_year() -> int:
    return timezone.localdate().year


def brand_mark() -> Markup:
    """The logo's mark, inline (core.brand): no request, no layout shift."""
    return Markup(brand.mark_svg())  # noqa: S704 (our own drawing, see core.brand)


def environment(**options) -> Environment:
    env = Environment(**options)  # noqa: S701 (the backend turns autoescape on)
    env.globals.update(
        url=url,
        slug_url=slug_address,
        static=static,
        image=image,
        image_url=image_url,
        this_year=this_year,
        brand_mark=brand_mark,
        brand_version=brand.version,
    )
    env.filters.update(
        date=date,
        iso=iso,
        urlencode=urlencode,
        pluralize=defaultfilters.pluralize,
        linebreaks=lambda text: defaultfilters.linebreaks_filter(text),
    )
    return env

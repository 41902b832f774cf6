"""Page addresses made from a slug, or of a view without arguments, without a
full `reverse()` each time.

A story page links about forty pages (sections, stories, authors, tags), and
a full `reverse()` for each was a noticeable share of the page's time. The
address of each view is reversed once with a stand-in slug, per URL
configuration and script prefix, and the real slug is put in its place, quoted
as `reverse()` quotes it.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = "--slug--"
# What reverse() leaves unquoted (django.urls.resolvers: RFC 3986 sub-delims
# and "/~:@").
SAFE = "!$&'()*+,;=/~:@"

_shapes: dict[tuple, tuple[str, str]] = {}
# What every slug pattern here accepts (slug:, str:, [-\w]+); anything else,
# non-ASCII slugs included, goes through reverse(), which refuses what its
# pattern does not match.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def slug_address(viewname: str, slug: str) -> str:
    """What reverse(viewname, kwargs={"slug": slug}) gives, for a view whose
    only argument is a slug."""
    if not PLAIN_SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    key = (viewname, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    shape = _shapes.get(key)
    if shape is None:
        sample = reverse(viewname, kwargs={"slug": STAND_IN})
        before, found, after = sample.partition(STAND_IN)
        if not found:
            raise ImproperlyConfigured(f"{viewname} does not end in its slug")
        shape = _shapes[key] = (before, after)
    return f"{shape[0]}{quote(slug, safe=SAFE)}{shape[1]}"


_fixed: dict[tuple, str] = {}


def canonical_url(request, page_obj=None) -> str:
    """The address search engines should index a page under: its path, with
    `?page=N` past the first page of a list (each page of a list is a page of
    its own), and no other query (tracking parameters, an out-of-range page)."""
    path = request.path
    if page_obj is not None and page_obj.number > 1:
        path = f"{path}?page={page_obj.number}"
    return request.build_absolute_uri(path)


def fixed_address(viewname: str) -> str:
    """What reverse(viewname) gives, for a view without arguments: reversed
    once per URL configuration and script prefix."""
    key = (viewname, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    address = _fixed.get(key)
    if address is None:
        address = _fixed[key] = reverse(viewname)
    return address

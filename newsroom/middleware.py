"""Request checks that apply to every page, public and admin."""

import re

from django.http import HttpResponseBadRequest
from js_asset import Media

# No page's address has a control character in it. In the query, tabs and line
# breaks may come from a form; NUL and the other control characters never do.
# (PostgreSQL refuses NUL in any text, so it would otherwise fail deep in a
# query, as a 500.)
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QUERY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

REFUSED = (
    "This address contains a control character (such as a NUL byte), so it "
    "cannot be read. Check the link or what was typed."
)

# No field takes a whole number past a signed 64-bit integer (ids are bigint at
# most, number fields smaller). Django's id fields would send one to the
# database to look it up, where it fails as a 500 (OverflowError on SQLite, out
# of range on PostgreSQL), so a form posting one is refused here.
_WHOLE_NUMBER = re.compile(r"\s*[-+]?\d{19,}\s*")
_BIGINT = range(-(2**63), 2**63)
NUMBER_REFUSED = (
    "This form holds a number too large for any field (past 19 digits), so it "
    "cannot be saved. Go back, check what was typed, and send it again."
)
# Nor does any field take a NUL: forms refuse it in text fields, but a value read
# otherwise (a hidden version or key) would reach PostgreSQL, which refuses NUL in
# any text, as a 500.
NUL_REFUSED = (
    "This form holds a NUL character, which no field takes, so it cannot be "
    "saved. Go back, remove it (it often comes with pasted text), and send it "
    "again."
)


def _too_large(value: str) -> bool:
    if not _WHOLE_NUMBER.fullmatch(value):
        return False
    try:
        return int(value) not in _BIGINT
    except ValueError:  # more digits than Python converts: too large anyway
        return True


class RefuseControlCharactersMiddleware:
    """Answer 400, with a message, to an address or query string holding
    control characters, or to a form posting a NUL or a whole number too large
    for any field, before any view or cache sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET.lists()
        if _PATH_CONTROL.search(request.path) or any(
            _QUERY_CONTROL.search(text)
            for key, values in query
            for text in (key, *values)
        ):
            return HttpResponseBadRequest(
                REFUSED, content_type="text/plain; charset=utf-8"
            )
        if request.method == "POST":
            posted = [text for item in request.POST.lists() for text in item[1]]
            refused = (
                NUL_REFUSED
                if any("\x00" in text for text in posted)
                else NUMBER_REFUSED
                if any(_too_large(text) for text in posted)
                else ""
            )
            if refused:
                return HttpResponseBadRequest(
                    refused, content_type="text/plain; charset=utf-8"
                )
        return self.get_response(request)


class FormMediaNonceMiddleware:
    """Give the request's CSP nonce to form media holding an inline import map.

    django-prose-editor (the story body editor) loads its modules through an
    import map, which can only be an inline <script type="importmap">; the
    Content-Security-Policy (settings "Security") allows no inline script
    without the request's nonce. js_asset's Media, which carries the import map,
    renders a nonce it is given; the admin builds the page's media itself, so it
    is given here, on the admin's TemplateResponse, before it renders. Pages
    without an import map get no nonce, so the policy stays nonce-free there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if isinstance(media, Media) and media.render_importmap():
            response.context_data["media"] = media.with_nonce(str(request.csp_nonce))
        return response

"""Compressed responses for readers: Brotli where the browser asks for it,
gzip otherwise (issue 17).

What may be compressed is one rule, `compressible`: a text response of some
size that carries no secret. Compression with input reflected from the
request (a search term, an address) next to a secret lets an attacker who
can watch the sizes guess the secret byte by byte (BREACH), so nothing is
compressed that was rendered with a CSRF token, sets a cookie, is marked
private or no-store, or answers a signed-in person: the admin, previews and
log-in pages go out as they are. Readers' pages, feeds and sitemaps carry no
secret and are compressed; because of that the output is plain Brotli or
gzip, the same bytes for the same page (no random padding), so a cache in
front keeps one copy of each.

A cached page is the same bytes on every hit, so its compressed forms are
kept in a small per-process memo keyed by a hash of the page and the
encoding: a hit costs a hash (a tenth of a millisecond for a story page),
not a compression.
"""

import gzip
import hashlib
import re
from collections import OrderedDict

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers

MIN_SIZE = 200
TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/css",
        "text/calendar",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/ld+json",
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/manifest+json",
        "image/svg+xml",
    }
)
# Brotli's quality 5 and gzip's level 6: most of the saving for little time.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
MEMO_SIZE = 512

_token = re.compile(r"\s*([a-z0-9*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?", re.I)


def accepted(header: str) -> str:
    """The encoding to use for an Accept-Encoding header: "br", "gzip" or ""."""
    weights = {}
    for part in header.split(","):
        match = _token.match(part)
        if not match:
            continue
        name, q = match.group(1).lower(), match.group(2)
        try:
            weights[name] = float(q) if q is not None else 1.0
        except ValueError:
            weights[name] = 0.0
    for name in ("br", "gzip"):
        if weights.get(name, weights.get("*", 0.0)) > 0:
            return name
    return ""


def carries_secret(request, response) -> bool:
    """Whether the response holds something a BREACH attacker could guess:
    a CSRF token, a cookie it sets, or a page for a signed-in person."""
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
        return True
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return True
    # No session cookie, nobody signed in: the user is not looked up (a
    # cached page's hit never reads the session at all).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def compressible(request, response) -> bool:
    """The one rule: a complete text response worth compressing that carries
    no secret."""
    if response.streaming or response.has_header("Content-Encoding"):
        return False
    if len(response.content) < MIN_SIZE:
        return False
    media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in TYPES:
        return False
    return not carries_secret(request, response)


_memo: OrderedDict = OrderedDict()


def compress(content: bytes, encoding: str) -> bytes:
    key = (encoding, hashlib.blake2b(content, digest_size=16).digest())
    if key in _memo:
        _memo.move_to_end(key)
        return _memo[key]
    if encoding == "br":
        body = brotli.compress(content, quality=BROTLI_QUALITY)
    else:
        body = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
    _memo[key] = body
    if len(_memo) > MEMO_SIZE:
        _memo.popitem(last=False)
    return body


class CompressionMiddleware:
    """Compress what `compressible` allows, in the encoding the browser
    prefers; placed before the middleware that reads or writes the body (the
    conditional GET's ETag is of the uncompressed page, and made weak here,
    as RFC 9110 asks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not compressible(request, response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if not encoding:
            return response
        body = compress(response.content, encoding)
        if len(body) >= len(response.content):
            return response
        response.content = body
        response["Content-Length"] = str(len(body))
        response["Content-Encoding"] = encoding
        etag = response.get("ETag", "")
        if etag.startswith('"'):
            response["ETag"] = "W/" + etag
        return response

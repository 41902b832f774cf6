"""Whole-page caching for the public site.

A rendered page is stored under its address, with the site version it was
rendered under; any change to what pages show bumps the version (see
newsroom.signals), so no reader is served a stale page after a publish, edit,
unpublish or correction: the stored version no longer matches. A hit costs one
cache round trip, reading the version and the page together. An entry is also
valid only until the next scheduled story's minute, so scheduled stories appear
on cached pages exactly when the published() query starts showing them.
"""

import datetime as dt
import hashlib
import time
import weakref
from functools import wraps

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from newsroom.workflow import registry
from newsroom.workflow.states import State

VERSION_KEY = "pages:version"


def site_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_site_version() -> None:
    """Forget every cached page."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, _new_version(), timeout=None)


def _new_version() -> int:
    """A first version no stored page can carry. Counting from 1 again after the
    key was evicted could match a page stored under an earlier 1, 2, ..."""
    return time.time_ns()


def next_scheduled_change(now: dt.datetime) -> dt.datetime | None:
    """When the next scheduled item goes live (and pages must change): one
    query, however many content types there are."""
    upcoming = [
        model._default_manager.filter(status=State.SCHEDULED, published_at__gt=now)
        .order_by()  # the union is ordered, not its parts
        .values_list("published_at", flat=True)
        for model in registry.models()
    ]
    if not upcoming:
        return None
    first, *others = upcoming
    return first.union(*others).order_by("published_at").first()


def page_key(request) -> str:
    raw = f"{request.get_host()}{request.get_full_path()}".encode()
    return f"page:{hashlib.sha256(raw).hexdigest()}"


def _caching(request) -> bool:
    return request.method in ("GET", "HEAD") and bool(settings.PAGE_CACHE_SECONDS)


def lookup(request) -> tuple[str, int, tuple | None]:
    """(the page's key, the site version now, the stored entry if it is still
    good): one cache round trip, made once per request."""
    if (known := getattr(request, "_page_cache", None)) is not None:
        return known
    key = page_key(request)
    found = read_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = site_version()
    entry = found.get(key)
    now = timezone.now().timestamp()
    if entry is not None and not (entry[0] == version and entry[1] > now):
        entry = None
    request._page_cache = (key, version, entry)
    return request._page_cache


def _with_cache_headers(response):
    if response.status_code == 200:
        patch_cache_control(
            response, public=True, max_age=settings.PAGE_BROWSER_CACHE_SECONDS
        )
    return response


def _from_entry(entry) -> HttpResponse:
    _, _, status, headers, content = entry
    return _with_cache_headers(HttpResponse(content, status=status, headers=headers))


class PageCacheMiddleware:
    """Answer a cached page before sessions, CSRF, authentication and messages
    run: a stored page is the same for every reader, and those layers were most
    of what a hit cost. Placed after the middleware whose headers every
    response needs (security, conditional GET and its 304s, X-Frame-Options).
    A miss goes on to the view, whose `cached_page` reuses this lookup."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.never_prefixes = None

    def __call__(self, request):
        if _caching(request) and not self._never_cached(request):
            _, _, entry = lookup(request)
            if entry is not None:
                return _from_entry(entry)
        return self.get_response(request)

    def _never_cached(self, request) -> bool:
        """Under an address of settings.PAGE_CACHE_NEVER (the admin, search):
        nothing there is stored, so looking would only cost a round trip."""
        if self.never_prefixes is None:
            self.never_prefixes = tuple(
                reverse(name) for name in settings.PAGE_CACHE_NEVER
            )
        return request.path_info.startswith(self.never_prefixes)


def cached_page(view):
    """Serve a public GET page from the cache, with headers a CDN can use.

    Stored: (site version, valid until as a timestamp, status, headers, body).
    The version is the one read *before* rendering: if a purge lands while the
    page renders, the entry is already out of date when it is written.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _caching(request):
            return view(request, *args, **kwargs)
        key, version, entry = lookup(request)
        now = timezone.now()
        if entry is not None:
            response = _from_entry(entry)
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if cacheable(response):
                # The ETag, once: otherwise ConditionalGetMiddleware hashes the
                # page on every hit.
                set_response_etag(response)
                valid_until = now + dt.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
                change = next_scheduled_change(now)
                if change is not None:
                    valid_until = min(valid_until, change)
                entry = (
                    version,
                    valid_until.timestamp(),
                    response.status_code,
                    list(response.items()),
                    response.content,
                )
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            _with_cache_headers(response)
        return response

    return wrapper


# Django's Redis backend builds a new redis.Redis for every operation, which
# costs about as much as the round trip itself (100 µs, a fifth of a cached hit).
# The page cache reads through one per backend, on the backend's own pool.
_readers = weakref.WeakKeyDictionary()


def read_many(keys: list[str]) -> dict:
    """cache.get_many(keys): one round trip."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if type(backend) is not RedisCache:
        return backend.get_many(keys)
    client = backend._cache
    reader = _readers.get(client)
    if reader is None:
        reader = _readers[client] = client.get_client()
    values = reader.mget([backend.make_and_validate_key(key) for key in keys])
    return {
        key: client._serializer.loads(value)
        for key, value in zip(keys, values, strict=True)
        if value is not None
    }


def cacheable(response) -> bool:
    """A complete page for everyone: 200, not streamed, setting no cookie."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
    )

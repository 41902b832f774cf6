"""Whole-page caching for the public site, purged by what changed.

A rendered page is stored under its address with the *content keys* it was
built from (`story:12`, `author:3`, `tag:7`, `gallery:2`, `list:front`, the
lists `tagged:7`, `by:3` and `list:section:4`...: see `depends_on`) and the
version of each key when it was stored. A change bumps only the keys it
affects (newsroom.signals), so the pages showing the changed thing are
rendered again and every other page stays cached. The keys also go out in a
`Surrogate-Key` header, and a purge reaches the caches in front (Varnish, a
CDN: core.purgers, through the task queue) by the same keys.
`bump_site_version()` forgets every page, for what every page shows (the
sections menu).

A hit reads the site version, the purge counter and the page in one round
trip; when a purge has happened since the page was stored, a second reads the
versions of its keys. An entry is also valid only until the next scheduled
story's minute, so scheduled stories appear on cached pages exactly when the
public() query starts showing them; its `s-maxage` tells the caches in front
the same.
"""

import datetime as dt
import hashlib
import math
import time
from collections.abc import Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag

from workflow import registry
from workflow.models import goes_public_q

VERSION_KEY = "pages:version"
# Raised by every targeted purge; its value after the purge is the new version
# of each key purged. A page stored when it read N is good while it still
# reads N, without looking at its keys.
PURGES_KEY = "pages:purges"
KEY_PREFIX = "pages:key:"
# What a response's keys are sent as, for a CDN that purges by tag (Fastly's
# name; Cloudflare's Cache-Tag takes the same keys comma-separated).
KEYS_HEADER = "Surrogate-Key"


def site_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_site_version() -> None:
    """Forget every cached page, here and in the caches in front."""
    from core import purgers  # the task queue, loaded once apps are

    _bump(VERSION_KEY)
    purgers.purge_later([purgers.SITE])


def purge(keys: Iterable[str]) -> None:
    """Forget the cached pages built from any of these content keys: two cache
    round trips, however many keys. The caches in front (core.purgers) are
    purged of the same keys through the task queue, once the change commits."""
    from core import purgers  # the task queue, loaded once apps are

    keys = set(keys)
    if not keys:
        return
    version = _bump(PURGES_KEY)
    cache.set_many({KEY_PREFIX + key: version for key in keys}, timeout=None)
    purgers.purge_later(keys)


def _bump(name: str) -> int:
    try:
        return cache.incr(name)
    except ValueError:  # not set yet, or evicted
        version = _new_version()
        cache.set(name, version, timeout=None)
        return version


def _new_version() -> int:
    """A first version no stored page can carry. Counting from 1 again after the
    key was evicted could match a page stored under an earlier 1, 2, ..."""
    return time.time_ns()


def depends_on(response, *keys: str):
    """Say which content keys `response` was built from (see the module's
    docstring): the page is purged when any of them changes. A cached page that
    says nothing is purged by every change."""
    response.content_keys = set(getattr(response, "content_keys", ())) | set(keys)
    return response


def card_keys(stories) -> list[str]:
    """The keys of story cards: each story, and the authors its byline names
    (from the bylines prefetched for the card)."""
    keys = []
    for story in stories:
        if story is not None:
            keys.append(f"story:{story.pk}")
            keys += [f"author:{byline.author_id}" for byline in story.bylines.all()]
    return keys


def next_scheduled_change(now: dt.datetime) -> dt.datetime | None:
    """When the next item goes public with nobody acting (a scheduled one, at
    its minute: `goes_public_q`), and pages must change: one query, however
    many content types there are."""
    upcoming = [
        model._default_manager.filter(goes_public_q(now))
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


def lookup(request) -> tuple[str, int, int, tuple | None]:
    """(the page's key, the site version now, the purge counter now, the stored
    entry if it is still good): made once per request, in one cache round trip,
    or two when a purge happened since the page was stored."""
    if (known := getattr(request, "_page_cache", None)) is not None:
        return known
    key = page_key(request)
    found = read_many([VERSION_KEY, PURGES_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = site_version()
    purges = found.get(PURGES_KEY)
    if purges is None:
        cache.add(PURGES_KEY, _new_version(), timeout=None)
        purges = cache.get(PURGES_KEY)
    entry = found.get(key)
    if entry is not None and not _still_good(entry, version, purges):
        entry = None
    request._page_cache = (key, version, purges, entry)
    return request._page_cache


def _still_good(entry, version: int, purges: int) -> bool:
    """Stored under this site version, not past its time, and none of its keys
    purged since: no purge at all since it was stored, or its keys' versions
    are still those it was stored with."""
    stored_version, stored_purges, versions, valid_until = entry[:4]
    if stored_version != version or valid_until <= timezone.now().timestamp():
        return False
    if stored_purges == purges:
        return True
    if versions is None:  # a page that named no keys: any purge is its own
        return False
    current = read_many(list(versions))
    return all(current.get(name) == value for name, value in versions.items())


def _with_cache_headers(response, valid_until: float | None = None):
    """Public; a shared cache (Varnish, a CDN: `s-maxage`) may keep it as
    long as the page cache does, until `valid_until` (a timestamp: the next
    scheduled story's minute at the latest, so it appears there on time), a
    browser PAGE_BROWSER_CACHE_SECONDS at most. A page not stored here
    (`valid_until` None) is not kept by a shared cache either."""
    if response.status_code == 200:
        shared = 0
        if valid_until is not None:
            shared = max(0, math.floor(valid_until - timezone.now().timestamp()))
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.PAGE_BROWSER_CACHE_SECONDS, shared),
            s_maxage=shared,
        )
    return response


def _from_entry(entry) -> HttpResponse:
    status, headers, content = entry[4:]
    response = HttpResponse(content, status=status, headers=headers)
    return _with_cache_headers(response, valid_until=entry[3])


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
            entry = lookup(request)[3]
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

    Stored: (site version, purge counter, {key's cache name: its version} or
    None, valid until as a timestamp, status, headers, body). The version and
    counter are those read *before* rendering, and the page is not stored if
    one of its keys was purged while it rendered: it may show what that purge
    changed. (A page naming no keys is then stored, but good only until the
    next purge of any kind.)
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _caching(request):
            return view(request, *args, **kwargs)
        key, version, purges, entry = lookup(request)
        now = timezone.now()
        if entry is not None:
            return _from_entry(entry)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        keys = sorted(getattr(response, "content_keys", ()))
        for name, value in _keys_headers(keys).items():
            response[name] = value
        stored_until = None
        if cacheable(response):
            # The ETag, once: otherwise ConditionalGetMiddleware hashes the
            # page on every hit.
            set_response_etag(response)
            versions = _versions_if_unpurged(keys, purges)
            if versions is not False:
                valid_until = now + dt.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
                change = next_scheduled_change(now)
                if change is not None:
                    valid_until = min(valid_until, change)
                entry = (
                    version,
                    purges,
                    versions,
                    valid_until.timestamp(),
                    response.status_code,
                    list(response.items()),
                    response.content,
                )
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
                stored_until = entry[3]
        return _with_cache_headers(response, valid_until=stored_until)

    return wrapper


def _keys_headers(keys: list[str]) -> dict[str, str]:
    """The response headers naming the page's keys for the caches in front
    (core.purgers): its keys, UNKEYED for a page naming none (purged by every
    purge, as here), and SITE, purged with every page (bump_site_version)."""
    from core import purgers

    return key_headers([*(keys or [purgers.UNKEYED]), purgers.SITE])


def key_headers(keys: list[str]) -> dict[str, str]:
    """The headers that name `keys` to the caches in front (Surrogate-Key, and
    what core.purgers' adapters read), for a response they keep and a purge of
    any of these keys must reach: a page (above), a public picture's file."""
    from core import purgers

    return {KEYS_HEADER: " ".join(keys), **purgers.response_headers(keys)}


def _versions_if_unpurged(keys: list[str], purges: int) -> dict | None | bool:
    """The versions of `keys` now, by cache name (None for no keys), or False
    when one of them was purged since `purges` was read, before rendering: a
    purge gives its keys the counter's new value, higher than `purges`. A key
    never purged (or evicted) gets `purges` as its version: higher than any a
    page stored before could carry, as the counter only grows."""
    if not keys:
        return None
    names = [KEY_PREFIX + key for key in keys]
    current = read_many(names)
    for name in names:
        if name not in current:
            if not cache.add(name, purges, timeout=None):
                return False  # purged just now
            current[name] = purges
        elif current[name] > purges:
            return False
    return current


def read_many(keys: list[str]) -> dict:
    """cache.get_many(keys): one round trip."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if type(backend) is not RedisCache:
        return backend.get_many(keys)
    return _redis_reader().get_many(backend, keys)


class RedisReader:
    """Reads keys of Django's Redis cache with one MGET, through a client kept
    for the process.

    Django's RedisCache builds a new redis.Redis for every operation, which
    costs about as much as the round trip itself, and exposes no client of its
    own. This one is made from the same settings (the first LOCATION, which
    Django writes to, and its OPTIONS) and decodes values with Django's
    RedisSerializer, so it reads exactly what cache.set() wrote. It only reads:
    writes stay with Django's backend.
    """

    def __init__(self, location: str, options: dict):
        import redis

        pool = redis.ConnectionPool.from_url(location, **options)
        self.client = redis.Redis(connection_pool=pool)
        self.serializer = RedisSerializer()

    def get_many(self, backend, keys: list[str]) -> dict:
        values = self.client.mget([backend.make_key(key) for key in keys])
        return {
            key: self.serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }


_readers: dict[tuple, RedisReader] = {}


def _redis_reader() -> RedisReader:
    config = settings.CACHES[DEFAULT_CACHE_ALIAS]
    location = config["LOCATION"]
    if not isinstance(location, str):
        location = location[0]
    location = location.replace(";", ",").split(",")[0]
    # Django's own options for its pool (parser, pool class) are not the pool's.
    options = {
        name: value
        for name, value in config.get("OPTIONS", {}).items()
        if name not in ("pool_class", "parser_class", "serializer")
    }
    identity = (location, repr(sorted(options.items())))
    reader = _readers.get(identity)
    if reader is None:
        reader = _readers[identity] = RedisReader(location, options)
    return reader


def cacheable(response) -> bool:
    """A complete page for everyone: 200, not streamed, setting no cookie."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
    )

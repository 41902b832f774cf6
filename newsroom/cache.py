"""Whole-page caching for the public site.

A rendered page is stored under the current site version; any change to what
pages show bumps the version (see newsroom.signals), so no reader is served a
stale page after a publish, edit, unpublish or correction. An entry is also
valid only until the next scheduled story's minute, so scheduled stories appear
on cached pages exactly when the published() query starts showing them.
"""

import datetime as dt
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control

from newsroom.workflow import registry
from newsroom.workflow.states import State

VERSION_KEY = "pages:version"


def site_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump_site_version() -> None:
    """Forget every cached page."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, 2, timeout=None)


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


def cached_page(view):
    """Serve a public GET page from the cache, with headers a CDN can use."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
            return view(request, *args, **kwargs)
        raw = f"{request.get_host()}{request.get_full_path()}".encode()
        key = f"page:{site_version()}:{hashlib.sha256(raw).hexdigest()}"
        now = timezone.now()
        entry = cache.get(key)
        if entry is not None and entry[0] > now:
            response = entry[1]
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render"):
                    response.render()
                valid_until = now + dt.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
                change = next_scheduled_change(now)
                if change is not None:
                    valid_until = min(valid_until, change)
                cache.set(key, (valid_until, response), settings.PAGE_CACHE_SECONDS)
        if response.status_code == 200:
            patch_cache_control(
                response, public=True, max_age=settings.PAGE_BROWSER_CACHE_SECONDS
            )
        return response

    return wrapper

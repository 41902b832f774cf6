"""Readers' side of live coverage: the updates a live story's page fetches
(static/live/live.js), and the live desk (desk.py) for the newsroom.

The updates are a small JSON document per (story, cursor), served by the page
cache and purged on every change to the story's entries (`live:<id>`), with an
ETag (a 304 when nothing changed) and a short max-age, so a CDN in front can
answer the polls of every reader: nobody holds a connection open, and the web
servers render it once per change.
"""

import re

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control

from articles import embeds
from articles.models import Article
from core.cache import cached_page, depends_on

from .models import LiveEntry
from .page import keys_of, render_entry
from .signals import live_key

CURSOR = re.compile(r"[0-9]{1,18}")


@cached_page
def updates(request, slug):
    """What changed on a public live story after revision ?since= (0 or none:
    every entry shown): entries to show (their HTML, pinned first then newest
    first) and ids to take off (deleted, or waiting again); and the cursor to
    ask with next. Three queries."""
    since = request.GET.get("since", "0")
    if not CURSOR.fullmatch(since):
        return HttpResponseBadRequest("since: a revision number, as the page gave.")
    since = int(since)
    article = (
        Article.objects.public()
        .filter(slug=slug, is_live=True)
        .only("pk", "slug", "is_live", "coverage_end")
        .first()
    )
    if article is None:
        raise Http404("No live story has this address.")
    changed = list(
        LiveEntry.objects.for_story(article)
        .filter(revision__gt=since)
        .select_related("image")
        .order_by("-pinned", "-posted_at", "-id")
    )
    cursor = max((e.revision for e in changed), default=since)
    shown = [entry for entry in changed if entry.is_shown]
    with embeds.items_for(entry.embed for entry in shown):  # one lookup
        entries = [
            {
                "id": entry.pk,
                "pinned": entry.pinned,
                "posted": entry.posted_at.isoformat(),
                "html": render_entry(entry),
            }
            for entry in shown
        ]
    gone = [entry.pk for entry in changed if not entry.is_shown] if since else []
    response = JsonResponse(
        {
            "cursor": cursor,
            "ended": article.coverage_end is not None,
            "entries": entries,
            "gone": gone,
        }
    )
    patch_cache_control(response, public=True, max_age=settings.LIVE_POLL_MAX_AGE)
    shown = [entry for entry in changed if entry.is_shown]
    return depends_on(
        response, live_key(article.pk), f"story:{article.pk}", *keys_of(shown)
    )

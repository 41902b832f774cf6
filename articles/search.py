"""Story search: PostgreSQL full-text search ranked headline over dek over body,
with highlighted snippets; a plain word search elsewhere (SQLite).

Any input is safe: it is cleaned and cut to a sane length, then handed to
websearch_to_tsquery (PostgreSQL), which accepts any text, or used as plain
LIKE patterns with Django's escaping.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Article

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> str:
    """The text worth searching for: no control characters, sane length."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_CHARS]


def search(query: str):
    """Published stories matching `query`, best first, each with `.snippet`
    (safe HTML with the matched words in <mark>)."""
    stories = Article.objects.published().with_card_relations()
    if connection.vendor == "postgresql":
        return _postgres(stories, query)
    return _plain(stories, query)


def _postgres(stories, query: str):
    tsquery = SearchQuery(query, config="english", search_type="websearch")
    body_text = Func(
        F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace"
    )
    return (
        stories.filter(search_vector=tsquery)
        .annotate(
            rank=SearchRank(F("search_vector"), tsquery),
            snippet=SearchHeadline(
                body_text,
                tsquery,
                config="english",
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=35,
                min_words=15,
                max_fragments=2,
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def _plain(stories, query: str):
    words = query.split()[:MAX_WORDS]
    match = Q()
    for word in words:
        match &= (
            Q(headline__icontains=word)
            | Q(dek__icontains=word)
            | Q(body__icontains=word)
        )
    first = words[0] if words else ""
    found = (
        stories.defer(None)
        .filter(match)
        .annotate(
            rank=Case(
                When(headline__icontains=first, then=Value(3)),
                When(dek__icontains=first, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-published_at", "-id")
    )
    return _WithSnippets(found, words)


class _WithSnippets:
    """A queryset wrapper adding `.snippet` to each story as it is read, so a
    Paginator can slice and count it like the PostgreSQL queryset."""

    def __init__(self, queryset, words):
        self.queryset, self.words = queryset, words

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        items = self.queryset[index]
        if isinstance(index, slice):
            items = list(items)
            for story in items:
                story.snippet = plain_snippet(story.body, self.words)
            return items
        items.snippet = plain_snippet(items.body, self.words)
        return items


def plain_snippet(html: str, words: list[str], width: int = 220) -> str:
    text = " ".join(strip_tags(html).split())
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in words if lowered.find(w.lower()) >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    excerpt = text[start : start + width]
    marked = escape(excerpt)
    for word in sorted(set(words), key=len, reverse=True):
        marked = re.sub(
            f"({re.escape(escape(word))})", r"<mark>\1</mark>", marked, flags=re.I
        )
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 (escaped above)

"""Story search: PostgreSQL full-text search ranked headline over dek over body,
with highlighted snippets; a plain word search elsewhere (SQLite). The newest
POOL matches are ranked and counted, so a search costs about the same however
many stories match ("200+ stories").

Any input is safe: it is cleaned and cut to a sane length, then handed to
websearch_to_tsquery (PostgreSQL), which accepts any text, or used as plain
LIKE patterns with Django's escaping.
"""

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Article, Byline

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> str:
    """The text worth searching for: no control characters, sane length."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_CHARS]


# Only the newest this many matches are ranked, and counted: a word in tens of
# thousands of stories cost a visit to each of them, twice (the count, then the
# ranking; 0.9 s at 100,000 stories). PostgreSQL now reads a common word's
# stories newest first from the live-stories index and stops when the pool is
# full, or a rare word's few matches from the search index.
POOL = 200


def search(query: str) -> "Results":
    """Published stories matching `query`, best first, each with `.snippet`
    (safe HTML with the matched words in <mark>): the best of the newest POOL
    matches."""
    stories = Article.objects.published()
    if connection.vendor == "postgresql":
        return _postgres(stories, query)
    return _plain(stories, query)


def _shown(stories):
    """What a result shows: its section and its writers' names (no picture).
    PostgreSQL reads the names with the stories, as an array; elsewhere they
    come from a prefetch of the bylines."""
    shown = stories.select_related("section")
    if connection.vendor == "postgresql":
        names = (
            Byline.objects.filter(article=OuterRef("pk"))
            .order_by("position", "id")
            .values("author__name")
        )
        return shown.annotate(byline_names=ArraySubquery(names))
    return shown.prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author"))
    )


def by_line(names: list[str]) -> str:
    """ "By A", "By A and B", "By A, B and C"; "" without names."""
    if not names:
        return ""
    if len(names) == 1:
        return f"By {names[0]}"
    return f"By {', '.join(names[:-1])} and {names[-1]}"


def _postgres(stories, query: str):
    tsquery = SearchQuery(query, config="english", search_type="websearch")
    body_text = Func(
        F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace"
    )
    shown = (
        _shown(stories)
        .defer("body", "search_vector")
        .annotate(
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
    )
    return Results(
        stories.filter(search_vector=tsquery),
        SearchRank(F("search_vector"), tsquery),
        shown,
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
    rank = Case(
        When(headline__icontains=first, then=Value(3)),
        When(dek__icontains=first, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    shown = _shown(stories).defer("search_vector")
    return Results(stories.filter(match), rank, shown, words=words)


class ResultCount(int):
    """How many stories matched; with `more`, at least that many, and it reads
    "200+" on a page."""

    def __new__(cls, value: int, *, more: bool = False):
        count = super().__new__(cls, value)
        count.more = more
        return count

    def __str__(self) -> str:
        return f"{int(self):,}+" if self.more else str(int(self))


class Results:
    """The matches for a query, best first, as a Paginator reads them: counted
    (up to POOL) and sliced.

    One query reads the newest POOL + 1 matches' ids with their `rank` (the
    extra one only says there are more); they are sorted by rank, newest first
    among equals. A slice then reads just its stories (`shown`), with what a
    result shows. On SQLite, each gets its `.snippet` here."""

    def __init__(self, matches, rank, shown, *, words=None):
        self.matches, self.rank, self.shown, self.words = matches, rank, shown, words

    @cached_property
    def _pool(self) -> list[tuple[int, float]]:
        """The newest POOL + 1 matches as (id, rank), newest first. The rank is
        worked out for those only: ranking every match before keeping the
        newest read each one's search vector (twice the time for a word in
        1,400 stories at 100,000)."""
        newest = self.matches.newest_first().values("pk")[: POOL + 1]
        found = (
            Article.objects.filter(pk__in=newest)
            .newest_first()
            .annotate(rank=self.rank)
            .values_list("pk", "rank")
        )
        return list(found)

    @cached_property
    def _ranked(self) -> list[int]:
        """The pool's ids, best first: the pool is newest first, and the sort
        keeps that order among equal ranks."""
        pool = sorted(self._pool[:POOL], key=lambda row: row[1], reverse=True)
        return [pk for pk, _ in pool]

    def count(self) -> ResultCount:
        return ResultCount(min(len(self._pool), POOL), more=len(self._pool) > POOL)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        wanted = self._ranked[index]
        stories = self.shown.in_bulk(wanted)
        items = [stories[pk] for pk in wanted if pk in stories]
        for story in items:
            if not hasattr(story, "byline_names"):
                story.byline_names = [b.author.name for b in story.bylines.all()]
            story.by_line = by_line(story.byline_names)
            if self.words is not None:
                story.snippet = plain_snippet(story.body, self.words)
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

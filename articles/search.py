"""Story search: PostgreSQL full-text search ranked headline over dek over body,
with highlighted snippets; a plain word search elsewhere (SQLite). The newest
POOL matches are ranked and counted, so a search costs about the same however
many stories match ("200+ stories").

Any input is safe: it is cleaned and cut to a sane length, then handed to
websearch_to_tsquery (PostgreSQL), which accepts any text, or used as plain
LIKE patterns with Django's escaping.
"""

import re
from functools import cache

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
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from authors.models import Author

from .models import Article, Byline, Section
from .prepared import Prepared, attach, document, instance, json_object, live, table
from .story_page import CARD_LEAVES_OUT

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> str:
    """The text worth searching for: no control characters, sane length."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_QUERY_CHARS]


# Only the newest this many matches are ranked, and counted: a word in tens of
# thousands of stories cost a visit to each of them, twice (the count, then the
# ranking). PostgreSQL now reads a common word's
# stories newest first from the live-stories index and stops when the pool is
# full, or a rare word's few matches from the search index.
POOL = 200


def search(query: str) -> "Results":
    """Published stories matching `query`, best first, each with `.snippet`
    (safe HTML with the matched words in <mark>): the best of the newest POOL
    matches."""
    stories = Article.objects.public()
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
    if FAST:
        return PreparedResults(query)
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


# PostgreSQL: the pool and the page are read with hand-written statements
# (articles.prepared) rather than the ORM, which spent much of a search's time
# building and compiling the two queries. Tests compare both ways' pages.
FAST = True
HEADLINE_OPTIONS = (
    "StartSel='<mark>', StopSel='</mark>', MaxWords=35, MinWords=15, MaxFragments=2"
)


@cache
def _pool_statement() -> str:
    """The newest POOL + 1 public matches of %(query)s, newest first, each with
    its rank: computed for those only, as the scan stops when it has them. Not
    prepared: the best plan depends on how common the words are (newest first
    through the live-stories index for a common word, the search index for a
    rare one), which a generic plan would not see."""
    tsquery = "websearch_to_tsquery('english'::regconfig, %(query)s)"
    return f"""
SELECT a.id, ts_rank(a.search_vector, {tsquery})
FROM {table(Article)} a
WHERE {live(Article, "a", "%(now)s")} AND a.search_vector @@ {tsquery}
ORDER BY a.published_at DESC, a.id DESC
LIMIT %(limit)s
"""  # noqa: S608 (only quoted names from the models, and placeholders)


def _page_statement() -> str:
    """The public stories of $1 (ids), each with its section, its writers'
    names and a highlighted snippet of its text for query $2."""
    return f"""
SELECT COALESCE(json_agg(json_build_object(
    'article', {json_object(Article, "a", CARD_LEAVES_OUT)},
    'section', {json_object(Section, "s")},
    'byline_names', ARRAY(
        SELECT au.name FROM {table(Byline)} b
        JOIN {table(Author)} au ON au.id = b.author_id
        WHERE b.article_id = a.id ORDER BY b.position, b.id),
    'snippet', ts_headline('english'::regconfig,
        regexp_replace(a.body, '<[^>]+>', ' ', 'g'),
        websearch_to_tsquery('english'::regconfig, $2),
        '{HEADLINE_OPTIONS.replace("'", "''")}')
)), '[]')
FROM {table(Article)} a
JOIN {table(Section)} s ON s.id = a.section_id
WHERE a.id = ANY($1) AND {live(Article, "a", "$3")}
"""  # noqa: S608 (only quoted names from the models, and placeholders)


PAGE_STATEMENT = Prepared(
    "newsroom_search_page",
    ["bigint[]", "text", "timestamptz"],
    _page_statement,
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
        newest read each one's search vector."""
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


class PreparedResults(Results):
    """`Results` on PostgreSQL, read with the statements above."""

    def __init__(self, query: str):
        super().__init__(None, None, None)
        self.query = query

    @cached_property
    def _pool(self) -> list[tuple[int, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                _pool_statement(),
                {
                    "query": self.query,
                    "now": timezone.now(),
                    "limit": POOL + 1,
                },
            )
            return cursor.fetchall()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        wanted = self._ranked[index]
        if not wanted:
            return []
        (rows,) = PAGE_STATEMENT.fetchone(wanted, self.query, timezone.now())
        stories = {}
        for row in document(rows):
            story = instance(Article, row["article"], CARD_LEAVES_OUT)
            attach(story, "section", instance(Section, row["section"]))
            story.byline_names = row["byline_names"]
            story.by_line = by_line(story.byline_names)
            story.snippet = row["snippet"]
            stories[story.pk] = story
        return [stories[pk] for pk in wanted if pk in stories]


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

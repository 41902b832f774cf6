"""A published story page's rows in one SQL round trip (PostgreSQL).

The ORM reads a story page in six queries: the story with its section, hero
picture and gallery; its corrections; its tags; its related stories; the
bylines of all of those; the section menu. Building and compiling those
queries and turning their rows into objects cost about 5 ms a page, most of an
uncached page's time. Here one statement, written once per process, returns
all of it as one JSON document; `read` turns it into the same model instances
the ORM would have made, so the template cannot tell the difference (a test
renders every kind of story both ways and compares the pages).

What is public is decided as in `PublishableQuerySet.published()`: a live
state and a publication time that has come, for the story and for each related
story. Related stories come from the story's kept lists (`related_ids`); a
story whose lists were never worked out, a preview, and other databases take
the ORM path in `articles.views`. Pictures placed in the body are read
separately, and only when the body places some.
"""

import json
import re
import weakref
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import DateField, DateTimeField
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from taggit.models import Tag, TaggedItem

from authors.models import Author
from media_library.models import Gallery, Image
from newsroom.workflow.states import LIVE_STATES

from . import related
from .models import Article, Byline, Correction, Section

# Columns only SQL reads (as long as the body); a card does not show the body.
NEVER = frozenset({"search_vector"})
CARD_LEAVES_OUT = frozenset({"body", "search_vector"})


def available() -> bool:
    return connection.vendor == "postgresql"


# --- The statement --------------------------------------------------------------


def _fields(model, leave_out=frozenset()):
    return [f for f in model._meta.concrete_fields if f.attname not in leave_out]


def _object(model, alias: str, leave_out=frozenset()) -> str:
    """json_build_object of a row's columns, keyed by attribute name."""
    pairs = ", ".join(
        f"'{f.attname}', {alias}.\"{f.column}\"" for f in _fields(model, leave_out)
    )
    return f"json_build_object({pairs})"


def _table(model) -> str:
    return f'"{model._meta.db_table}"'


def _bylines(story: str) -> str:
    """The bylines of story `story`, in order, each with its author and the
    author's headshot."""
    return f"""(SELECT COALESCE(json_agg(json_build_object(
            'byline', {_object(Byline, "b")},
            'author', {_object(Author, "au")},
            'headshot',
                CASE WHEN hs.id IS NULL THEN NULL ELSE {_object(Image, "hs")} END
        ) ORDER BY b.position, b.id), '[]')
        FROM {_table(Byline)} b
        JOIN {_table(Author)} au ON au.id = b.author_id
        LEFT JOIN {_table(Image)} hs ON hs.id = au.headshot_id
        WHERE b.article_id = {story}.id)"""  # noqa: S608 (names and placeholders)


def _live(alias: str) -> str:
    return f"{alias}.status = ANY(%(live)s) AND {alias}.published_at <= %(now)s"


@cache
def statement() -> str:
    image = lambda alias: (  # noqa: E731
        f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE {_object(Image, alias)} END"
    )
    # The kept lists' ids with their list (picks first) and place in it.
    kept = " UNION ALL ".join(
        f"""SELECT {n} AS list, k.n AS place, k.id::bigint AS id
            FROM jsonb_array_elements_text(a.related_ids -> '{name}')
                 WITH ORDINALITY AS k(id, n)"""  # noqa: S608
        for n, name in enumerate(("picks", "by_tags"))
    )
    return f"""
SELECT json_build_object(
    'article', {_object(Article, "a", NEVER)},
    'section', {_object(Section, "s")},
    'hero', {image("h")},
    'gallery', CASE WHEN g.id IS NULL THEN NULL ELSE {_object(Gallery, "g")} END,
    'kept', a.related_ids IS NOT NULL,
    'corrections', (SELECT COALESCE(json_agg({_object(Correction, "c")}
            ORDER BY c.created_at, c.id), '[]')
        FROM {_table(Correction)} c WHERE c.article_id = a.id),
    'tags', (SELECT COALESCE(json_agg({_object(Tag, "t")} ORDER BY ti.id), '[]')
        FROM {_table(TaggedItem)} ti JOIN {_table(Tag)} t ON t.id = ti.tag_id
        WHERE ti.content_type_id = %(content_type)s AND ti.object_id = a.id),
    'bylines', {_bylines("a")},
    'related', (SELECT COALESCE(json_agg(json_build_object(
            'article', {_object(Article, "r", CARD_LEAVES_OUT)},
            'section', {_object(Section, "rs")},
            'hero', {image("rh")},
            'bylines', {_bylines("r")}
        ) ORDER BY shown.list, shown.place), '[]')
        FROM (
            SELECT public.list, public.place, public.id
            FROM (
                SELECT k.list, k.place, k.id, min(k.list) OVER () AS first
                FROM ({kept}) k
                -- One index probe per kept id (a join would be planned as a
                -- hash of every live story: the list's length is not known).
                CROSS JOIN LATERAL (
                    SELECT 1 FROM {_table(Article)} p
                    WHERE p.id = k.id AND {_live("p")} LIMIT 1
                ) p
            ) public
            WHERE public.list = public.first
            ORDER BY public.list, public.place
            LIMIT {related.SHOWN}
        ) shown
        JOIN {_table(Article)} r ON r.id = shown.id
        JOIN {_table(Section)} rs ON rs.id = r.section_id
        LEFT JOIN {_table(Image)} rh ON rh.id = r.hero_image_id),
    'sections', (SELECT json_agg({_object(Section, "m")}
            ORDER BY m.position, m.name)
        FROM {_table(Section)} m)
)
FROM {_table(Article)} a
JOIN {_table(Section)} s ON s.id = a.section_id
LEFT JOIN {_table(Image)} h ON h.id = a.hero_image_id
LEFT JOIN {_table(Gallery)} g ON g.id = a.gallery_id
WHERE a.slug = %(slug)s AND {_live("a")}
"""  # noqa: S608 (only quoted names from the models, and placeholders)


# --- From JSON to model instances -----------------------------------------------


@cache
def _converters(model, leave_out=frozenset()):
    """(attribute names, {name: parser}) for the JSON of one of `model`'s rows:
    JSON carries dates and times as ISO text."""
    names, parsers = [], {}
    for f in _fields(model, leave_out):
        names.append(f.attname)
        if isinstance(f, DateTimeField):
            parsers[f.attname] = parse_datetime
        elif isinstance(f, DateField):
            parsers[f.attname] = parse_date
    return names, parsers


def _instance(model, data: dict | None, leave_out=frozenset()):
    """The model instance the ORM would make from this row (fields left out
    are deferred, as with `.defer()`)."""
    if data is None:
        return None
    names, parsers = _converters(model, leave_out)
    values = [
        parsers[n](data[n]) if n in parsers and data[n] is not None else data[n]
        for n in names
    ]
    return model.from_db(connection.alias, names, values)


def _attach(instance, field_name: str, value) -> None:
    """Set a foreign key's object as select_related does."""
    instance._meta.get_field(field_name).set_cached_value(instance, value)


def _prefetched(instance, name: str, objects: list) -> None:
    """Give `instance.<name>.all()` these objects, as prefetch_related does."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _bylines_of(story, rows: list) -> list:
    bylines = []
    for row in rows:
        byline = _instance(Byline, row["byline"])
        author = _instance(Author, row["author"])
        _attach(author, "headshot", _instance(Image, row["headshot"]))
        _attach(byline, "author", author)
        _attach(byline, "article", story)
        bylines.append(byline)
    _prefetched(story, "bylines", bylines)
    return bylines


class StoryPage:
    """What a published story page shows, read in one query."""

    def __init__(self, data: dict):
        article = _instance(Article, data["article"], NEVER)
        _attach(article, "section", _instance(Section, data["section"]))
        _attach(article, "hero_image", _instance(Image, data["hero"]))
        _attach(article, "gallery", _instance(Gallery, data["gallery"]))
        self.article = article
        self.corrections = [_instance(Correction, c) for c in data["corrections"]]
        for correction in self.corrections:
            _attach(correction, "article", article)
        _prefetched(article, "corrections", self.corrections)
        self.tags = [_instance(Tag, t) for t in data["tags"]]
        self.bylines = _bylines_of(article, data["bylines"])
        self.sections = [_instance(Section, s) for s in data["sections"] or []]
        # None: the kept lists were never worked out, and the view ranks now.
        self.related = self._related(data["related"]) if data["kept"] else None

    @staticmethod
    def _related(rows: list) -> list:
        """The public editors' picks, else the public kept tag neighbours, up
        to related.SHOWN (as `views.related_stories`): chosen by the SQL."""
        stories = []
        for row in rows:
            story = _instance(Article, row["article"], CARD_LEAVES_OUT)
            _attach(story, "section", _instance(Section, row["section"]))
            _attach(story, "hero_image", _instance(Image, row["hero"]))
            _bylines_of(story, row["bylines"])
            stories.append(story)
        return stories


# The statement is prepared once per database connection: parsing and planning
# it took about 2 ms, running it about 0.4.
PREPARED_NAME = "newsroom_story_page"
_prepared_on = weakref.WeakSet()  # the psycopg connections that have it


def _prepare(cursor) -> None:
    raw = connection.connection
    if raw in _prepared_on:
        return
    cursor.execute(
        "SELECT 1 FROM pg_prepared_statements WHERE name = %s", [PREPARED_NAME]
    )
    if cursor.fetchone() is None:
        cursor.execute(
            f"PREPARE {PREPARED_NAME}(text, text[], timestamptz, integer) AS "
            + re.sub(r"%\((\w+)\)s", lambda m: PARAMETERS[m.group(1)], statement())
        )
    _prepared_on.add(raw)


PARAMETERS = {"slug": "$1", "live": "$2", "now": "$3", "content_type": "$4"}


def read(slug: str) -> StoryPage | None:
    """The published story at `slug` and what its page shows, or None."""
    with connection.cursor() as cursor:
        _prepare(cursor)
        cursor.execute(
            f"EXECUTE {PREPARED_NAME}(%s, %s, %s, %s)",
            [
                slug,
                [str(state) for state in LIVE_STATES],
                timezone.now(),
                ContentType.objects.get_for_model(Article).pk,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    document = row[0]
    return StoryPage(json.loads(document) if isinstance(document, str) else document)

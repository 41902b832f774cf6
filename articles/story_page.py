"""A published story page's rows in one SQL round trip (PostgreSQL).

The ORM reads a story page in six queries: the story with its section, hero
picture and gallery; its corrections; its tags; its related stories; the
bylines of all of those; the section menu. Building and compiling those
queries and turning their rows into objects cost most of an uncached page's
time. Here one statement, written once per process, returns all of it as one
JSON document; `read` turns it into the same model instances the ORM would
have made, so the template cannot tell the difference (a test renders every
kind of story both ways and compares the pages).

What is public is decided by the SQL the ORM compiles from
`workflow.models.public_q` (`prepared.live`), for the story and for
each related story. Related stories come from the story's kept lists (`related_ids`); a
story whose lists were never worked out, a preview, and other databases take
the ORM path in `articles.views`. Pictures placed in the body are read
separately, and only when the body places some.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from authors.models import Author
from media_library.models import Gallery, Image

from . import related
from .models import Article, Byline, Correction, Section
from .prepared import (
    Prepared,
    attach,
    document,
    instance,
    json_object,
    json_object_or_null,
    live,
    prefetched,
    table,
)

# Columns only SQL reads (as long as the body); a card does not show the body.
NEVER = frozenset({"search_vector"})
CARD_LEAVES_OUT = frozenset({"body", "search_vector"})


def available() -> bool:
    return connection.vendor == "postgresql"


# --- The statement --------------------------------------------------------------
# $1 the slug, $2 now, $3 the content type of stories.


def _bylines(story: str) -> str:
    """The bylines of story `story`, in order, each with its author and the
    author's headshot."""
    return f"""(SELECT COALESCE(json_agg(json_build_object(
            'byline', {json_object(Byline, "b")},
            'author', {json_object(Author, "au")},
            'headshot', {json_object_or_null(Image, "hs")}
        ) ORDER BY b.position, b.id), '[]')
        FROM {table(Byline)} b
        JOIN {table(Author)} au ON au.id = b.author_id
        LEFT JOIN {table(Image)} hs ON hs.id = au.headshot_id
        WHERE b.article_id = {story}.id)"""  # noqa: S608 (names and placeholders)


def _live(alias: str) -> str:
    return live(Article, alias, now="$2")


def statement() -> str:
    # The kept lists' ids with their list (picks first) and place in it.
    kept = " UNION ALL ".join(
        f"""SELECT {n} AS list, k.n AS place, k.id::bigint AS id
            FROM jsonb_array_elements_text(a.related_ids -> '{name}')
                 WITH ORDINALITY AS k(id, n)"""  # noqa: S608
        for n, name in enumerate(("picks", "by_tags"))
    )
    return f"""
SELECT json_build_object(
    'article', {json_object(Article, "a", NEVER)},
    'section', {json_object(Section, "s")},
    'hero', {json_object_or_null(Image, "h")},
    'gallery', {json_object_or_null(Gallery, "g")},
    'kept', a.related_ids IS NOT NULL,
    'corrections', (SELECT COALESCE(json_agg({json_object(Correction, "c")}
            ORDER BY c.created_at, c.id), '[]')
        FROM {table(Correction)} c WHERE c.article_id = a.id),
    'tags', (SELECT COALESCE(json_agg({json_object(Tag, "t")} ORDER BY ti.id), '[]')
        FROM {table(TaggedItem)} ti JOIN {table(Tag)} t ON t.id = ti.tag_id
        WHERE ti.content_type_id = $3 AND ti.object_id = a.id),
    'bylines', {_bylines("a")},
    'related', (SELECT COALESCE(json_agg(json_build_object(
            'article', {json_object(Article, "r", CARD_LEAVES_OUT)},
            'section', {json_object(Section, "rs")},
            'hero', {json_object_or_null(Image, "rh")},
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
                    SELECT 1 FROM {table(Article)} p
                    WHERE p.id = k.id AND {_live("p")} LIMIT 1
                ) p
            ) public
            WHERE public.list = public.first
            ORDER BY public.list, public.place
            LIMIT {related.SHOWN}
        ) shown
        JOIN {table(Article)} r ON r.id = shown.id
        JOIN {table(Section)} rs ON rs.id = r.section_id
        LEFT JOIN {table(Image)} rh ON rh.id = r.hero_image_id),
    'sections', (SELECT json_agg({json_object(Section, "m")}
            ORDER BY m.position, m.name)
        FROM {table(Section)} m)
)
FROM {table(Article)} a
JOIN {table(Section)} s ON s.id = a.section_id
LEFT JOIN {table(Image)} h ON h.id = a.hero_image_id
LEFT JOIN {table(Gallery)} g ON g.id = a.gallery_id
WHERE a.slug = $1 AND {_live("a")}
"""  # noqa: S608 (only quoted names from the models, and placeholders)


# Prepared once per connection: parsing and planning the statement cost
# PostgreSQL more than running it.
STATEMENT = Prepared(
    "newsroom_story_page", ["text", "timestamptz", "integer"], statement
)


# --- From JSON to model instances -----------------------------------------------


def _bylines_of(story, rows: list) -> list:
    bylines = []
    for row in rows:
        byline = instance(Byline, row["byline"])
        author = instance(Author, row["author"])
        attach(author, "headshot", instance(Image, row["headshot"]))
        attach(byline, "author", author)
        attach(byline, "article", story)
        bylines.append(byline)
    prefetched(story, "bylines", bylines)
    return bylines


class StoryPage:
    """What a published story page shows, read in one query."""

    def __init__(self, data: dict):
        article = instance(Article, data["article"], NEVER)
        attach(article, "section", instance(Section, data["section"]))
        attach(article, "hero_image", instance(Image, data["hero"]))
        attach(article, "gallery", instance(Gallery, data["gallery"]))
        self.article = article
        self.corrections = [instance(Correction, c) for c in data["corrections"]]
        for correction in self.corrections:
            attach(correction, "article", article)
        prefetched(article, "corrections", self.corrections)
        self.tags = [instance(Tag, t) for t in data["tags"]]
        self.bylines = _bylines_of(article, data["bylines"])
        self.sections = [instance(Section, s) for s in data["sections"] or []]
        # None: the kept lists were never worked out, and the view ranks now.
        self.related = self._related(data["related"]) if data["kept"] else None

    @staticmethod
    def _related(rows: list) -> list:
        """The public editors' picks, else the public kept tag neighbours, up
        to related.SHOWN (as `views.related_stories`): chosen by the SQL."""
        stories = []
        for row in rows:
            story = instance(Article, row["article"], CARD_LEAVES_OUT)
            attach(story, "section", instance(Section, row["section"]))
            attach(story, "hero_image", instance(Image, row["hero"]))
            _bylines_of(story, row["bylines"])
            stories.append(story)
        return stories


def read(slug: str) -> StoryPage | None:
    """The published story at `slug` and what its page shows, or None."""
    row = STATEMENT.fetchone(
        slug,
        timezone.now(),
        ContentType.objects.get_for_model(Article).pk,
    )
    return None if row is None else StoryPage(document(row[0]))

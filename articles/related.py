"""Related stories, worked out when stories change rather than on each view.

A story page shows editors' picks, else the stories sharing most tags with it
(newest first among equals). Ranking those on every view was the largest part
of an uncached story page (8 of 20 ms). Instead each story keeps
`Article.related_ids`, {"picks": [...], "by_tags": [...]}: its picks in order
and its best tag neighbours: the best STORED of those public now, and among
them, in their place, the best STORED of those that become public later with
nobody acting (scheduled), so a scheduled story shows in its neighbours' lists
from its minute. Both are picked by `workflow.models.public_q`,
compiled by the ORM. The page reads those rows in one query through
`public()`, so a neighbour that is unpublished, deleted or not yet due never
shows; STORED is more than SHOWN to leave spares for that. Scheduled stories
cannot crowd the public ones out of a list, however many there are.

The lists are refreshed (`refresh`) when a story is saved or its tags or picks
change; when a live story changes, so are the lists of the recent stories
sharing a tag with it, so a new story joins its neighbours' lists when it goes
out. `manage.py refresh_related` rebuilds every list.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper

from workflow.models import meets, public_ever_q, public_q

SHOWN = 4
STORED = 8
# Tag neighbours are ranked among this many of the newest live stories: a
# fixed cost however big the archive grows (ranking every story sharing a
# NASA tag read a third of them). A story with fewer than SHOWN neighbours
# there is ranked against the whole archive.
WINDOW = 500
BATCH = 500


def _model():
    from .models import Article

    return Article


def _tagged_table() -> str:
    return _model().tags.through._meta.db_table


def _candidates_sql(window: bool) -> tuple[str, list]:
    """Stories public now or later with nobody acting (`public_ever_q`), with
    `public`, whether they are public now (`public_q`); the newest WINDOW of
    them if `window`. SQL compiled by the ORM, so it says what they say."""
    stories = (
        _model()
        ._default_manager.filter(public_ever_q())
        .annotate(public=ExpressionWrapper(public_q(), output_field=BooleanField()))
        .order_by()
        .values("id", "published_at", "public")
    )
    if window:
        stories = stories.order_by("-published_at", "-id")[:WINDOW]
    sql, params = stories.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _sharing(story_marks: str, *, window: bool) -> tuple[str, list]:
    """The FROM and WHERE of a query over (s: a tag on one of the stories whose
    ids fill `story_marks`, o: the same tag on another story, c: that story,
    public now or later, with `c.public`), and its parameters before those
    ids."""
    tagged = connection.ops.quote_name(_tagged_table())
    candidates, params = _candidates_sql(window)
    sql = f"""
        FROM {tagged} s
        JOIN {tagged} o
          ON o.tag_id = s.tag_id
         AND o.content_type_id = s.content_type_id
         AND o.object_id <> s.object_id
        JOIN ({candidates}) c ON c.id = o.object_id
        WHERE s.content_type_id = %s AND s.object_id IN ({story_marks})
    """  # noqa: S608 (only quoted names and placeholders)
    return sql, [*params, ContentType.objects.get_for_model(_model()).pk]


def rank_by_tags(
    story_ids: list[int], *, window: bool = True
) -> dict[int, list[tuple[int, bool]]]:
    """{story id: [(story id, public now), ...]} for each of `story_ids`: the
    STORED public stories sharing most tags with it and the STORED others (to
    be public later) sharing most, together in one ranking: most shared tags
    first, newest first among equals (one query per BATCH)."""
    ranked: dict[int, list] = {}
    for start in range(0, len(story_ids), BATCH):
        batch = story_ids[start : start + BATCH]
        sharing, params = _sharing(", ".join(["%s"] * len(batch)), window=window)
        sql = f"""
            SELECT story, other, public FROM (
                SELECT s.object_id AS story, o.object_id AS other,
                       c.public AS public, COUNT(*) AS shared,
                       c.published_at AS published_at,
                       ROW_NUMBER() OVER (
                           PARTITION BY s.object_id, c.public
                           ORDER BY COUNT(*) DESC, c.published_at DESC, c.id DESC
                       ) AS n
                {sharing}
                GROUP BY s.object_id, o.object_id, c.public, c.published_at, c.id
            ) ranked
            WHERE n <= %s
            ORDER BY story, shared DESC, published_at DESC, other DESC
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *batch, STORED])
            for story, other, public in cursor.fetchall():
                ranked.setdefault(story, []).append((other, bool(public)))
    return ranked


def compute(story_ids: list[int]) -> dict[int, dict]:
    """{story id: its `related_ids` value} for each of `story_ids`."""
    Article = _model()
    by_tags = rank_by_tags(story_ids)
    short = [
        pk
        for pk in story_ids
        if sum(public for _, public in by_tags.get(pk, ())) < SHOWN
    ]
    if short:
        # Too few recent stories share a tag: rank the whole archive. Tags that
        # seldom appear in recent stories are on few stories as a rule.
        by_tags.update(rank_by_tags(short, window=False))
    picks = defaultdict(list)
    rows = (
        Article.related.through.objects.filter(from_article_id__in=story_ids)
        .order_by("-to_article__published_at", "-to_article_id")
        .values_list("from_article_id", "to_article_id")
    )
    for story, pick in rows:
        picks[story].append(pick)
    return {
        pk: {
            "picks": picks.get(pk, []),
            "by_tags": [other for other, _ in by_tags.get(pk, [])],
        }
        for pk in story_ids
    }


def refresh(story_ids) -> int:
    """Work out the lists of `story_ids` and store those that changed (no
    signals are sent): how many changed. A story's change seldom alters its
    neighbours' lists, and rewriting their rows regardless cost as much as
    working them out."""
    Article = _model()
    story_ids = sorted(set(story_ids))
    changed = 0
    for start in range(0, len(story_ids), BATCH):
        batch = story_ids[start : start + BATCH]
        values = compute(batch)
        kept = dict(
            Article.objects.filter(pk__in=batch).values_list("pk", "related_ids")
        )
        stale = [
            Article(pk=pk, related_ids=value)
            for pk, value in values.items()
            if pk in kept and kept[pk] != value
        ]
        Article.objects.bulk_update(stale, ["related_ids"])
        changed += len(stale)
    return changed


def neighbours(story_id: int) -> list[int]:
    """The stories among the newest WINDOW public now or later sharing a tag
    with this one: the lists a change to it may alter."""
    sharing, params = _sharing("%s", window=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT o.object_id {sharing}", [*params, story_id])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def reaches_neighbours(story) -> bool:
    """Whether the story is, or was, in other stories' lists: public now or
    later (`public_ever_q`, what the lists hold), or it had a publication time,
    which every story the lists held had and which it keeps when it is taken
    down (an unpublished story's neighbours get a replacement for it)."""
    return meets(story, public_ever_q()) or story.published_at is not None


def story_changed(story, also=()) -> None:
    """Refresh this story's list and, when it reaches them, its neighbours' (it
    may now belong in theirs, or no longer), and those of the stories `also`."""
    ids = [story.pk, *also]
    if reaches_neighbours(story):
        ids += neighbours(story.pk)
    refresh(ids)

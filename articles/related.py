"""Related stories: one ranking (`rank`), worked out when stories change
rather than on each view, and read by the page through `public()`.

A story page shows editors' picks, else the stories sharing most tags with it
(newest first among equals). `rank` is the only place that says so. It ranks
the stories public now or later with nobody acting (`public_ever_q`: a
scheduled story is ranked from the moment it is scheduled), among the newest
WINDOW of them, or among all of them when fewer than SHOWN of those share a
tag. The ranking does not depend on the clock, so what a page shows at any
moment, the ranked stories public then (`public()`), is the same whether the
list was ranked earlier and kept or is ranked now (a preview, a story whose
list was never worked out).

Each story keeps its ranking in `Article.related_ids`, {"picks": [...],
"by_tags": [...]}: its picks in order and, in ranking order, the best STORED
of its tag neighbours public now and, apart, the best STORED of those public
later (scheduled), so scheduled stories never crowd public ones out of a list
and show from their minute. The page reads those rows in one query through
`public()`, so a neighbour that is unpublished, deleted or not yet due never
shows; STORED is more than SHOWN to leave spares for that.

The lists are refreshed (`refresh`, on the task queue: `refresh_around`)
when a story is saved or its tags or picks change; when a live story changes,
so are the lists of the recent stories sharing a tag with it, so a new story
joins its neighbours' lists when it goes out. `refresh` stores with
bulk_update, which sends no model signal: it sends
`articles.signals.related_lists_changed` with the public stories whose list
changed, so that their pages are purged. `manage.py refresh_related` rebuilds
every list.

Every query here is the ORM's, built on `workflow.models.public_ever_q` and
`public_q`: no condition is written a second time in SQL.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Value
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from core.tasks import background
from workflow.models import meets, public_ever_q, public_q

SHOWN = 4
STORED = 8
# Tag neighbours are ranked among this many of the newest stories public now
# or later: a fixed cost however big the archive grows (ranking every story
# sharing a NASA tag read a third of them). A story with fewer than SHOWN
# neighbours there is ranked against the whole archive.
WINDOW = 500
BATCH = 500
# A story's taggings, seen from a tag another story carries.
TAGGINGS = "tags__taggit_taggeditem_items__"


def _model():
    from .models import Article

    return Article


def _public_ever():
    """The stories a ranking may hold: public now or later (`public_ever_q`)."""
    return _model()._default_manager.filter(public_ever_q())


def _newest(candidates):
    """`candidates` among the newest WINDOW stories public now or later."""
    newest = _public_ever().order_by("-published_at", "-id").values("pk")[:WINDOW]
    return candidates.filter(pk__in=newest)


def _sharing_with(story_ids: list[int]) -> Q:
    """Stories carrying a tag one of `story_ids` carries (the join `rank` and
    `neighbours` share; `TAGGINGS` then names the other story's tagging)."""
    return Q(
        **{
            f"{TAGGINGS}content_type": ContentType.objects.get_for_model(_model()),
            f"{TAGGINGS}object_id__in": story_ids,
        }
    )


def _by_tags(story_ids: list[int], *, tags, window: bool) -> dict[int, list]:
    """{story id: [(story id, public now), ...]}: for each of `story_ids`, the
    best STORED public now and the best STORED public later sharing its tags
    (or, for one story, the `tags` given), together in one ranking: most
    shared tags first, newest first among equals. One query."""
    if tags is None:
        sharing, story = _sharing_with(story_ids), F(f"{TAGGINGS}object_id")
    else:  # a preview's tags, perhaps not saved as rows: by name
        (pk,) = story_ids
        sharing, story = Q(tags__name__in=[tag.name for tag in tags]), Value(pk)
    candidates = _public_ever().filter(sharing)  # the join the Count counts
    if window:
        candidates = _newest(candidates)
    order = [F("shared").desc(), F("published_at").desc(), F("pk").desc()]
    rows = (
        candidates.annotate(
            story=story,
            public=ExpressionWrapper(public_q(), output_field=BooleanField()),
        )
        .exclude(pk=F("story"))
        .values("story", "pk", "public", "published_at")
        .annotate(shared=Count("*"))
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("story"), F("public")], order_by=order
            )
        )
        .filter(place__lte=STORED)
        .order_by("story", *order)
        .values_list("story", "pk", "public")
    )
    ranked: dict[int, list] = {}
    for story_id, other, public in rows:
        ranked.setdefault(story_id, []).append((other, bool(public)))
    return ranked


def rank(story_ids, *, tags=None) -> dict[int, dict]:
    """THE related ranking: {story id: its `related_ids` value} for each of
    `story_ids`, their editors' picks (newest first) and tag neighbours (see
    the module's docstring). With `tags` (one story, a preview), ranked by
    those tags instead of its saved ones. One query a BATCH of stories for the
    picks, one or two for the neighbours."""
    Through = _model().related.through
    story_ids = list(story_ids)
    ranked = {}
    for start in range(0, len(story_ids), BATCH):
        batch = story_ids[start : start + BATCH]
        by_tags = _by_tags(batch, tags=tags, window=True)
        # Fewer than SHOWN recent stories share a tag: rank the whole archive.
        # Tags that seldom appear in recent stories are on few stories.
        short = [pk for pk in batch if len(by_tags.get(pk, ())) < SHOWN]
        if short:
            by_tags.update(_by_tags(short, tags=tags, window=False))
        picks = defaultdict(list)
        rows = (
            Through.objects.filter(from_article_id__in=batch)
            .order_by("-to_article__published_at", "-to_article_id")
            .values_list("from_article_id", "to_article_id")
        )
        for story, pick in rows:
            picks[story].append(pick)
        for pk in batch:
            ranked[pk] = {
                "picks": picks.get(pk, []),
                "by_tags": [other for other, _ in by_tags.get(pk, [])],
            }
    return ranked


def refresh(story_ids) -> int:
    """Rank `story_ids` again and store the lists that changed (bulk_update:
    no model signal), then send `related_lists_changed` with those of stories
    public now, whose pages show them: how many changed. A story's change
    seldom alters its neighbours' lists, and rewriting their rows regardless
    cost as much as working them out."""
    from .signals import related_lists_changed

    Article = _model()
    story_ids = sorted(set(story_ids))
    changed, shown = 0, []
    for start in range(0, len(story_ids), BATCH):
        batch = story_ids[start : start + BATCH]
        values = rank(batch)
        kept = {
            pk: (value, public)
            for pk, value, public in Article._default_manager.filter(pk__in=batch)
            .annotate(public=ExpressionWrapper(public_q(), output_field=BooleanField()))
            .values_list("pk", "related_ids", "public")
        }
        stale = [
            pk for pk, value in values.items() if pk in kept and kept[pk][0] != value
        ]
        Article._default_manager.bulk_update(
            [Article(pk=pk, related_ids=values[pk]) for pk in stale], ["related_ids"]
        )
        changed += len(stale)
        shown += [pk for pk in stale if kept[pk][1]]
    if shown:
        related_lists_changed.send(sender=Article, story_ids=shown)
    return changed


def neighbours(story_id: int) -> list[int]:
    """The stories among the newest WINDOW public now or later sharing a tag
    with this one: the lists a change to it may alter."""
    sharing = _newest(_public_ever().filter(_sharing_with([story_id])))
    return list(
        sharing.exclude(pk=story_id).order_by().values_list("pk", flat=True).distinct()
    )


def reaches_neighbours(story) -> bool:
    """Whether the story is, or was, in other stories' lists: public now or
    later (`public_ever_q`, what the lists hold), or it had a publication time,
    which every story the lists held had and which it keeps when it is taken
    down (an unpublished story's neighbours get a replacement for it)."""
    return meets(story, public_ever_q()) or story.published_at is not None


def story_changed(story, also=()) -> None:
    """Refresh this story's list and, when it reaches them, its neighbours' (it
    may now belong in theirs, or no longer), and those of the stories `also`:
    on the task queue, off the editor's request (stored with the change on
    the database queue; the embedded one runs it on the spot)."""
    refresh_around.enqueue(story.pk, list(also), reaches=reaches_neighbours(story))


@background(retries=3, backoff=30)
def refresh_around(story_id: int, also: list[int], *, reaches: bool) -> int:
    """The task `story_changed` queues; `reaches`: whether the story is or
    was in other stories' lists when it changed."""
    ids = [story_id, *also]
    if reaches:
        ids += neighbours(story_id)
    return refresh(ids)


@background(retries=3, backoff=30)
def refresh_later(story_ids: list[int]) -> int:
    """`refresh` on the task queue."""
    return refresh(story_ids)

"""What is public is defined once (`workflow.models.public_q`, issue 13)
and every other form of it is generated from that Q: the querysets, the
Python check on a row (`meets`, behind `is_public`), the SQL of the
hand-written statements (`articles.prepared.live`), what goes public next (the
page cache's expiry) and what is due (the scheduler). Here each form is asked
about every state × publication time and must answer as the queryset does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q

from articles.models import Article
from articles.prepared import live, table
from core.cache import next_scheduled_change
from tests.factories import ArticleFactory
from workflow.models import goes_public_q, meets, public_ever_q, public_q
from workflow.states import LIVE_STATES, State

pytestmark = pytest.mark.django_db

# Offsets from the pinned `now`; None is no publication time at all.
OFFSETS = [-timedelta(hours=1), timedelta(0), timedelta(minutes=1), None]
# The moments each form is asked about, as offsets from `now`.
MOMENTS = [-timedelta(hours=2), timedelta(0), timedelta(minutes=1), timedelta(days=2)]


@pytest.fixture
def stories(now):
    """One story per state × publication time (none only where allowed)."""
    made = []
    for state in State:
        for offset in OFFSETS:
            if offset is None and state in LIVE_STATES:
                continue  # a live story must have a time (a constraint)
            made.append(
                ArticleFactory(
                    status=state,
                    published_at=None if offset is None else now + offset,
                )
            )
    return made


def _ids(stories) -> set[int]:
    return {story.pk for story in stories}


@pytest.mark.parametrize("moment", MOMENTS)
def test_python_and_the_queryset_agree(stories, now, moment):
    at = now + moment
    public = _ids(Article.objects.public(at))
    assert public == _ids(s for s in stories if s.is_public_at(at))
    assert public == _ids(s for s in stories if meets(s, public_q(at)))
    due = _ids(Article.objects.due(at))
    assert due == _ids(s for s in stories if s.is_due_at(at))
    assert due == public & _ids(Article.objects.filter(status=State.SCHEDULED))


def test_is_public_and_published_read_the_clock(stories, now):
    assert _ids(Article.objects.public()) == _ids(Article.objects.public(now))
    assert _ids(s for s in stories if s.is_public) == _ids(
        s for s in stories if s.is_public_at(now)
    )
    # Published an hour ago or at this very minute, scheduled the same.
    assert sorted((s.status, s.published_at - now) for s in stories if s.is_public) == [
        (State.PUBLISHED, -timedelta(hours=1)),
        (State.PUBLISHED, timedelta(0)),
        (State.SCHEDULED, -timedelta(hours=1)),
        (State.SCHEDULED, timedelta(0)),
    ]


@pytest.mark.parametrize("moment", MOMENTS)
def test_the_sql_of_the_fast_paths_agrees_with_the_queryset(stories, now, moment):
    """`prepared.live()` is the ORM's own SQL for `public_q`, with the moment a
    placeholder: the same rows on this database."""
    at = now + moment
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id FROM {table(Article)} a WHERE {live(Article, 'a', '%s')}",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(at)],
        )
        found = {row[0] for row in cursor.fetchall()}
    assert found == _ids(Article.objects.public(at))


@pytest.mark.parametrize("moment", MOMENTS)
def test_what_goes_public_later_is_what_the_definition_says(stories, now, moment):
    """`goes_public_q(at)`: not public at `at`, public at some later moment;
    the page cache expires at the first of their times."""
    at = now + moment
    later = _ids(Article.objects.filter(goes_public_q(at)))
    public_at_all = _ids(Article.objects.public(at + timedelta(days=400)))
    assert later == public_at_all - _ids(Article.objects.public(at))
    times = [s.published_at for s in stories if s.pk in later]
    assert next_scheduled_change(at) == (min(times) if times else None)


def test_scheduled_stories_go_public_at_their_minute(stories, now):
    scheduled_soon = [
        s
        for s in stories
        if s.status == State.SCHEDULED and s.published_at == now + timedelta(minutes=1)
    ]
    assert next_scheduled_change(now) == now + timedelta(minutes=1)
    assert scheduled_soon and not any(s.is_public_at(now) for s in scheduled_soon)
    assert all(s.is_public_at(now + timedelta(minutes=1)) for s in scheduled_soon)


def test_meets_refuses_what_it_cannot_evaluate_as_sql_would(now):
    story = Article(status=State.PUBLISHED, published_at=now)
    with pytest.raises(ValueError, match="negated"):
        meets(story, ~Q(status=State.DRAFT))
    with pytest.raises(ValueError, match="lookup"):
        meets(story, Q(headline__icontains="x"))
    # A missing value compares as SQL's NULL does: never true.
    assert not meets(Article(status=State.PUBLISHED), public_q(now))
    assert meets(story, Q(status=State.DRAFT) | Q(published_at__gte=now))


def test_the_live_stories_index_holds_every_row_ever_public(stories):
    """The partial index public lists read (`article_live_newest`) is of use
    only if it holds every row `public_q` may select, whatever the moment."""
    (index,) = [i for i in Article._meta.indexes if i.name == "article_live_newest"]
    ever = Article.objects.filter(public_ever_q())
    assert ever.exists()
    assert not ever.exclude(index.condition).exists()

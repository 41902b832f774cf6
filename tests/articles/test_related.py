"""Related stories by shared tags: ranked among the newest stories, so the cost
stays the same however big the archive grows, and among all of them only when
too few recent ones share a tag."""

import datetime as dt

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles import views
from articles.views import related_stories
from newsroom.workflow.states import State
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def story(headline, *tags, days_ago=0, status=State.PUBLISHED):
    made = ArticleFactory(
        headline=headline,
        status=status,
        published_at=timezone.now() - dt.timedelta(days=days_ago, hours=1),
        authors=[AuthorFactory()],
    )
    made.tags.add(*tags)
    return made


@pytest.fixture
def mars_story():
    return story("Perseverance finds a rock", "Mars", "Perseverance", "NASA")


@pytest.fixture
def neighbours():
    """Four recent stories sharing one tag, and an old one sharing all three."""
    recent = [story(f"NASA budget news {n}", "NASA", days_ago=n) for n in range(4)]
    old = story("Perseverance lands", "Mars", "Perseverance", "NASA", days_ago=900)
    return recent, old


def headlines(stories):
    return [s.headline for s in stories]


def test_most_shared_tags_first_then_newest(mars_story, neighbours):
    _, old = neighbours
    story("Mars and Perseverance", "Mars", "Perseverance", days_ago=5)
    found = related_stories(mars_story, list(mars_story.tags.all()))
    assert headlines(found) == [
        old.headline,  # three tags
        "Mars and Perseverance",  # two
        "NASA budget news 0",  # one, newest first
        "NASA budget news 1",
    ]
    assert [s.shared for s in found] == [3, 2, 1, 1]


def test_ranked_among_the_newest_window_only(mars_story, neighbours, monkeypatch):
    """Enough recent stories share a tag: an old one sharing more is not
    looked for (that would read every story tagged NASA)."""
    recent, old = neighbours
    monkeypatch.setattr(views, "RELATED_WINDOW", 4)
    found = related_stories(mars_story, list(mars_story.tags.all()))
    assert headlines(found) == headlines(recent)
    assert old not in found


def test_too_few_recent_stories_sharing_a_tag_looks_at_all(mars_story, monkeypatch):
    story("Unrelated launch", "Falcon 9")
    story("Unrelated eclipse", "Sun")
    old = story("Perseverance lands", "Perseverance", days_ago=900)
    older = story("Mars in 2019", "Mars", days_ago=2000)
    monkeypatch.setattr(views, "RELATED_WINDOW", 2)  # both unrelated
    found = related_stories(mars_story, list(mars_story.tags.all()))
    assert headlines(found) == [old.headline, older.headline]


def test_never_the_story_itself_nor_unpublished_ones(mars_story, monkeypatch):
    story("Draft sharing every tag", "Mars", "Perseverance", "NASA", status="draft")
    story("Unpublished", "Mars", "NASA", status=State.UNPUBLISHED)
    shared = [story(f"Live {n}", "Mars", days_ago=n + 1) for n in range(4)]
    for window in (1000, 3):
        monkeypatch.setattr(views, "RELATED_WINDOW", window)
        found = related_stories(mars_story, list(mars_story.tags.all()))
        assert headlines(found) == headlines(shared)


def test_preview_tags_not_saved_as_rows_still_match(mars_story, neighbours):
    _, old = neighbours
    unsaved = [Tag(name="Perseverance", slug="perseverance")]
    assert related_stories(mars_story, unsaved) == [old]


def test_one_query_and_its_bylines_when_the_window_has_enough(
    mars_story, neighbours, django_assert_num_queries
):
    tags = list(mars_story.tags.all())
    related_stories(mars_story, tags)  # the content type, cached once
    # Editors' picks (none); the ranked window; its bylines.
    with django_assert_num_queries(3):
        found = related_stories(mars_story, tags)
    for related in found:
        assert related.bylines.all()[0].author.name  # prefetched

"""Related stories by shared tags: ranked among the newest stories, so the cost
stays the same however big the archive grows, and among all of them only when
too few recent ones share a tag.

Each ranking test runs both ways a page gets them: from the lists kept on the
stories (`articles.related`, SQL, refreshed as stories change) and ranked at
once with the ORM (previews, stories never worked out). They must agree.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from articles import related
from articles.models import Article
from articles.views import rank_related, related_stories
from tests.factories import ArticleFactory, AuthorFactory
from workflow.states import State

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


@pytest.fixture(params=["kept", "now"])
def ranked(request, monkeypatch):
    """find(story, window=related.WINDOW): its related stories, from the kept
    lists (worked out again for this window) or ranked now."""

    def find(story, window=related.WINDOW):
        monkeypatch.setattr(related, "WINDOW", window)
        if request.param == "now":
            return rank_related(story, list(story.tags.all()))
        related.refresh(Article.objects.values_list("pk", flat=True))
        story.refresh_from_db()
        return related_stories(story, list(story.tags.all()))

    return find


def test_most_shared_tags_first_then_newest(mars_story, neighbours, ranked):
    _, old = neighbours
    story("Mars and Perseverance", "Mars", "Perseverance", days_ago=5)
    assert headlines(ranked(mars_story)) == [
        old.headline,  # three tags
        "Mars and Perseverance",  # two
        "NASA budget news 0",  # one, newest first
        "NASA budget news 1",
    ]


def test_kept_as_stories_change_without_a_refresh(mars_story, neighbours):
    """Saving a story, or changing its tags, updates its list and those of the
    live stories sharing a tag with it: no command needed."""
    _, old = neighbours
    assert related_stories(Article.objects.get(pk=mars_story.pk), []) == [
        old,
        *neighbours[0][:3],
    ]
    newcomer = story("Mars and Perseverance", "Mars", "Perseverance", days_ago=5)
    found = related_stories(Article.objects.get(pk=mars_story.pk), [])
    assert headlines(found)[:2] == [old.headline, newcomer.headline]
    newcomer.tags.clear()
    found = related_stories(Article.objects.get(pk=mars_story.pk), [])
    assert newcomer not in found
    # A scheduled story joins the lists at once but shows only when due.
    later = story("Mars sample return", "Mars", "Perseverance", "NASA", days_ago=-2)
    later.status = State.SCHEDULED
    later.save()
    assert later.pk in Article.objects.get(pk=mars_story.pk).related_ids["by_tags"]
    assert later not in related_stories(Article.objects.get(pk=mars_story.pk), [])


def test_kept_lists_drop_stories_that_went_away(mars_story, neighbours):
    recent, old = neighbours
    Article.objects.filter(pk=old.pk).update(status=State.UNPUBLISHED)
    recent[0].delete()
    found = related_stories(Article.objects.get(pk=mars_story.pk), [])
    assert old not in found and recent[0] not in found
    assert found == recent[1:]  # the spares fill in


def test_unpublishing_or_deleting_a_story_takes_it_out_of_the_lists(
    mars_story, neighbours
):
    recent, old = neighbours
    spare = story("NASA budget news 9", "NASA", days_ago=9)

    def kept():
        return Article.objects.get(pk=mars_story.pk).related_ids["by_tags"]

    assert old.pk in kept() and recent[0].pk in kept()
    old.status = State.UNPUBLISHED
    old.save()
    assert old.pk not in kept()
    recent[0].delete()
    assert recent[0].pk not in kept()
    assert kept() == [r.pk for r in recent[1:]] + [spare.pk]


def test_editors_picks_are_kept_and_win(mars_story, neighbours):
    recent, old = neighbours
    mars_story.related.add(recent[3])
    assert related_stories(Article.objects.get(pk=mars_story.pk), []) == [recent[3]]
    Article.objects.filter(pk=recent[3].pk).update(status=State.UNPUBLISHED)
    # No live pick left: the tag neighbours again.
    found = related_stories(Article.objects.get(pk=mars_story.pk), [])
    assert found[0] == old


def test_refresh_related_command_fills_lists(mars_story, neighbours):
    Article.objects.update(related_ids=None)
    out = io.StringIO()
    call_command("refresh_related", stdout=out)
    assert "for 6 stories (6 changed)" in out.getvalue()
    kept = Article.objects.get(pk=mars_story.pk).related_ids
    assert kept["by_tags"][0] == neighbours[1].pk and kept["picks"] == []
    # Lists that did not change are not written again.
    call_command("refresh_related", stdout=out)
    assert "for 6 stories (0 changed)" in out.getvalue()


def test_ranked_among_the_newest_window_only(mars_story, neighbours, ranked):
    """Enough recent stories share a tag: an old one sharing more is not
    looked for (that would read every story tagged NASA)."""
    recent, old = neighbours
    found = ranked(mars_story, window=5)  # the four and the story itself
    assert headlines(found) == headlines(recent)
    assert old not in found


def test_too_few_recent_stories_sharing_a_tag_looks_at_all(mars_story, ranked):
    story("Unrelated launch", "Falcon 9")
    story("Unrelated eclipse", "Sun")
    old = story("Perseverance lands", "Perseverance", days_ago=900)
    older = story("Mars in 2019", "Mars", days_ago=2000)
    found = ranked(mars_story, window=3)  # the story and the two unrelated
    assert headlines(found) == [old.headline, older.headline]


def test_never_the_story_itself_nor_unpublished_ones(mars_story, ranked):
    story("Draft sharing every tag", "Mars", "Perseverance", "NASA", status="draft")
    story("Unpublished", "Mars", "NASA", status=State.UNPUBLISHED)
    shared = [story(f"Live {n}", "Mars", days_ago=n + 1) for n in range(4)]
    for window in (1000, 3):
        assert headlines(ranked(mars_story, window)) == headlines(shared)


def test_preview_tags_not_saved_as_rows_still_match(mars_story, neighbours):
    _, old = neighbours
    unsaved = [Tag(name="Perseverance", slug="perseverance")]
    assert related_stories(mars_story, unsaved, now=True) == [old]


def test_ranked_now_one_query_and_its_bylines_when_the_window_has_enough(
    mars_story, neighbours, django_assert_num_queries
):
    tags = list(mars_story.tags.all())
    rank_related(mars_story, tags)  # the content type, cached once
    # Editors' picks (none); the ranked window; its bylines.
    with django_assert_num_queries(3):
        found = rank_related(mars_story, tags)
    for story_ in found:
        assert story_.bylines.all()[0].author.name  # prefetched


def test_kept_lists_read_in_one_query(
    mars_story, neighbours, django_assert_num_queries
):
    story_ = Article.objects.get(pk=mars_story.pk)
    with django_assert_num_queries(1):
        found = related_stories(story_, [])
        assert [s.section.name for s in found]  # with their sections
    assert len(found) == related.SHOWN

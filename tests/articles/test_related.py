"""Related stories by shared tags: ranked among the newest stories, so the cost
stays the same however big the archive grows, and among all of them only when
too few recent ones share a tag.

There is one ranker, `articles.related.rank`. Each ranking test runs both ways
a page gets its stories: from the list kept on the story (refreshed as stories
change) and ranked at once (previews, stories never worked out). They must
agree, at every moment, scheduled stories included.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from articles import related
from articles.models import Article
from articles.views import related_stories
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
            return related_stories(story, list(story.tags.all()), now=True)
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


def test_ranked_now_three_queries_when_the_window_has_enough(
    mars_story, neighbours, django_assert_num_queries
):
    tags = list(mars_story.tags.all())
    related_stories(mars_story, tags, now=True)  # the content type, cached once
    # The ranked window; the editors' picks (none); the ranked stories public now.
    with django_assert_num_queries(3):
        found = related_stories(mars_story, tags, now=True)
    assert len(found) == related.SHOWN


def test_there_is_one_ranker():
    """`related.rank` ranks for the kept lists and for the page alike: the
    second ranker the page had (`views.rank_related`) and the hand-written SQL
    are gone."""
    import articles.views

    assert not hasattr(articles.views, "rank_related")
    assert not hasattr(related, "rank_by_tags")


# --- Kept and ranked now agree at every moment (issue 13) ---------------------


def _both_ways(story_):
    """(kept, ranked now): the story's related stories read from the list kept
    when it was last worked out, and ranked at this moment."""
    story_ = Article.objects.get(pk=story_.pk)
    tags = list(story_.tags.all())
    return (
        headlines(related_stories(story_, tags)),
        headlines(related_stories(story_, tags, now=True)),
    )


@pytest.mark.parametrize("window", [2, 3, 4, 5, 6, 500])
def test_kept_and_ranked_now_agree_before_and_after_a_scheduled_minute(
    now, monkeypatch, window
):
    """A story scheduled for tomorrow shares tags: whatever the window, the
    kept list and the ranking made now show the same stories before its
    minute (not it) and from its minute (it, in its place), with no refresh in
    between. (The kept lists once counted it in the window of the newest
    stories while the page's ranker did not.)"""
    monkeypatch.setattr(related, "WINDOW", window)
    anchor = story("Anchor", "Mars", "NASA")
    for n in range(3):
        story(f"Recent {n}", "Mars", days_ago=n + 1)
    story("Old, sharing both", "Mars", "NASA", days_ago=400)
    tomorrow = now + dt.timedelta(days=1)
    later = ArticleFactory(
        headline="Scheduled for tomorrow",
        status=State.SCHEDULED,
        published_at=tomorrow,
        authors=[AuthorFactory()],
    )
    later.tags.add("Mars", "NASA")
    related.refresh(Article.objects.values_list("pk", flat=True))

    kept, ranked_now = _both_ways(anchor)
    assert kept == ranked_now
    assert "Scheduled for tomorrow" not in kept
    for moment in (
        tomorrow - dt.timedelta(seconds=1),
        tomorrow,
        tomorrow + dt.timedelta(minutes=1),
    ):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        kept, ranked_now = _both_ways(anchor)
        assert kept == ranked_now, moment
        assert ("Scheduled for tomorrow" in kept) == (moment >= tomorrow)


def test_the_page_shows_a_scheduled_neighbour_from_its_minute(
    client, now, monkeypatch, settings
):
    """The page agrees too, on this database's path (one statement on
    PostgreSQL), and needs no refresh at the minute."""
    settings.PAGE_CACHE_SECONDS = 0
    anchor = story("Anchor", "Europa")
    story("Published neighbour", "Europa", days_ago=1)
    tomorrow = now + dt.timedelta(days=1)
    later = ArticleFactory(
        headline="Europa flyby scheduled",
        status=State.SCHEDULED,
        published_at=tomorrow,
    )
    later.tags.add("Europa")
    page = client.get(anchor.get_absolute_url()).content.decode()
    assert "Published neighbour" in page and "Europa flyby scheduled" not in page
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    page = client.get(anchor.get_absolute_url()).content.decode()
    assert "Published neighbour" in page and "Europa flyby scheduled" in page


def test_kept_lists_read_in_one_query(
    mars_story, neighbours, django_assert_num_queries
):
    story_ = Article.objects.get(pk=mars_story.pk)
    with django_assert_num_queries(1):
        found = related_stories(story_, [])
        assert [s.section.name for s in found]  # with their sections
    assert len(found) == related.SHOWN

"""The story page read in one statement on PostgreSQL (`articles.story_page`)
gives the very page the ORM path gives, and hides what is not public."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import story_page
from articles.models import Article, Status
from tests.articles.test_views import _heavy_story
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    ImageFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the one-statement story page is PostgreSQL's; others use the ORM",
    ),
]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def both_ways(client, monkeypatch, story) -> str:
    """The story's page read in one statement, after checking that the ORM
    path draws exactly the same page."""
    fast = client.get(story.get_absolute_url())
    with monkeypatch.context() as patch:
        patch.setattr(story_page, "available", lambda: False)
        orm = client.get(story.get_absolute_url())
    assert fast.status_code == orm.status_code
    assert fast.content.decode() == orm.content.decode()
    return fast.content.decode()


def related_part(page: str) -> str:
    return (
        page[page.index('id="related-heading"') :] if "related-heading" in page else ""
    )


def test_a_story_with_everything_is_drawn_the_same(client, monkeypatch):
    story = _heavy_story()  # 5 bylines with headshots, 20 tags, corrections,
    story.gallery = GalleryFactory(  # 10 inline pictures, an editors' pick
        status=Status.PUBLISHED, published_at=timezone.now() - dt.timedelta(days=1)
    )
    story.revised_at = timezone.now()
    story.save()
    page = both_ways(client, monkeypatch, story)
    assert "See the gallery" in page
    assert page.count('class="author-box"') == 5
    assert page.count('rel="tag"') == 20
    assert "Corrections and updates" in page


def test_a_bare_story_is_drawn_the_same(client, monkeypatch):
    story = ArticleFactory(published=True, hero_image=None, body="")
    page = both_ways(client, monkeypatch, story)
    assert "Related stories" not in page


def test_related_by_tags_shows_only_public_neighbours(client, monkeypatch):
    story = ArticleFactory(published=True)
    story.tags.add("Mars", "Perseverance")
    shown = ArticleFactory(
        headline="Shares both",
        published=True,
        authors=[AuthorFactory(headshot=ImageFactory())],
        hero_image=ImageFactory(),
    )
    shown.tags.add("Mars", "Perseverance")
    later = ArticleFactory(
        headline="Scheduled for tomorrow",
        status=Status.SCHEDULED,
        published_at=timezone.now() + dt.timedelta(days=1),
    )
    later.tags.add("Mars", "Perseverance")
    pulled = ArticleFactory(headline="Pulled after it was kept", published=True)
    pulled.tags.add("Mars")
    # Unpublished behind the kept lists' back (a bulk update sends no signal):
    # the page still checks each neighbour.
    Article.objects.filter(pk=pulled.pk).update(status=Status.DRAFT)
    related = related_part(both_ways(client, monkeypatch, story))
    assert "Shares both" in related
    assert "Scheduled for tomorrow" not in related
    assert "Pulled after it was kept" not in related


def test_unpublished_picks_give_way_to_tag_neighbours(client, monkeypatch):
    story = ArticleFactory(published=True)
    story.tags.add("Europa")
    pick = ArticleFactory(headline="A pick", published=True)
    story.related.add(pick)
    neighbour = ArticleFactory(headline="A neighbour", published=True)
    neighbour.tags.add("Europa")
    assert "A pick" in related_part(both_ways(client, monkeypatch, story))
    Article.objects.filter(pk=pick.pk).update(status=Status.DRAFT)
    related = related_part(both_ways(client, monkeypatch, story))
    assert "A pick" not in related
    assert "A neighbour" in related


def test_at_most_four_related_in_kept_order(client, monkeypatch):
    story = ArticleFactory(published=True)
    story.tags.add("Artemis")
    for n in range(7):
        ArticleFactory(
            headline=f"Neighbour {n}",
            published=True,
            published_at=timezone.now() - dt.timedelta(hours=10 - n),
        ).tags.add("Artemis")
    related = related_part(both_ways(client, monkeypatch, story))
    assert related.count('<article class="card') == 4
    assert related.index("Neighbour 6") < related.index("Neighbour 5")


def test_lists_never_worked_out_are_ranked_now(client, monkeypatch):
    story = ArticleFactory(published=True)
    story.tags.add("Venus")
    ArticleFactory(headline="Venus too", published=True).tags.add("Venus")
    Article.objects.filter(pk=story.pk).update(related_ids=None)
    assert "Venus too" in related_part(both_ways(client, monkeypatch, story))


@pytest.mark.parametrize(
    "status, hours_ago",
    [
        (Status.DRAFT, None),
        (Status.SCHEDULED, -1),  # due in an hour
        (Status.UNPUBLISHED, 5),
        (Status.IN_REVIEW, None),
    ],
)
def test_what_is_not_public_is_not_found(client, monkeypatch, status, hours_ago):
    published_at = (
        None if hours_ago is None else timezone.now() - dt.timedelta(hours=hours_ago)
    )
    story = ArticleFactory(status=status, published_at=published_at)
    page = both_ways(client, monkeypatch, story)
    assert "We couldn't find that page" in page


def test_a_scheduled_story_whose_minute_has_come_is_shown(client, monkeypatch):
    story = ArticleFactory(
        headline="Due now",
        status=Status.SCHEDULED,
        published_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert "<h1>Due now</h1>" in both_ways(client, monkeypatch, story)


def test_one_statement_per_page_once_prepared(client):
    story = _heavy_story(n_inline=0)
    client.get(story.get_absolute_url())  # prepares it on this connection
    with CaptureQueriesContext(connection) as queries:
        assert client.get(story.get_absolute_url()).status_code == 200
    # The story's statement, then the space entities its JSON-LD names: the
    # space desk is an app above articles that adds to the JSON-LD through
    # articles.structured_data.extend_story, so its one query (a UNION ALL
    # over the link tables, space.structured_data.story_entities) cannot be
    # part of this statement.
    assert len(queries) == 2, [q["sql"][:80] for q in queries]
    assert queries[0]["sql"].startswith(f"EXECUTE {story_page.STATEMENT.name}(")
    assert "UNION ALL" in queries[1]["sql"]


def test_a_connection_not_known_to_have_it_is_asked_not_prepared_twice(client):
    story = ArticleFactory(published=True)
    client.get(story.get_absolute_url())
    story_page.STATEMENT.forget()  # forgotten, while the connection has it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(story.get_absolute_url()).status_code == 200
    assert not any(q["sql"].startswith("PREPARE") for q in queries)


def test_a_connection_per_request_runs_the_statement_unprepared(client, monkeypatch):
    story = _heavy_story(n_inline=0)
    prepared = client.get(story.get_absolute_url()).content.decode()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url())
    assert len(queries) == 2  # and the space entities' (above)
    assert not queries[0]["sql"].startswith(("PREPARE", "EXECUTE"))
    assert response.content.decode() == prepared

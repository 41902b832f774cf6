import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.search import by_line, clean_query, search
from tests.factories import ArticleFactory, AuthorFactory
from workflow.states import State

pytestmark = pytest.mark.django_db
SEARCH = reverse("articles:search")


@pytest.fixture
def stories():
    return {
        "headline": ArticleFactory(
            headline="Sky crane crash seen from orbit", published=True
        ),
        "dek": ArticleFactory(
            headline="Rover photos",
            dek="The sky crane flew away after landing.",
            published=True,
        ),
        "body": ArticleFactory(
            headline="Landing day",
            body="<p>Engineers cheered when the <b>sky crane</b> cut its cables.</p>",
            published=True,
        ),
        "unrelated": ArticleFactory(headline="Comet outlook", published=True),
    }


def test_ranked_headline_over_dek_over_body(stories):
    found = [s.pk for s in search("sky crane")[:10]]
    assert found == [stories["headline"].pk, stories["dek"].pk, stories["body"].pk]


def test_search_page_lists_matches_with_highlighted_snippets(client, stories):
    response = client.get(SEARCH, {"q": "cables"})
    assertContains(response, "Landing day")
    assertContains(response, "<mark>cables</mark>")
    assertNotContains(response, "Comet outlook")
    assertContains(response, "1 story for “cables”")


@pytest.mark.parametrize(
    "state",
    [
        {"status": State.DRAFT},
        {"status": State.SCHEDULED, "published_at": "future"},
        {"status": State.UNPUBLISHED, "published_at": "past"},
        {"status": State.ARCHIVED},
    ],
    ids=["draft", "scheduled-not-due", "unpublished", "archived"],
)
def test_unpublished_stories_never_found(client, state):
    when = {
        "future": timezone.now() + dt.timedelta(hours=1),
        "past": timezone.now() - dt.timedelta(hours=1),
    }
    ArticleFactory(
        headline="Secret Europa lander plan",
        status=state["status"],
        published_at=when.get(state.get("published_at")),
    )
    assertNotContains(client.get(SEARCH, {"q": "Europa lander"}), "Secret Europa")


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced quote',
        "100% sure",
        "back\\slash \\\\",
        "'; DROP TABLE articles_article; --",
        "sky & | ! ( ) : * crane",
        "x" * 10_000,
        "<script>alert(1)</script>",
        "-",
        "🚀",
    ],
)
def test_hostile_input_gets_a_normal_page(client, stories, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_a_nul_byte_is_refused_with_a_message(client, stories):
    """As on every page (newsroom.middleware): PostgreSQL cannot read a NUL."""
    response = client.get(SEARCH, {"q": "nul\x00byte"})
    assert response.status_code == 400
    assert b"control character" in response.content


def test_empty_query_shows_just_the_form(client, stories):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assertNotContains(response, "Sky crane crash")


def test_clean_query_trims_control_characters_and_length():
    assert clean_query("  sky\x00\tcrane\n ") == "sky crane"
    assert len(clean_query("a" * 10_000)) == 200


@pytest.mark.parametrize("page", ["2", "abc", "-3", "99999"])
def test_pagination_never_errors(client, stories, page):
    assert client.get(SEARCH, {"q": "sky crane", "page": page}).status_code == 200


def test_results_show_their_writers_in_byline_order(client):
    first, second, third = (
        AuthorFactory(name=name) for name in ("Mike Wall", "Ana Ruiz", "Tariq Malik")
    )
    ArticleFactory(headline="Ingenuity flies", published=True, authors=[first])
    ArticleFactory(
        headline="Ingenuity lands", published=True, authors=[second, third, first]
    )
    ArticleFactory(headline="Ingenuity waits", published=True, authors=[])
    page = client.get(SEARCH, {"q": "ingenuity"}).content.decode()
    assert '<p class="byline">By Mike Wall</p>' in page
    assert '<p class="byline">By Ana Ruiz, Tariq Malik and Mike Wall</p>' in page
    assert page.count('class="byline"') == 2


def test_by_line_wording():
    assert by_line([]) == ""
    assert by_line(["A"]) == "By A"
    assert by_line(["A", "B"]) == "By A and B"
    assert by_line(["A", "B", "C"]) == "By A, B and C"


def test_search_query_budget(client, django_assert_max_num_queries):
    for n in range(12):
        ArticleFactory(
            headline=f"Mars sample {n}",
            published=True,
            authors=[AuthorFactory(), AuthorFactory()],
        )
    # The pool, the page's stories (with their writers' names on PostgreSQL;
    # their bylines next elsewhere) and the sections.
    budget = 3 if connection.vendor == "postgresql" else 4
    with django_assert_max_num_queries(budget):
        assert client.get(SEARCH, {"q": "Mars sample"}).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)
def test_postgres_stems_words_and_stays_current_after_bulk_insert(client):
    from articles.models import Article

    story = ArticleFactory(headline="Astronauts are landing", published=True)
    assert list(search("landed")) == [story]  # stemming: landed ~ landing
    Article.objects.filter(pk=story.pk).update(headline="Astronauts splash down")
    assert list(search("splashing")) == [story]  # the trigger kept it current
    assert list(search("landed")) == []


# --- The pool: only the newest matches are counted and ranked ---------------------


@pytest.fixture
def five_landings():
    """Five stories mentioning "landing", oldest first; the oldest has it in its
    headline, the newer ones only in their bodies."""
    now = timezone.now()
    stories = [
        ArticleFactory(
            headline="Landing on Titan" if n == 0 else f"Mission update {n}",
            body="<p>The landing went well.</p>",
            status=State.PUBLISHED,
            published_at=now - dt.timedelta(days=10 - n),
        )
        for n in range(5)
    ]
    return stories


def test_count_is_capped_at_the_pool_and_says_so(client, five_landings, monkeypatch):
    from articles import search as search_module

    monkeypatch.setattr(search_module, "POOL", 3)
    results = search("landing")
    assert results.count() == 3
    assert results.count().more
    assert str(results.count()) == "3+"
    response = client.get(SEARCH, {"q": "landing"})
    assertContains(response, "3+ stories for “landing”")
    assertContains(response, "the best of the 3 newest matches. To reach older")


def test_no_pool_note_below_the_pool(client, five_landings):
    response = client.get(SEARCH, {"q": "landing"})
    assertContains(response, "5 stories for “landing”")
    assertNotContains(response, "newest matches")


def test_count_is_exact_below_the_pool(five_landings):
    count = search("landing").count()
    assert count == 5
    assert not count.more
    assert str(count) == "5"


def test_only_the_newest_pool_is_ranked(five_landings, monkeypatch):
    """Past the pool, an older headline match is not found: a word in tens of
    thousands of stories ranks the best of the recent ones."""
    from articles import search as search_module

    monkeypatch.setattr(search_module, "POOL", 3)
    newest_three = [s.pk for s in reversed(five_landings[2:])]
    assert [s.pk for s in search("landing")] == newest_three
    monkeypatch.setattr(search_module, "POOL", 5)
    found = [s.pk for s in search("landing")]
    assert found[0] == five_landings[0].pk  # the headline match ranks first
    assert found[1:] == [s.pk for s in reversed(five_landings[1:])]


def test_pages_stop_at_the_pool(client, monkeypatch):
    from articles import search as search_module

    monkeypatch.setattr(search_module, "POOL", 25)
    for n in range(30):
        ArticleFactory(headline=f"Comet sighting {n}", published=True)
    response = client.get(SEARCH, {"q": "comet", "page": "9"})
    assert response.status_code == 200
    assertContains(response, "Page 3 of 3")  # ten results a page
    results = response.content.decode().split('class="search-results"')[1]
    assert results.split("</ol>")[0].count("<li>") == 5


def test_a_query_matching_nothing_costs_no_ranking_query(
    client, stories, django_assert_max_num_queries
):
    # Sections and the pool: nothing to rank, no bylines to fetch.
    with django_assert_max_num_queries(2):
        response = client.get(SEARCH, {"q": "xylophone"})
    assertContains(response, "No stories match")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the hand-written search is PostgreSQL's"
)
@pytest.mark.parametrize(
    "params",
    [
        {"q": "sky crane"},
        {"q": "comet"},
        {"q": "comet", "page": "2"},
        {"q": "comet", "page": "99"},
        {"q": '"sky crane" -orbit'},
        {"q": "nothing matches this"},
        {"q": "' OR 1=1; --"},
    ],
)
def test_hand_written_search_gives_the_orms_page(client, monkeypatch, settings, params):
    from articles import search as search_module

    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(search_module, "POOL", 25)
    writers = [AuthorFactory(name="Mike Wall"), AuthorFactory(name="Meghan Bartels")]
    ArticleFactory(
        headline="Sky crane crash seen from orbit", published=True, authors=writers
    )
    ArticleFactory(
        headline="Landing day",
        body=(
            "<p>" + "Engineers waited through the long descent. " * 12 + "</p>"
            "<p>The <b>sky crane</b> cut its cables &amp; flew off.</p><p>"
            + "The rover then drove to its first target in the crater. " * 12
            + "</p>"
        ),
        published=True,
        authors=writers[:1],
    )
    for n in range(30):
        ArticleFactory(
            headline=f"Comet sighting {n}",
            body=f"<p>Comet number {n} brightens.</p>",
            published=True,
            published_at=timezone.now() - dt.timedelta(hours=n + 1),
        )
    ArticleFactory(headline="Comet draft")
    ArticleFactory(
        headline="Comet tomorrow",
        status=State.SCHEDULED,
        published_at=timezone.now() + dt.timedelta(days=1),
    )
    fast = client.get(SEARCH, params)
    monkeypatch.setattr(search_module, "FAST", False)
    orm = client.get(SEARCH, params)
    assert fast.status_code == orm.status_code == 200
    assert fast.content.decode() == orm.content.decode()
    assert "Comet draft" not in fast.content.decode()
    assert "Comet tomorrow" not in fast.content.decode()

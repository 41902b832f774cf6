"""sitemap.xml (an index of stories, sections and authors) and the Google News
sitemap: public stories only, with the dates crawlers read."""

import datetime as dt
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.sitemaps import StorySitemap
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from workflow.states import State

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
NOW = dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def parse(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def locations(response) -> list[str]:
    return [loc.text for loc in parse(response).iterfind("*/sm:loc", NS)]


def lastmods(response) -> dict[str, str]:
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in parse(response).iterfind("sm:url", NS)
    }


def section_sitemap(client, section, page=None):
    url = reverse("sitemap", kwargs={"section": section})
    return client.get(url, {"p": page} if page else {})


def hidden_stories(now):
    future, past = now + timedelta(hours=1), now - timedelta(hours=1)
    return [
        ArticleFactory(status=State.DRAFT),
        ArticleFactory(status=State.SCHEDULED, published_at=future),
        ArticleFactory(status=State.PUBLISHED, published_at=future),
        ArticleFactory(status=State.UNPUBLISHED, published_at=past),
        ArticleFactory(status=State.ARCHIVED, published_at=past),
    ]


# --- sitemap.xml --------------------------------------------------------------


def test_index_points_at_each_sitemap_with_its_lastmod(client, now):
    ArticleFactory(
        status=State.PUBLISHED,
        published_at=now - timedelta(days=2),
        authors=[AuthorFactory()],
    )
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    root = parse(response)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    entries = {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in root.iterfind("sm:sitemap", NS)
    }
    latest = "2024-03-08T07:00:00-05:00"  # two days ago, in the newsroom's zone
    assert entries == {
        "http://testserver/sitemaps/stories.xml": latest,
        "http://testserver/sitemaps/sections.xml": latest,
        "http://testserver/sitemaps/authors.xml": latest,
        # The space desk's hubs: none lists a story (tests/space/test_hub_sitemap).
        "http://testserver/sitemaps/space.xml": None,
    }


def test_stories_sitemap_lists_public_stories_only(client, now):
    story = ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=3))
    due = ArticleFactory(
        status=State.SCHEDULED, published_at=now - timedelta(minutes=1)
    )
    hidden = hidden_stories(now)
    listed = locations(section_sitemap(client, "stories"))
    assert listed == [
        f"http://testserver{story.get_absolute_url()}",
        f"http://testserver{due.get_absolute_url()}",
    ]
    for other in hidden:
        assert f"http://testserver{other.get_absolute_url()}" not in listed


def test_story_lastmod_is_its_revision_or_publication(client, now):
    plain = ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=5))
    revised = ArticleFactory(
        status=State.PUBLISHED,
        published_at=now - timedelta(days=5),
        revised_at=now - timedelta(days=1),
    )
    dates = lastmods(section_sitemap(client, "stories"))
    assert dates == {
        f"http://testserver{plain.get_absolute_url()}": "2024-03-05",
        f"http://testserver{revised.get_absolute_url()}": "2024-03-09",
    }


def test_sections_sitemap(client, now):
    busy = SectionFactory(slug="spaceflight")
    SectionFactory(slug="astronomy")
    ArticleFactory(section=busy, status=State.PUBLISHED, published_at=now)
    dates = lastmods(section_sitemap(client, "sections"))
    assert dates == {
        "http://testserver/section/spaceflight/": "2024-03-10",
        # A section with nothing published yet still has a page, without a date.
        "http://testserver/section/astronomy/": None,
    }


def test_authors_sitemap_lists_only_authors_with_published_stories(client, now):
    published = AuthorFactory(slug="mike-wall")
    ArticleFactory(authors=[published], status=State.PUBLISHED, published_at=now)
    drafts_only = AuthorFactory(slug="drafts-only")
    ArticleFactory(authors=[drafts_only])
    ArticleFactory(
        authors=[AuthorFactory(slug="scheduled")],
        status=State.SCHEDULED,
        published_at=now + timedelta(days=1),
    )
    AuthorFactory(slug="no-stories")
    dates = lastmods(section_sitemap(client, "authors"))
    assert dates == {"http://testserver/authors/mike-wall/": "2024-03-10"}


def test_sitemaps_are_paginated(client, now, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    stories = [
        ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=n))
        for n in (3, 2, 1)
    ]
    index = locations(client.get("/sitemap.xml"))
    assert "http://testserver/sitemaps/stories.xml?p=2" in index
    assert "http://testserver/sitemaps/stories.xml?p=3" not in index
    # Oldest first: a new story changes only the last page.
    assert locations(section_sitemap(client, "stories", page=2)) == [
        f"http://testserver{stories[2].get_absolute_url()}"
    ]


def test_the_default_page_size_is_the_protocols_limit():
    assert StorySitemap.limit == 50_000


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1" * 400, "%00"])
def test_malformed_or_missing_pages_are_404_not_errors(client, page):
    ArticleFactory(published=True)
    assert section_sitemap(client, "stories", page=page).status_code == 404


def test_unknown_sitemap_section_is_404(client):
    assert section_sitemap(client, "drafts").status_code == 404


def test_sitemap_query_budget(client, now, django_assert_max_num_queries):
    for _ in range(10):
        ArticleFactory(
            status=State.PUBLISHED,
            published_at=now - timedelta(hours=1),
            authors=[AuthorFactory(), AuthorFactory()],
        )
    # Two for each section, and three for the space desk's hubs (their dates
    # twice, for the index's lastmod and the page count, and the launches).
    with django_assert_max_num_queries(9):
        client.get("/sitemap.xml")
    for section in ("stories", "sections", "authors", "space"):
        with django_assert_max_num_queries(2):
            section_sitemap(client, section)


# --- Google News --------------------------------------------------------------


def test_news_sitemap_lists_the_last_48_hours(client, now):
    fresh = ArticleFactory(
        headline="Starship & the tower",
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    edge = ArticleFactory(
        status=State.PUBLISHED, published_at=now - timedelta(hours=47, minutes=59)
    )
    ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(hours=49))
    hidden_stories(now)
    response = client.get("/sitemap-news.xml")
    assert response["Content-Type"] == "application/xml"
    root = parse(response)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = root.findall("sm:url", NS)
    assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [
        f"http://testserver{fresh.get_absolute_url()}",
        f"http://testserver{edge.get_absolute_url()}",
    ]
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Starship & the tower"
    # W3C format, in the newsroom's zone: New York's clocks went forward at
    # 2:00 that morning, so the 48 hours cross the change.
    assert news.findtext("news:publication_date", namespaces=NS) == (
        "2024-03-10T07:00:00-04:00"
    )


def test_news_sitemap_follows_the_clock(client, now, monkeypatch):
    story = ArticleFactory(status=State.PUBLISHED, published_at=now)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=48, seconds=1))
    assert (
        story.get_absolute_url() not in client.get("/sitemap-news.xml").content.decode()
    )

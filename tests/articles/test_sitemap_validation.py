"""The sitemaps against the protocols' own XML Schemas (issue 5: "a sitemap
validator accepts the sitemaps").

sitemap.xml is checked against sitemaps.org's siteindex.xsd, each page it lists
against sitemap.xsd, and the Google News sitemap against sitemap.xsd together
with Google's sitemap-news.xsd. The schemas live in tests/articles/schemas (see
its README for where each came from): nothing is fetched while the tests run.
The validator is shown broken documents too, so a pass means something.
"""

import datetime as dt
import functools
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.http import http_date
from lxml import etree

from articles.models import Article
from articles.sitemaps import NewsSitemap, StorySitemap
from demo.loader import load_demo
from newsroom.urls import SITEMAPS
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SpacecraftFactory,
)
from workflow.states import State

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SITEMAP_NS, "news": NEWS_NS}
SITE = "http://testserver"
# New York's clocks go forward at 2:00 this morning: the 48 hours cross it.
NOW = dt.datetime(2024, 3, 10, 12, 0, tzinfo=dt.UTC)
PROTOCOL_LIMIT = 50_000  # URLs in one sitemap, sitemaps in one index
NEWS_LIMIT = 1_000  # Google News: URLs in one News sitemap
# Google News: "articles published in the last two days", spelled out here so
# that a change to the code's own window shows.
NEWS_WINDOW = timedelta(hours=48)


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@functools.cache
def schema(name: str) -> etree.XMLSchema:
    """An XML Schema from tests/articles/schemas; "news" is sitemap.xsd and
    sitemap-news.xsd together, since a <url> accepts another namespace's
    elements only if that namespace's schema declares them."""
    if name == "news":
        imports = "".join(
            f'<xsd:import namespace="{namespace}" schemaLocation="{path.as_uri()}"/>'
            for namespace, path in [
                (SITEMAP_NS, SCHEMAS / "sitemap.xsd"),
                (NEWS_NS, SCHEMAS / "sitemap-news.xsd"),
            ]
        )
        document = etree.fromstring(
            f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}'
            "</xsd:schema>"
        )
    else:
        document = etree.parse(SCHEMAS / name)
    return etree.XMLSchema(document)


def errors(content: bytes, schema_name: str) -> list[str]:
    """Why `content` is not a valid document of that schema (empty if it is)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed: {error}"]
    validator = schema(schema_name)
    if validator.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in validator.error_log]


def fetch(client, url: str, schema_name: str) -> etree._Element:
    """The document at `url`, failing the test unless the schema accepts it."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    assert errors(response.content, schema_name) == [], url
    return etree.fromstring(response.content)


def path(url: str) -> str:
    """What the test client asks for, from an absolute sitemap address."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == SITE, url
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def index_entries(client) -> dict[str, str | None]:
    root = fetch(client, "/sitemap.xml", "siteindex.xsd")
    entries = root.findall("sm:sitemap", NS)
    assert len(entries) <= PROTOCOL_LIMIT
    return {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in entries
    }


def urls(client, url: str) -> dict[str, str | None]:
    """Each address a sitemap page lists, with its lastmod."""
    root = fetch(client, url, "sitemap.xsd")
    entries = root.findall("sm:url", NS)
    return {
        u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
        for u in entries
    }


def every_listed_url(client) -> dict[str, str | None]:
    """Every address in every page the index lists, each page validated but
    an empty one (test_empty_sitemaps_are_well_formed_and_empty: the space
    desk's hubs, in a test with no entity)."""
    listed: dict[str, str | None] = {}
    for sitemap in index_entries(client):
        if not len(etree.fromstring(client.get(path(sitemap)).content)):
            continue
        page = urls(client, path(sitemap))
        assert len(page) <= PROTOCOL_LIMIT
        assert not listed.keys() & page.keys(), "an address listed twice"
        listed |= page
    return listed


def news_entries(client) -> dict[str, dict[str, str]]:
    root = fetch(client, "/sitemap-news.xml", "news")
    entries = root.findall("sm:url", NS)
    assert len(entries) <= NEWS_LIMIT
    return {
        url.findtext("sm:loc", namespaces=NS): {
            "name": url.findtext("news:news/news:publication/news:name", None, NS),
            "language": url.findtext(
                "news:news/news:publication/news:language", None, NS
            ),
            "date": url.findtext("news:news/news:publication_date", None, NS),
            "title": url.findtext("news:news/news:title", None, NS),
        }
        for url in entries
    }


def address(story: Article) -> str:
    return f"{SITE}{story.get_absolute_url()}"


# --- The documents validate ---------------------------------------------------


def test_index_and_every_page_it_lists_validate(client, now):
    mars = SectionFactory(slug="mars")
    SectionFactory(slug="no-stories-yet")
    mike = AuthorFactory(slug="mike-wall")
    old = ArticleFactory(
        headline="Rover & <helicopter>",
        section=mars,
        authors=[mike],
        status=State.PUBLISHED,
        published_at=now - timedelta(days=30),
        revised_at=now - timedelta(days=2, microseconds=1),
    )
    new = ArticleFactory(
        section=mars, status=State.PUBLISHED, published_at=now - timedelta(hours=3)
    )
    index = index_entries(client)
    assert set(index) == {f"{SITE}/sitemaps/{name}.xml" for name in SITEMAPS}
    listed = every_listed_url(client)
    assert listed == {
        address(old): "2024-03-08",
        address(new): "2024-03-10",
        f"{SITE}/section/mars/": "2024-03-10",
        f"{SITE}/section/no-stories-yet/": None,
        f"{SITE}/authors/mike-wall/": "2024-02-09",
    }


def test_pages_hold_at_most_the_protocols_50000_urls():
    for sitemap in SITEMAPS.values():
        assert sitemap.limit == PROTOCOL_LIMIT
    assert NewsSitemap.limit <= NEWS_LIMIT


def test_index_is_paginated_and_every_page_validates(client, now, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    stories = [
        ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=n))
        for n in range(5, 0, -1)
    ]
    index = index_entries(client)
    pages = sorted(u for u in index if "/stories.xml" in u)
    assert pages == [
        f"{SITE}/sitemaps/stories.xml",
        f"{SITE}/sitemaps/stories.xml?p=2",
        f"{SITE}/sitemaps/stories.xml?p=3",
    ]
    listed = [list(urls(client, path(page))) for page in pages]
    assert [len(page) for page in listed] == [2, 2, 1]
    # Oldest first, each story once: a new story changes only the last page.
    assert sum(listed, []) == [address(story) for story in stories]
    assert client.get("/sitemaps/stories.xml?p=4").status_code == 404


def test_news_sitemap_validates_and_lists_the_last_48_hours(client, now):
    fresh = ArticleFactory(
        headline="Starship & the <tower>",
        authors=[AuthorFactory()],
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=1, microseconds=250),
    )
    edge = ArticleFactory(
        status=State.PUBLISHED, published_at=now - NEWS_WINDOW + timedelta(minutes=1)
    )
    stale = ArticleFactory(
        status=State.PUBLISHED, published_at=now - NEWS_WINDOW - timedelta(minutes=1)
    )
    news = news_entries(client)
    assert list(news) == [address(fresh), address(edge)]
    assert address(stale) in every_listed_url(client)  # still in sitemap.xml
    entry = news[address(fresh)]
    assert entry["name"] == settings.SITE_NAME
    assert re.fullmatch(r"zh-cn|zh-tw|[a-z]{2,3}", entry["language"])
    assert entry["title"] == fresh.headline
    for story in (fresh, edge):
        published = dt.datetime.fromisoformat(news[address(story)]["date"])
        assert published == story.published_at
        assert now - NEWS_WINDOW <= published <= now


def test_every_demo_sitemap_validates(client, monkeypatch):
    """Real content: the demo newsroom, on the day after its newest story."""
    load_demo()
    newest = Article.objects.public().newest_first().first()
    monkeypatch.setattr(
        timezone, "now", lambda: newest.published_at + timedelta(hours=20)
    )
    public = Article.objects.public()
    listed = every_listed_url(client)
    assert {address(story) for story in public} <= listed.keys()
    assert address(newest) in news_entries(client)


def test_empty_sitemaps_are_well_formed_and_empty(client, now):
    """With nothing published, the pages are empty <urlset>s. sitemap.xsd wants
    at least one <url> there, but crawlers read an empty set as "no URLs"
    (and a 404 would be an error), so these are checked as well-formed only."""
    for url in [
        "/sitemaps/stories.xml",
        "/sitemaps/authors.xml",
        "/sitemaps/space.xml",
        "/sitemap-news.xml",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        root = etree.fromstring(response.content)
        assert root.tag == f"{{{SITEMAP_NS}}}urlset"
        assert len(root) == 0
    assert index_entries(client)  # the index itself always validates


# --- Only public stories ------------------------------------------------------

HIDDEN = {
    "draft": (State.DRAFT, None),
    "redrafted after publication": (State.DRAFT, -1),
    "in review": (State.IN_REVIEW, -1),
    "approved": (State.APPROVED, -1),
    "scheduled, not yet due": (State.SCHEDULED, +1),
    "published with a future time": (State.PUBLISHED, +1),
    "unpublished": (State.UNPUBLISHED, -1),
    "archived": (State.ARCHIVED, -1),
}


@pytest.mark.parametrize("state", HIDDEN)
def test_only_public_stories_reach_any_sitemap(client, now, state):
    """Each hidden story is paired with a public one in the same section: the
    public one is listed, the hidden one nowhere, and no date reveals it (its
    time is later than the public story's)."""
    status, hours = HIDDEN[state]
    section = SectionFactory(slug="mars")
    public = ArticleFactory(
        section=section,
        authors=[AuthorFactory(slug="public-writer")],
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=3),
    )
    hidden = ArticleFactory(
        section=section,
        authors=[AuthorFactory(slug="hidden-writer")],
        status=status,
        published_at=now + timedelta(hours=hours) if hours else None,
    )
    # The space desk's hubs: one about both, one about the hidden one only.
    SpacecraftFactory(slug="perseverance").stories.add(public, hidden)
    SpacecraftFactory(slug="hidden-probe").stories.add(hidden)
    listed = every_listed_url(client)
    assert f"{SITE}/space/spacecraft/hidden-probe/" not in listed
    assert listed[f"{SITE}/space/spacecraft/perseverance/"] == "2024-03-10"
    assert address(public) in listed
    assert address(hidden) not in listed
    assert f"{SITE}/authors/public-writer/" in listed
    assert f"{SITE}/authors/hidden-writer/" not in listed
    # Dates come from the public story only (its day, in the newsroom's zone).
    assert listed[f"{SITE}/section/mars/"] == "2024-03-10"
    public_time = public.published_at.astimezone(timezone.get_current_timezone())
    assert set(index_entries(client).values()) == {public_time.isoformat()}
    news = news_entries(client)
    assert list(news) == [address(public)]
    assert hidden.headline not in client.get("/sitemap-news.xml").content.decode()


# --- What crawlers revalidate ------------------------------------------------


@pytest.mark.parametrize("section", list(SITEMAPS))
def test_unpublishing_the_newest_story_is_never_answered_304(client, now, section):
    """Django dates a sitemap page by its newest entry; unpublishing that story
    makes the page older, so a crawler asking "modified since?" would keep
    listing it. The ETag (ConditionalGetMiddleware) is exact; a date is not."""
    writer = AuthorFactory()
    ArticleFactory(
        authors=[writer],
        status=State.PUBLISHED,
        published_at=now - timedelta(days=3),
    )
    newest = ArticleFactory(
        authors=[writer],
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    SpacecraftFactory().stories.add(*Article.objects.all())  # the space hubs'
    url = f"/sitemaps/{section}.xml"
    before = client.get(url)
    assert before.status_code == 200
    newest.status = State.UNPUBLISHED
    newest.save()
    since = before.get("Last-Modified") or http_date(now.timestamp())
    response = client.get(url, headers={"if-modified-since": since})
    assert response.status_code == 200
    assert address(newest) not in urls(client, url)


def test_index_is_never_answered_304_by_date(client, now):
    ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=3))
    newest = ArticleFactory(
        status=State.PUBLISHED, published_at=now - timedelta(hours=1)
    )
    before = client.get("/sitemap.xml")
    assert "Last-Modified" not in before
    assert before["ETag"]
    newest.status = State.UNPUBLISHED
    newest.save()
    since = http_date(now.timestamp())
    response = client.get("/sitemap.xml", headers={"if-modified-since": since})
    assert response.status_code == 200


# --- The validator rejects what it should -------------------------------------


def broken(text: str, pattern: str, replacement: str) -> bytes:
    changed, count = re.subn(pattern, replacement, text, count=1)
    assert count == 1, pattern
    return changed.encode()


@pytest.mark.parametrize(
    ("pattern", "replacement", "expected"),
    [
        (r"<loc>[^<]*</loc>", "<loc>/x</loc>", "minLength"),
        (r"<lastmod>[^<]*</lastmod>", "<lastmod>Friday</lastmod>", "tLastmod"),
        (r"</lastmod>", "</lastmod><priority>1.5</priority>", "maxInclusive"),
        (r"</lastmod>", "</lastmod><changefreq>often</changefreq>", "enumeration"),
        (r"<loc>([^<]*)</loc>", r"<link>\1</link>", "link"),
        (r"<lastmod>[^<]*</lastmod>", "<author>Mike</author>", "author"),
        (r"</url>", "", "not well-formed"),
    ],
)
def test_validator_rejects_a_broken_sitemap(
    client, now, pattern, replacement, expected
):
    ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=2))
    text = client.get("/sitemaps/stories.xml").content.decode()
    assert errors(text.encode(), "sitemap.xsd") == []
    problems = errors(broken(text, pattern, replacement), "sitemap.xsd")
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("pattern", "replacement", "expected"),
    [
        (
            r"<news:title>(.*)</news:title>",
            r"<news:headline>\1</news:headline>",
            "headline",
        ),
        (r"<news:language>en<", "<news:language>English<", "pattern"),
        (r"(<news:publication_date>[-0-9]+)T", r"\1 ", "publication_date"),
        (
            r"<news:publication_date>[^<]*<",
            "<news:publication_date>10 March 2024<",
            "publication_date",
        ),
        (r"<news:name>[^<]*</news:name>", "", "name"),
        (
            r"</news:publication>",
            "</news:publication><news:access>Free</news:access>",
            "enumeration",
        ),
        (r"</news:title>", "</news:title><news:byline>Mike</news:byline>", "byline"),
        (f'xmlns:news="{NEWS_NS}"', 'xmlns:news="urn:news"', "urn:news"),
    ],
)
def test_validator_rejects_a_broken_news_sitemap(
    client, now, pattern, replacement, expected
):
    ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(hours=5))
    text = client.get("/sitemap-news.xml").content.decode()
    assert errors(text.encode(), "news") == []
    problems = errors(broken(text, pattern, replacement), "news")
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("pattern", "replacement", "expected"),
    [
        (r"<sitemap>(.*?)</sitemap>", r"<url>\1</url>", "url"),
        (r"<lastmod>(\d+)-0?(\d+)-0?(\d+)", r"<lastmod>\1-\2-\3", "tLastmodSitemap"),
        (r"(<sitemapindex[^>]*>)", r'\1<x:extra xmlns:x="urn:x"/>', "urn:x"),
        (r"<sitemap>.*</sitemap>", "", "Missing child element"),
    ],
)
def test_validator_rejects_a_broken_index(client, now, pattern, replacement, expected):
    ArticleFactory(status=State.PUBLISHED, published_at=now - timedelta(days=2))
    text = client.get("/sitemap.xml").content.decode()
    assert errors(text.encode(), "siteindex.xsd") == []
    problems = errors(broken(text, pattern, replacement), "siteindex.xsd")
    assert any(expected in problem for problem in problems), problems


# --- Control characters (stripped on save) ----------------------------------


def test_headline_with_a_control_character_keeps_the_news_sitemap_valid(client, now):
    ArticleFactory(
        headline="Starship\x0bflies",
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    (entry,) = news_entries(client).values()
    assert entry["title"].startswith("Starship")

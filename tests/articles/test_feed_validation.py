"""The feeds as a feed reader sees them (issue 5: "a feed reader accepts the feeds").

feedparser, the feed reader behind many Python aggregators, must read every RSS
and Atom feed the site serves without complaint (`bozo` false) and find in each
entry what the site means it to carry: headline, address, full dates, bylines
and the hero image as an enclosure. feedparser 6 does not read JSON Feed, so
the JSON Feed is checked against the JSON Feed 1.1 rules by `json_feed_errors`.
Each checker is shown a broken document too, so a pass means something.
"""

import calendar
import datetime as dt
import html
import io
import json
import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Section
from authors.models import Author
from demo.loader import load_demo
from media_library.templatetags.media_library import image_url
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from workflow.states import State

pytestmark = pytest.mark.django_db

PUBLISHED = dt.datetime(2021, 2, 25, 15, 30, 12, tzinfo=dt.UTC)
REVISED = PUBLISHED + timedelta(hours=2, minutes=5)
SITE = "http://testserver"


@pytest.fixture
def story():
    story = ArticleFactory(
        headline="Perseverance watched its sky crane crash on Mars",
        dek="The rover's Hazcam caught the plume <and> the crater.",
        body='<p>See <a href="/section/mars/">more</a>.</p>',
        section=SectionFactory(name="Mars", slug="mars"),
        hero_image=ImageFactory(),
        authors=[
            AuthorFactory(name="Mike Wall", slug="mike-wall"),
            AuthorFactory(name="Priya Ramanathan", slug="priya"),
        ],
        status=State.PUBLISHED,
        published_at=PUBLISHED,
        revised_at=REVISED,
    )
    story.tags.add("Sky crane", "Perseverance")
    return story


def feed_urls(section="mars", tag="sky-crane", author="mike-wall") -> dict[str, str]:
    """Every feed the site serves, for one section, tag and author."""
    return {
        "site rss": reverse("articles:feed_rss"),
        "site atom": reverse("articles:feed_atom"),
        "section rss": reverse("articles:section_feed_rss", args=[section]),
        "section atom": reverse("articles:section_feed_atom", args=[section]),
        "tag rss": reverse("articles:tag_feed_rss", args=[tag]),
        "tag atom": reverse("articles:tag_feed_atom", args=[tag]),
        "author rss": reverse("articles:author_feed_rss", args=[author]),
        "author atom": reverse("articles:author_feed_atom", args=[author]),
        "site json": reverse("articles:feed_json"),
    }


XML_FEEDS = [name for name in feed_urls() if not name.endswith("json")]


def read(client, url: str) -> feedparser.FeedParserDict:
    """The feed at `url` as feedparser reads it, given the HTTP headers a reader
    would have; fails the test if the reader had to guess its way through."""
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(
        response.content,
        response_headers={
            "content-type": response["Content-Type"],
            "content-location": f"{SITE}{url}",
        },
    )
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')!r}"
    assert feed.version in ("rss20", "atom10"), url
    return feed


def shown(detail) -> str:
    """The text a reader shows for a title: HTML ones are rendered."""
    if detail.type == "text/html":
        return html.unescape(detail.value)
    return detail.value


def instant(parsed) -> dt.datetime:
    """feedparser's dates are UTC `struct_time`s, to the second."""
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


def to_the_second(when: dt.datetime) -> dt.datetime:
    return when.replace(microsecond=0)


# --- JSON Feed 1.1 ------------------------------------------------------------

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RFC_3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
)
FEED_STRINGS = [
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "language",
]
FEED_URLS = ["home_page_url", "feed_url", "next_url", "icon", "favicon"]
ITEM_STRINGS = [
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "language",
]
ITEM_URLS = ["url", "external_url", "image", "banner_image"]


def json_feed_errors(feed) -> list[str]:
    """What breaks the JSON Feed 1.1 rules (https://www.jsonfeed.org/version/1.1/)
    in `feed`: required keys and their types, at least one of content_html and
    content_text per item, RFC 3339 dates, author objects with at least one key,
    attachments with a URL and a MIME type, and absolute addresses."""
    errors: list[str] = []

    def check_string(where: str, obj: dict, key: str, *, required=False, url=False):
        if key not in obj:
            if required:
                errors.append(f"{where}: {key} is required")
            return
        value = obj[key]
        if not isinstance(value, str):
            errors.append(f"{where}: {key} must be a string, not {value!r}")
        elif url and urlsplit(value).scheme not in ("http", "https"):
            errors.append(f"{where}: {key} must be an absolute URL, not {value!r}")

    def check_date(where: str, obj: dict, key: str):
        value = obj.get(key)
        if value is None:
            return
        if not isinstance(value, str) or not RFC_3339.match(value):
            errors.append(f"{where}: {key} must be an RFC 3339 date, not {value!r}")
            return
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            errors.append(f"{where}: {key} is not a real date: {value!r}")

    def check_authors(where: str, obj: dict):
        authors = obj.get("authors", [])
        if not isinstance(authors, list):
            errors.append(f"{where}: authors must be an array")
            return
        for n, author in enumerate(authors):
            here = f"{where}.authors[{n}]"
            if not isinstance(author, dict) or not author.keys() & {
                "name",
                "url",
                "avatar",
            }:
                errors.append(f"{here}: needs at least one of name, url, avatar")
                continue
            check_string(here, author, "name")
            check_string(here, author, "url", url=True)
            check_string(here, author, "avatar", url=True)

    if not isinstance(feed, dict):
        return ["the feed must be a JSON object"]
    if feed.get("version") != JSON_FEED_VERSION:
        errors.append(f"version must be {JSON_FEED_VERSION!r}")
    check_string("feed", feed, "title", required=True)
    for key in FEED_STRINGS:
        check_string("feed", feed, key, url=key in FEED_URLS)
    if "expired" in feed and not isinstance(feed["expired"], bool):
        errors.append("feed: expired must be a boolean")
    check_authors("feed", feed)
    items = feed.get("items")
    if not isinstance(items, list):
        return [*errors, "feed: items is required and must be an array"]
    for n, item in enumerate(items):
        where = f"items[{n}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: must be an object")
            continue
        check_string(where, item, "id", required=True)
        for key in ITEM_STRINGS:
            check_string(where, item, key, url=key in ITEM_URLS)
        if "content_html" not in item and "content_text" not in item:
            errors.append(f"{where}: needs content_html or content_text")
        check_date(where, item, "date_published")
        check_date(where, item, "date_modified")
        check_authors(where, item)
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            errors.append(f"{where}: tags must be an array of strings")
        for m, attachment in enumerate(item.get("attachments", [])):
            here = f"{where}.attachments[{m}]"
            check_string(here, attachment, "url", required=True, url=True)
            check_string(here, attachment, "mime_type", required=True)
            for key in ("size_in_bytes", "duration_in_seconds"):
                if key in attachment and not isinstance(attachment[key], int | float):
                    errors.append(f"{here}: {key} must be a number")
    return errors


def read_json_feed(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert json_feed_errors(feed) == []
    return feed


def titles(client, url: str) -> list[str]:
    """The entry titles, as the reader (or, for JSON Feed, the spec) sees them."""
    if url.endswith("/json/"):
        return [item["title"] for item in read_json_feed(client, url)["items"]]
    return [shown(entry.title_detail) for entry in read(client, url).entries]


# --- What the reader finds ----------------------------------------------------


def enclosed_file(href: str) -> tuple[int, str]:
    """The size and MIME type of what an anonymous reader fetching an
    enclosure gets."""
    response = Client().get(unquote(urlsplit(href).path))
    assert response.status_code == 200, href
    data = b"".join(response.streaming_content)
    return len(data), PILImage.MIME[PILImage.open(io.BytesIO(data)).format]


@pytest.mark.parametrize("feed", XML_FEEDS)
def test_reader_finds_everything_an_entry_carries(client, story, feed):
    parsed = read(client, feed_urls()[feed])
    assert parsed.feed.title.startswith(settings.SITE_NAME)
    assert parsed.feed.link.startswith(f"{SITE}/")
    (entry,) = parsed.entries
    assert shown(entry.title_detail) == story.headline
    assert entry.link == f"{SITE}{story.get_absolute_url()}"
    assert entry.id
    assert html.unescape(entry.summary) == story.dek
    assert 'href="http://testserver/section/mars/"' in entry.content[0].value
    # Full dates, to the right instant (RSS 2.0 has no "updated").
    assert instant(entry.published_parsed) == PUBLISHED
    if parsed.version == "atom10":
        assert instant(entry.updated_parsed) == REVISED
        assert [(a.name, a.href) for a in entry.authors] == [
            ("Mike Wall", f"{SITE}/authors/mike-wall/"),
            ("Priya Ramanathan", f"{SITE}/authors/priya/"),
        ]
    else:
        # RSS 2.0 has one <dc:creator>, naming every byline.
        assert entry.author == "Mike Wall and Priya Ramanathan"
    assert sorted(tag.term for tag in entry.tags) == ["Perseverance", "Sky crane"]
    # The hero image, as a media enclosure the reader can fetch and trust.
    (enclosure,) = entry.enclosures
    image = story.hero_image
    assert enclosure.href == f"{SITE}{image_url(image, 'full')}"
    assert enclosure.type == "image/jpeg"
    assert enclosed_file(enclosure.href)[1] == "image/jpeg"


def test_json_feed_follows_json_feed_1_1(client, story):
    feed = read_json_feed(client, reverse("articles:feed_json"))
    assert feed["feed_url"] == f"{SITE}/feeds/json/"
    (item,) = feed["items"]
    assert item["title"] == story.headline
    assert item["url"] == f"{SITE}{story.get_absolute_url()}"
    assert item["summary"] == story.dek
    assert dt.datetime.fromisoformat(item["date_published"]) == PUBLISHED
    assert dt.datetime.fromisoformat(item["date_modified"]) == REVISED
    assert [a["name"] for a in item["authors"]] == ["Mike Wall", "Priya Ramanathan"]
    # JSON Feed's hero image is `image`, a URL only (no type or size).
    assert item["image"] == f"{SITE}{image_url(story.hero_image, 'full')}"
    assert enclosed_file(item["image"])[1] == "image/jpeg"


@pytest.mark.parametrize("feed", ["site rss", "site atom", "site json"])
def test_story_without_image_or_byline_still_reads(client, feed):
    bare = ArticleFactory(headline="Q&A: <Starship> flies", published=True)
    url = feed_urls()[feed]
    assert titles(client, url) == [bare.headline]
    if feed.endswith("json"):
        (item,) = read_json_feed(client, url)["items"]
        assert "image" not in item
        return
    parsed = read(client, url)
    (entry,) = parsed.entries
    assert entry.enclosures == []
    assert instant(entry.published_parsed) == to_the_second(bare.published_at)
    if parsed.version == "atom10":
        # Atom wants an author: the feed's stands in for the entry's.
        assert "authors" not in entry
        assert parsed.feed.author == settings.SITE_NAME


def hidden_twins(section: Section, author: Author) -> dict[str, Article]:
    """One story in each state the public may not see, in `section`, by
    `author` and tagged "Sky crane", each with a publication time the public
    would see if the state were not checked."""
    now = timezone.now()
    past, future = now - timedelta(hours=2), now + timedelta(hours=2)
    states = {
        "Draft scoop": (State.DRAFT, None),
        "Redrafted scoop": (State.DRAFT, past),
        "In review scoop": (State.IN_REVIEW, past),
        "Approved scoop": (State.APPROVED, past),
        "Scheduled scoop": (State.SCHEDULED, future),
        "Future-dated scoop": (State.PUBLISHED, future),
        "Unpublished scoop": (State.UNPUBLISHED, past),
        "Archived scoop": (State.ARCHIVED, past),
    }
    stories = {}
    for headline, (status, published_at) in states.items():
        stories[headline] = ArticleFactory(
            headline=headline,
            section=section,
            authors=[author],
            status=status,
            published_at=published_at,
        )
        stories[headline].tags.add("Sky crane")
    return stories


@pytest.mark.parametrize("feed", list(feed_urls()))
def test_reader_sees_only_public_stories(client, story, feed):
    author = story.bylines.first().author
    hidden = hidden_twins(story.section, author)
    due = ArticleFactory(
        headline="Scheduled and due",
        section=story.section,
        authors=[author],
        status=State.SCHEDULED,
        published_at=timezone.now() - timedelta(minutes=1),
    )
    due.tags.add("Sky crane")
    listed = titles(client, feed_urls()[feed])
    assert sorted(listed) == sorted([story.headline, due.headline])
    assert not set(hidden) & set(listed)


def test_every_demo_feed_reads_cleanly(client):
    """Real content: every feed of every demo section, tag and author."""
    load_demo()
    public = Article.objects.public()
    lists = [
        *(("section", s.slug) for s in Section.objects.filter(articles__in=public)),
        *(
            ("author", a.slug)
            for a in Author.objects.filter(bylines__article__in=public)
        ),
        *(("tag", t.slug) for a in public for t in a.tags.all()),
    ]
    urls = {u for n, u in feed_urls().items() if n.startswith("site")}
    for kind, slug in set(lists):
        for format in ("rss", "atom"):
            urls.add(reverse(f"articles:{kind}_feed_{format}", args=[slug]))
    assert len(urls) > 20
    published = {a.headline: a for a in Article.objects.public()}
    for url in sorted(urls):
        if url.endswith("/json/"):
            assert {i["title"] for i in read_json_feed(client, url)["items"]}
            continue
        entries = read(client, url).entries
        assert entries, url
        for entry in entries:
            story = published[shown(entry.title_detail)]
            assert entry.link == f"{SITE}{story.get_absolute_url()}"
            assert instant(entry.published_parsed) == to_the_second(story.published_at)
            assert entry.get("author"), (url, entry.title)
            if story.hero_image:
                assert entry.enclosures[0].type.startswith("image/"), url


# --- The checkers reject what they should -------------------------------------


@pytest.mark.parametrize(
    ("breakage", "old", "new"),
    [
        ("unescaped ampersand", "<title>Perseverance", "<title>R&D: Perseverance"),
        ("undeclared namespace", "<dc:creator xmlns:dc=", "<dc:creator xmlns:dx="),
        ("unclosed element", "</title>", ""),
    ],
)
def test_reader_flags_a_broken_feed(client, story, breakage, old, new):
    text = client.get(reverse("articles:feed_rss")).content.decode()
    assert old in text
    broken = feedparser.parse(
        text.replace(old, new, 1).encode(),
        response_headers={"content-type": "application/rss+xml; charset=utf-8"},
    )
    assert broken.bozo, breakage


def test_reader_finds_no_date_in_a_malformed_one(client, story):
    text = client.get(reverse("articles:feed_atom")).content.decode()
    good = "<published>2021-02-25T15:30:12+00:00</published>"
    assert good in text
    parsed = feedparser.parse(text.replace(good, "<published>Feb 25</published>"))
    assert parsed.entries[0].get("published_parsed") is None


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda f: f.pop("version"), "version must be"),
        (lambda f: f.update(version="https://jsonfeed.org/version/1"), "version"),
        (lambda f: f.pop("title"), "feed: title is required"),
        (lambda f: f.update(items={}), "items is required and must be an array"),
        (lambda f: f.update(feed_url="/feeds/json/"), "feed_url must be an absolute"),
        (lambda f: f["items"][0].pop("id"), "items[0]: id is required"),
        (lambda f: f["items"][0].update(id=7), "id must be a string"),
        (lambda f: f["items"][0].pop("content_html"), "needs content_html or"),
        (
            lambda f: f["items"][0].update(date_published="2021-02-25 15:30"),
            "date_published must be an RFC 3339 date",
        ),
        (
            lambda f: f["items"][0].update(date_modified="2021-02-25T15:30:00"),
            "date_modified must be an RFC 3339 date",
        ),
        (
            lambda f: f["items"][0].update(date_published="2021-02-30T15:30:00Z"),
            "not a real date",
        ),
        (lambda f: f["items"][0].update(authors=[{}]), "needs at least one of"),
        (lambda f: f["items"][0].update(image="/media/x.png"), "image must be an"),
        (lambda f: f["items"][0].update(tags="Mars"), "tags must be an array"),
        (
            lambda f: f["items"][0].update(attachments=[{"url": "http://x.test/a"}]),
            "mime_type is required",
        ),
    ],
)
def test_json_feed_checker_rejects_broken_feeds(client, story, breakage, expected):
    feed = json.loads(client.get(reverse("articles:feed_json")).content)
    assert json_feed_errors(feed) == []
    breakage(feed)
    assert any(expected in error for error in json_feed_errors(feed))


# --- Control characters (stripped on save) ----------------------------------


def test_headline_with_a_control_character_does_not_break_the_feeds(client):
    ArticleFactory(headline="Starship\x0bflies", published=True)
    for feed in ["site rss", "site atom"]:
        (title,) = titles(client, feed_urls()[feed])
        assert title.startswith("Starship")

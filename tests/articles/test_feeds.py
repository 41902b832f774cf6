"""RSS, Atom and JSON feeds: what they list, what each item carries, what they cost."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from pytest_django.asserts import assertContains

from media_library.templatetags.media_library import image_url
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
)
from workflow.states import State

pytestmark = pytest.mark.django_db

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
PUBLISHED = dt.datetime(2021, 2, 25, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def mars():
    return SectionFactory(name="Mars", slug="mars")


@pytest.fixture
def mike():
    return AuthorFactory(name="Mike Wall", slug="mike-wall")


@pytest.fixture
def story(mars, mike):
    story = ArticleFactory(
        headline="Perseverance watched its sky crane crash on Mars",
        dek="The rover's Hazcam caught the plume <and> the crater.",
        body='<p>See <a href="/section/mars/">more</a>.</p>'
        '<p><img src="/media/plume.jpg" alt="A plume"></p>',
        section=mars,
        hero_image=ImageFactory(),
        authors=[mike, AuthorFactory(name="Priya Ramanathan", slug="priya")],
        status=State.PUBLISHED,
        published_at=PUBLISHED,
    )
    story.tags.add("Sky crane", "Perseverance")
    return story


def hidden_stories(section, author):
    """One story in each state the public may not see, in the same section, with
    the same tag and byline as `story`."""
    future = timezone.now() + timedelta(hours=1)
    past = timezone.now() - timedelta(hours=1)
    states = {
        "Draft scoop": {"status": State.DRAFT},
        "Scheduled scoop": {"status": State.SCHEDULED, "published_at": future},
        "Unpublished scoop": {"status": State.UNPUBLISHED, "published_at": past},
        "Archived scoop": {"status": State.ARCHIVED, "published_at": past},
        "Future-dated scoop": {"status": State.PUBLISHED, "published_at": future},
    }
    for headline, state in states.items():
        hidden = ArticleFactory(
            headline=headline, section=section, authors=[author], **state
        )
        hidden.tags.add("Sky crane")
    return list(states)


def feed_urls(story):
    section, author = story.section.slug, story.bylines.first().author.slug
    return {
        "site rss": reverse("articles:feed_rss"),
        "site atom": reverse("articles:feed_atom"),
        "site json": reverse("articles:feed_json"),
        "section rss": reverse("articles:section_feed_rss", args=[section]),
        "section atom": reverse("articles:section_feed_atom", args=[section]),
        "tag rss": reverse("articles:tag_feed_rss", args=["sky-crane"]),
        "tag atom": reverse("articles:tag_feed_atom", args=["sky-crane"]),
        "author rss": reverse("articles:author_feed_rss", args=[author]),
        "author atom": reverse("articles:author_feed_atom", args=[author]),
    }


FEEDS = [
    "site rss",
    "site atom",
    "site json",
    "section rss",
    "section atom",
    "tag rss",
    "tag atom",
    "author rss",
    "author atom",
]


def parse(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def titles(response) -> list[str]:
    """The item titles of any of the three formats."""
    if response["Content-Type"].startswith("application/feed+json"):
        return [item["title"] for item in json.loads(response.content)["items"]]
    root = parse(response)
    if root.tag == "rss":
        return [item.findtext("title") for item in root.iter("item")]
    return [
        e.findtext("atom:title", namespaces=NS) for e in root.iterfind("atom:entry", NS)
    ]


# --- What is listed -----------------------------------------------------------


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_lists_published_stories_only(client, story, feed):
    due = ArticleFactory(
        headline="Scheduled and due",
        section=story.section,
        authors=[story.bylines.first().author],
        status=State.SCHEDULED,
        published_at=timezone.now() - timedelta(minutes=1),
    )
    due.tags.add("Sky crane")
    hidden = hidden_stories(story.section, story.bylines.first().author)
    response = client.get(feed_urls(story)[feed])
    assert response.status_code == 200
    listed = titles(response)
    assert story.headline in listed
    assert "Scheduled and due" in listed
    assert not set(hidden) & set(listed)


@pytest.mark.parametrize("feed", ["section rss", "tag atom", "author rss"])
def test_narrow_feeds_list_only_their_own_stories(client, story, feed):
    ArticleFactory(headline="Elsewhere", published=True).tags.add("Venus")
    listed = titles(client.get(feed_urls(story)[feed]))
    assert listed == [story.headline]


def test_feed_has_the_latest_twenty_newest_first(client):
    now = timezone.now()
    for n in range(21):
        ArticleFactory(
            headline=f"Story {n}",
            status=State.PUBLISHED,
            published_at=now - timedelta(hours=n + 1),
        )
    listed = titles(client.get(reverse("articles:feed_rss")))
    assert listed == [f"Story {n}" for n in range(20)]


@pytest.mark.parametrize(
    "name",
    ["section_feed_rss", "section_feed_atom", "tag_feed_rss", "author_feed_atom"],
)
def test_unknown_section_tag_or_author_feed_is_404(client, story, name):
    assert (
        client.get(reverse(f"articles:{name}", args=["no-such-thing"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=-1", "page=99999", "page=" + "9" * 400, "p=%ff&x"],
)
@pytest.mark.parametrize("feed", ["site rss", "site json", "tag atom"])
def test_malformed_query_strings_are_ignored(client, story, feed, query):
    response = client.get(f"{feed_urls(story)[feed]}?{query}")
    assert response.status_code == 200
    assert story.headline in titles(response)


@pytest.mark.parametrize("feed", ["site rss", "site json", "tag atom"])
def test_a_nul_byte_in_the_query_is_refused_with_a_message(client, story, feed):
    """As on every page (newsroom.middleware): PostgreSQL cannot read a NUL."""
    response = client.get(f"{feed_urls(story)[feed]}?page=%00")
    assert response.status_code == 400
    assert b"control character" in response.content


# --- What an item carries -----------------------------------------------------


def test_rss_item(client, story):
    response = client.get(reverse("articles:feed_rss"))
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = parse(response).find("channel")
    assert channel.findtext("link") == "http://testserver/"
    (item,) = channel.findall("item")
    assert item.findtext("title") == story.headline
    assert item.findtext("link") == f"http://testserver{story.get_absolute_url()}"
    assert item.findtext("pubDate") == "Thu, 25 Feb 2021 15:30:00 +0000"
    assert item.findtext("dc:creator", namespaces=NS) == (
        "Mike Wall and Priya Ramanathan"
    )
    assert sorted(c.text for c in item.findall("category")) == [
        "Perseverance",
        "Sky crane",
    ]
    # The description is HTML: the dek's own characters arrive escaped.
    assert item.findtext("description") == (
        "The rover&#x27;s Hazcam caught the plume &lt;and&gt; the crater."
    )
    enclosure = item.find("enclosure").attrib
    image = story.hero_image
    # The JPEG rendition readers may fetch, never the original.
    assert enclosure == {
        "url": f"http://testserver{image_url(image, 'full')}",
        "length": "0",  # not known until it is made
        "type": "image/jpeg",
    }


def test_rss_and_atom_content_is_the_body_with_absolute_addresses(client, story):
    expected = (
        '<p>See <a href="http://testserver/section/mars/" '
        'rel="noopener noreferrer">more</a>.</p>'
        '<p><img src="http://testserver/media/plume.jpg" alt="A plume"></p>'
    )
    rss = parse(client.get(reverse("articles:feed_rss")))
    assert rss.find("channel/item/content:encoded", NS).text == expected
    atom = parse(client.get(reverse("articles:feed_atom")))
    content = atom.find("atom:entry/atom:content", NS)
    assert (content.get("type"), content.text) == ("html", expected)


def test_atom_entry(client, story):
    story.revised_at = PUBLISHED + timedelta(hours=2)
    story.save()
    response = client.get(reverse("articles:feed_atom"))
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    (entry,) = parse(response).findall("atom:entry", NS)
    assert entry.findtext("atom:title", namespaces=NS) == story.headline
    assert entry.findtext("atom:published", namespaces=NS) == (
        "2021-02-25T15:30:00+00:00"
    )
    assert entry.findtext("atom:updated", namespaces=NS) == (
        "2021-02-25T17:30:00+00:00"
    )
    authors = [
        (a.findtext("atom:name", namespaces=NS), a.findtext("atom:uri", namespaces=NS))
        for a in entry.findall("atom:author", NS)
    ]
    assert authors == [
        ("Mike Wall", "http://testserver/authors/mike-wall/"),
        ("Priya Ramanathan", "http://testserver/authors/priya/"),
    ]
    summary = entry.find("atom:summary", NS)
    assert summary.get("type") == "html"
    assert "&lt;and&gt;" in summary.text
    (enclosure,) = [
        link.attrib
        for link in entry.findall("atom:link", NS)
        if link.get("rel") == "enclosure"
    ]
    assert (
        enclosure["href"] == f"http://testserver{image_url(story.hero_image, 'full')}"
    )
    assert enclosure["type"] == "image/jpeg"
    assert sorted(c.get("term") for c in entry.findall("atom:category", NS)) == [
        "Perseverance",
        "Sky crane",
    ]


def test_atom_feed_has_an_author_for_entries_without_bylines(client):
    ArticleFactory(published=True)
    root = parse(client.get(reverse("articles:feed_atom")))
    assert root.findtext("atom:author/atom:name", namespaces=NS) == "Newsroom"
    assert root.find("atom:entry/atom:author", NS) is None


def test_json_feed(client, story):
    response = client.get(reverse("articles:feed_json"))
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Newsroom"
    assert feed["home_page_url"] == "http://testserver/"
    assert feed["feed_url"] == "http://testserver/feeds/json/"
    (item,) = feed["items"]
    url = f"http://testserver{story.get_absolute_url()}"
    assert isinstance(item["id"], str)
    assert (item["id"], item["url"]) == (url, url)
    assert item["title"] == story.headline
    # Plain text, not HTML, in JSON Feed.
    assert item["summary"] == story.dek
    assert 'href="http://testserver/section/mars/"' in item["content_html"]
    assert dt.datetime.fromisoformat(item["date_published"]) == PUBLISHED
    assert item["authors"] == [
        {"name": "Mike Wall", "url": "http://testserver/authors/mike-wall/"},
        {"name": "Priya Ramanathan", "url": "http://testserver/authors/priya/"},
    ]
    assert sorted(item["tags"]) == ["Perseverance", "Sky crane"]
    assert item["image"] == f"http://testserver{image_url(story.hero_image, 'full')}"


def test_headlines_with_markup_characters(client):
    ArticleFactory(headline="Q&A: <Starship> flies", published=True)
    rss = parse(client.get(reverse("articles:feed_rss")))
    # RSS readers show the title as HTML (Django escapes it, ticket #6533).
    assert rss.findtext("channel/item/title") == "Q&amp;A: &lt;Starship&gt; flies"
    atom = parse(client.get(reverse("articles:feed_atom")))
    assert atom.findtext("atom:entry/atom:title", namespaces=NS) == (
        "Q&A: <Starship> flies"
    )
    item = json.loads(client.get(reverse("articles:feed_json")).content)["items"][0]
    assert item["title"] == "Q&A: <Starship> flies"


def test_story_without_hero_image_or_bylines(client):
    ArticleFactory(published=True)
    item = parse(client.get(reverse("articles:feed_rss"))).find("channel/item")
    assert item.find("enclosure") is None
    assert item.find("dc:creator", NS) is None
    assert (
        "image"
        not in json.loads(client.get(reverse("articles:feed_json")).content)["items"][0]
    )


def test_narrow_feeds_name_and_link_their_page(client, story):
    urls = feed_urls(story)
    channel = parse(client.get(urls["section rss"])).find("channel")
    assert channel.findtext("title") == "Newsroom: Mars"
    assert channel.findtext("link") == "http://testserver/section/mars/"
    channel = parse(client.get(urls["author rss"])).find("channel")
    assert channel.findtext("title") == "Newsroom: Mike Wall"
    assert channel.findtext("link") == "http://testserver/authors/mike-wall/"
    channel = parse(client.get(urls["tag rss"])).find("channel")
    assert channel.findtext("title") == "Newsroom: Sky crane"
    assert channel.findtext("link") == "http://testserver/tag/sky-crane/"


@pytest.mark.parametrize("feed", ["site rss", "site atom", "site json"])
def test_unpublishing_the_newest_story_is_never_answered_304(
    client, settings, story, feed, django_capture_on_commit_callbacks
):
    """Django dates a feed by its newest item; unpublishing that item makes the
    list older, so a reader asking "modified since?" would keep the old one."""
    conditional = "django.middleware.http.ConditionalGetMiddleware"
    if conditional not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, conditional]
    newest = ArticleFactory(headline="Retracted", published=True)
    url = feed_urls(story)[feed]
    assert "Retracted" in titles(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):  # the cache purge
        newest.status = State.UNPUBLISHED
        newest.save()
    since = http_date(newest.published_at.timestamp())
    response = client.get(url, headers={"if-modified-since": since})
    assert response.status_code == 200
    assert titles(response) == [story.headline]


def test_pages_advertise_the_site_feeds(client, story):
    response = client.get(reverse("home"))
    assertContains(
        response,
        '<link rel="alternate" type="application/rss+xml" title="Newsroom" '
        'href="/feeds/rss/">',
    )
    assertContains(response, 'type="application/atom+xml"')
    assertContains(response, 'type="application/feed+json"')


# --- Cached like the pages ---------------------------------------------------


SITE_FEEDS = ["site rss", "site atom", "site json"]


@pytest.mark.parametrize("feed", SITE_FEEDS)
def test_feeds_are_cached_with_headers_a_cdn_can_use(
    client, story, feed, django_assert_num_queries
):
    url = feed_urls(story)[feed]
    first = client.get(url)
    assert "public" in first["Cache-Control"]
    assert "max-age=60" in first["Cache-Control"]
    assert "Last-Modified" not in first
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert "Last-Modified" not in again
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize("feed", FEEDS)
def test_unpublish_removes_the_story_from_cached_feeds(
    client, story, feed, django_capture_on_commit_callbacks
):
    from tests.newsroom.workflow_helpers import user_in
    from workflow import services
    from workflow.roles import EDITORS

    url = feed_urls(story)[feed]
    assert story.headline in titles(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "unpublish", by=user_in(EDITORS), comment="Hold")
    assert story.headline not in titles(client.get(url))


def test_each_feed_is_cached_under_its_own_address(client, story):
    elsewhere = ArticleFactory(headline="Elsewhere", published=True)
    mars = client.get(feed_urls(story)["section rss"])
    other = client.get(
        reverse("articles:section_feed_rss", args=[elsewhere.section.slug])
    )
    assert titles(mars) == [story.headline]
    assert titles(other) == ["Elsewhere"]
    assert client.get(reverse("articles:feed_atom"))["Content-Type"].startswith(
        "application/atom+xml"
    )


def test_an_unknown_feed_stays_404_when_asked_again(client):
    url = reverse("articles:section_feed_rss", args=["no-such-section"])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


# --- What it costs ------------------------------------------------------------


def heavy_stories(section, author, n):
    """`n` stories with a hero image, five bylines and twenty tags each."""
    for _ in range(n):
        story = ArticleFactory(
            section=section,
            published=True,
            hero_image=ImageFactory(),
            authors=[author, *(AuthorFactory() for _ in range(4))],
        )
        story.tags.add("Sky crane", *(f"tag {i}" for i in range(19)))


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_query_budget_does_not_grow(
    client, settings, story, feed, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # each request renders the feed
    url = feed_urls(story)[feed]
    author = story.bylines.first().author
    # Stories; bylines; tags; the pictures in the bodies.
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
    heavy_stories(story.section, author, 5)
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert len(titles(response)) == 6


def test_section_tag_and_author_pages_advertise_their_feeds(client):
    from tests.factories import AuthorFactory, SectionFactory

    section = SectionFactory(slug="spaceflight")
    author = AuthorFactory(name="Mike Wall")
    story = ArticleFactory(published=True, section=section, authors=[author])
    story.tags.add("Mars")
    for page, feed in [
        (section.get_absolute_url(), "/feeds/section/spaceflight/rss/"),
        ("/tag/mars/", "/feeds/tag/mars/atom/"),
        (author.get_absolute_url(), "/feeds/author/mike-wall/rss/"),
    ]:
        html = client.get(page).content.decode()
        assert f'href="{feed}"' in html, page
        assert 'href="/feeds/rss/"' in html  # the site feed too

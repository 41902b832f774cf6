"""OpenGraph on story pages (issue 15): the article:* properties and og:locale
that link previews and social cards read, agreeing with the JSON-LD."""

import datetime as dt
import json
import re

import pytest

from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def og(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, content in re.findall(
        r'<meta property="([a-z:_]+)" content="([^"]*)">', response.content.decode()
    ):
        found.setdefault(prop, []).append(content)
    return found


@pytest.fixture
def story(now):
    story = ArticleFactory(
        published=True,
        published_at=now - dt.timedelta(days=2),
        authors=[AuthorFactory(name="Mike Wall"), AuthorFactory(name="Ada Vance")],
    )
    story.tags.add("Mars", "Perseverance")
    return story


def test_story_article_properties(client, story):
    response = client.get(story.get_absolute_url())
    tags = og(response)
    assert tags["og:type"] == ["article"]
    assert tags["og:locale"] == ["en_US"]
    published = dt.datetime.fromisoformat(tags["article:published_time"][0])
    assert published == story.published_at.replace(microsecond=0)
    # Never revised: modified is when it was published, as in the JSON-LD.
    assert tags["article:modified_time"] == tags["article:published_time"]
    assert tags["article:author"] == [
        "http://testserver/authors/mike-wall/",
        "http://testserver/authors/ada-vance/",
    ]
    assert tags["article:section"] == [story.section.name]
    assert sorted(tags["article:tag"]) == ["Mars", "Perseverance"]

    data = json.loads(
        response.content.decode()
        .split('<script type="application/ld+json">')[1]
        .split("</script>")[0]
    )
    assert data["datePublished"] == tags["article:published_time"][0]
    assert data["dateModified"] == tags["article:modified_time"][0]
    assert [a["url"] for a in data["author"]] == tags["article:author"]


def test_revised_story_says_when(client, story, now):
    story.revised_at = now - dt.timedelta(hours=3)
    story.save()
    tags = og(client.get(story.get_absolute_url()))
    modified = dt.datetime.fromisoformat(tags["article:modified_time"][0])
    assert modified == story.revised_at.replace(microsecond=0)
    assert modified > dt.datetime.fromisoformat(tags["article:published_time"][0])
    # In the newsroom's zone, with its offset, to the second.
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d", tags["article:modified_time"][0]
    )


def test_locale_follows_the_language(client, story, settings):
    settings.LANGUAGE_CODE = "en-gb"
    assert og(client.get(story.get_absolute_url()))["og:locale"] == ["en_GB"]


def test_author_page_has_locale_and_url(client, story):
    tags = og(client.get("/authors/mike-wall/"))
    assert tags["og:type"] == ["profile"]
    assert tags["og:locale"] == ["en_US"]
    assert tags["og:url"] == ["http://testserver/authors/mike-wall/"]

"""JSON-LD, OpenGraph and Twitter cards on story and author pages.

Every JSON-LD property is checked against the schema.org properties of its type
(the ones we use, taken from schema.org's definitions, inherited ones included).
"""

import datetime as dt
import json
import re

import pytest
from pytest_django.asserts import assertContains

from media_library.models import Licence
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    CorrectionFactory,
    ImageFactory,
)

pytestmark = pytest.mark.django_db

THING = {"@context", "@type", "@id", "name", "url", "description", "image", "sameAs"}
CREATIVE_WORK = THING | {
    "headline", "author", "publisher", "datePublished", "dateModified", "keywords",
    "isAccessibleForFree", "mainEntityOfPage", "correction", "license", "text",
    "copyrightNotice", "creditText", "acquireLicensePage", "mainEntity", "mentions",
}  # fmt: skip
SCHEMA = {
    "NewsArticle": CREATIVE_WORK | {"articleSection"},
    "WebPage": CREATIVE_WORK,
    "ProfilePage": CREATIVE_WORK,
    "CorrectionComment": CREATIVE_WORK,
    "ImageObject": CREATIVE_WORK | {"contentUrl", "width", "height", "caption"},
    "Person": THING | {"jobTitle"},
    "NewsMediaOrganization": THING | {"logo"},
    "CreativeWork": CREATIVE_WORK,
}


def check_schema(node, path="$"):
    """Every object's keys are properties schema.org defines for its @type."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            check_schema(item, f"{path}[{i}]")
    elif isinstance(node, dict):
        kind = node.get("@type")
        assert kind in SCHEMA, f"{path}: unknown @type {kind!r}"
        unknown = set(node) - SCHEMA[kind]
        assert not unknown, f"{path} ({kind}): not schema.org properties: {unknown}"
        for key, value in node.items():
            if isinstance(value, dict | list) and key != "keywords":
                check_schema(value, f"{path}.{key}")
            elif key == "sameAs":
                pass


def jsonld(response) -> dict:
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture
def sky_crane():
    mike = AuthorFactory(
        name="Mike Wall", job_title="Senior Space Writer", x_handle="michaeldwall"
    )
    story = ArticleFactory(
        headline="Perseverance watched its sky crane crash on Mars",
        dek="The Hazcam caught the plume.",
        published=True,
        authors=[mike, AuthorFactory(name="Second Writer")],
        hero_image=ImageFactory(
            credit="NASA/JPL-Caltech",
            licence=Licence.PUBLIC_DOMAIN,
            caption="The plume.",
            alt_text="A dark plume over a plain.",
        ),
    )
    story.tags.add("Mars", "Perseverance")
    CorrectionFactory(article=story, text="The photo came out on Feb. 24.")
    return story


def test_news_article_jsonld(client, sky_crane):
    data = jsonld(client.get(sky_crane.get_absolute_url()))
    check_schema(data)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == sky_crane.headline
    assert data["description"] == "The Hazcam caught the plume."
    assert data["articleSection"] == sky_crane.section.name
    assert sorted(data["keywords"]) == ["Mars", "Perseverance"]
    published = dt.datetime.fromisoformat(data["datePublished"])
    assert published == sky_crane.published_at.replace(microsecond=0)
    assert data["datePublished"].endswith(("-05:00", "-04:00"))  # New York time
    assert [a["name"] for a in data["author"]] == ["Mike Wall", "Second Writer"]
    mike = data["author"][0]
    assert mike["@type"] == "Person"
    assert mike["url"].endswith("/authors/mike-wall/")
    assert mike["jobTitle"] == "Senior Space Writer"
    assert mike["sameAs"] == ["https://x.com/michaeldwall"]
    image = data["image"][0]
    assert image["creditText"] == "NASA/JPL-Caltech"
    assert image["license"] == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert image["url"].startswith("http://testserver/")
    assert data["publisher"]["logo"]["url"].startswith("http://testserver/icon-512.png")
    assert "Feb. 24" in data["correction"][0]["text"]


def test_jsonld_cannot_break_out_of_its_script(client):
    story = ArticleFactory(
        headline="</script><script>alert(1)</script>", published=True
    )
    response = client.get(story.get_absolute_url())
    assert "<script>alert(1)" not in response.content.decode()
    assert jsonld(response)["headline"] == "</script><script>alert(1)</script>"


def test_social_cards(client, sky_crane):
    response = client.get(sky_crane.get_absolute_url())
    url = f"http://testserver{sky_crane.get_absolute_url()}"
    assertContains(response, f'<link rel="canonical" href="{url}">')
    assertContains(response, f'<meta property="og:url" content="{url}">')
    assertContains(response, '<meta property="og:type" content="article">')
    assertContains(response, '<meta property="og:image:width" content="1200">')
    assertContains(response, '<meta name="twitter:card" content="summary_large_image">')
    assertContains(response, '<meta name="twitter:creator" content="@michaeldwall">')
    assertContains(response, '<meta property="article:tag" content="Mars">')
    og_image = re.search(
        r'<meta property="og:image" content="([^"]+)">', response.content.decode()
    )[1]
    assert og_image.startswith("http://testserver/")


def test_seo_fields_feed_the_cards(client):
    story = ArticleFactory(
        headline="Long headline",
        seo_title="Short",
        seo_description="Why",
        published=True,
    )
    response = client.get(story.get_absolute_url())
    assertContains(response, "<title>Short | ")
    assertContains(response, '<meta property="og:description" content="Why">')


def test_author_profile_page_jsonld(client):
    author = AuthorFactory(
        name="Mike Wall",
        job_title="Senior Space Writer",
        short_bio="Covers exoplanets.",
        website="https://example.com",
        headshot=ImageFactory(),
    )
    BookFactory(author=author, title="Out There")
    data = jsonld(client.get(author.get_absolute_url()))
    check_schema(data)
    assert data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert (person["@type"], person["name"], person["jobTitle"]) == (
        "Person",
        "Mike Wall",
        "Senior Space Writer",
    )
    assert person["sameAs"] == ["https://example.com"]
    assert person["image"].startswith("http://testserver/")


def test_each_embed_is_a_plain_link_ours_only_when_public(client, now):
    """Issue 14: JSON-LD carries a plain link for each embed, in the body's
    order and each once: a provider's original address (not a VideoObject,
    whose uploadDate we cannot know), our public story's and gallery's page;
    a draft of ours is left out, its headline nowhere in the page."""
    from articles import embeds
    from tests.factories import GalleryFactory

    def embed(url, **kwargs):
        return embeds.placeholder(embeds.parse(url, **kwargs))

    ours = ArticleFactory(headline="The sky crane, explained", published=True)
    gallery = GalleryFactory(
        title="Jezero in pictures",
        status="published",
        published_at=now - dt.timedelta(days=1),
    )
    draft = ArticleFactory(headline="A draft not to be named")
    story = ArticleFactory(
        published=True,
        body=(
            "<p>Watch it.</p>"
            + embed("https://youtu.be/4czjS9h4Fpg", title="The landing")
            + embed(f"story:{ours.pk}")
            + embed(f"story:{draft.pk}")
            + embed("https://bsky.app/profile/nasa.gov/post/3kabc")
            + embed(f"gallery:{gallery.pk}", title="Our pictures")
            + embed("https://www.youtube.com/watch?v=4czjS9h4Fpg")
        ),
    )
    response = client.get(story.get_absolute_url())
    data = jsonld(response)
    check_schema(data)
    assert data["mentions"] == [
        {
            "@type": "CreativeWork",
            "name": "The landing",
            "url": "https://www.youtube.com/watch?v=4czjS9h4Fpg",
        },
        {
            "@type": "CreativeWork",
            "name": "The sky crane, explained",
            "url": f"http://testserver{ours.get_absolute_url()}",
        },
        {
            "@type": "CreativeWork",
            "name": "Bluesky post",
            "url": "https://bsky.app/profile/nasa.gov/post/3kabc",
        },
        {
            "@type": "CreativeWork",
            "name": "Our pictures",
            "url": f"http://testserver{gallery.get_absolute_url()}",
        },
    ]
    assert "VideoObject" not in response.content.decode()
    assert "A draft not to be named" not in response.content.decode()
    assert draft.get_absolute_url() not in json.dumps(data)


def test_an_embedded_story_drops_out_of_the_jsonld_when_unpublished(
    client, django_capture_on_commit_callbacks
):
    """The page, cached with the link, is purged when the story it embeds is
    unpublished, and comes back without it."""
    from articles import embeds
    from tests.newsroom.workflow_helpers import user_in
    from workflow import services
    from workflow.roles import EDITORS

    ours = ArticleFactory(headline="Soon withdrawn", published=True)
    story = ArticleFactory(
        published=True, body=embeds.placeholder(embeds.parse(f"story:{ours.pk}"))
    )
    mentions = jsonld(client.get(story.get_absolute_url()))["mentions"]
    assert mentions[0]["url"].endswith(ours.get_absolute_url())
    editor = user_in(EDITORS, username="jsonld-editor")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(ours, "unpublish", by=editor, comment="Pulled")
    assert "mentions" not in jsonld(client.get(story.get_absolute_url()))


def test_a_story_without_embeds_mentions_nothing(client):
    story = ArticleFactory(published=True, body="<p>Only words.</p>")
    assert "mentions" not in jsonld(client.get(story.get_absolute_url()))

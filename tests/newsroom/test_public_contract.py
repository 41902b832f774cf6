"""What is public, everywhere (issue 13): a contract test.

One candidate per workflow state × publication time (an hour ago, exactly now,
in an hour, and none where the model allows it), each with a story, a gallery
and two library pictures of its own. Every public surface is read ONCE by an
anonymous reader, and each candidate must appear there exactly when the rule
below (`is_public`, the oracle, written once here and nowhere else in the test)
says it is public.

The site's own rule is `workflow.models.public_q`, and every surface
derives from it (querysets, `Publishable.is_public`, the SQL of the story page,
search and related lists, the page cache's expiry, the scheduler). Change that
one Q (`__lt` for `__lte`, or SCHEDULED left out) and every surface fails
here, on SQLite and on PostgreSQL: a surface that kept passing would be
restating the rule somewhere.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from articles import related
from articles.models import Article
from authors.models import Author
from media_library.models import Gallery, GalleryItem, Image
from media_library.renditions import rendition_url
from space.models import Mission, Spacecraft
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    image_bytes,
)
from workflow.states import LIVE_STATES, State

pytestmark = pytest.mark.django_db

# Offsets from the pinned `now`; None is no publication time at all. Read
# against the clock only inside a test (`world`), never at collection.
TIMES = {"past": -timedelta(hours=1), "now": timedelta(0), "future": timedelta(hours=1)}
TAG = "contract"


def is_public(status: str, published_at: datetime | None, now: datetime) -> bool:
    """THE ORACLE: what readers may see, as issue 13 states it."""
    return status in LIVE_STATES and published_at is not None and published_at <= now


@dataclass
class Candidate:
    key: str  # "published-now"
    story: Article
    gallery: Gallery
    hero: Image  # used only as this story's hero
    gallery_picture: Image  # used only in this gallery
    host: Article  # a public story linking to the gallery
    writer: Author  # a byline on this story only
    public: bool


@dataclass
class World:
    now: datetime
    candidates: list[Candidate]
    anchor: Article  # public, tagged like every candidate: its related list
    picker: Article  # public, with every candidate as an editors' pick
    author_slug: str
    section_slug: str


def combinations():
    """(state, time name): every state with every time, and no time for the
    states that may lack one (a live state must have one: the
    `<model>_live_has_time` constraint)."""
    for state in State:
        for name in TIMES:
            yield state, name
        if state not in LIVE_STATES:
            yield state, None


def picture(n: int) -> Image:
    """A library picture big enough for a thumbnail, with its own bytes."""
    data = image_bytes(320, 180, color=(n % 256, 40, 200 - n % 100), fmt="PNG")
    return ImageFactory(file=ContentFile(data, name=f"contract{n}.png"))


@pytest.fixture
def world(now) -> World:
    section = SectionFactory(name="Contract", slug="contract")
    elsewhere = SectionFactory(name="Elsewhere", slug="elsewhere")
    writer = AuthorFactory(name="Contract Writer")
    long_ago = now - timedelta(days=3)
    candidates = []
    for n, (state, name) in enumerate(combinations()):
        key = f"{state.value.replace('_', '')}-{name or 'none'}"
        marker = f"zz{key.replace('-', '')}zz"  # a word, in no other marker
        published_at = None if name is None else now + TIMES[name]
        hero, in_gallery = picture(2 * n), picture(2 * n + 1)
        own_writer = AuthorFactory(name=f"Writer {marker}")
        story = ArticleFactory(
            headline=f"{marker} contract story",
            body=f"<p>The {marker} story's text.</p>",
            section=section,
            status=state,
            published_at=published_at,
            hero_image=hero,
            authors=[writer, own_writer],
        )
        story.tags.add(TAG)
        gallery = Gallery.objects.create(
            title=f"yy{key.replace('-', '')}yy pictures",
            status=state,
            published_at=published_at,
        )
        GalleryItem.objects.create(gallery=gallery, image=in_gallery)
        host = ArticleFactory(
            headline=f"Host of gallery {n}",
            section=elsewhere,
            status=State.PUBLISHED,
            published_at=long_ago,
            gallery=gallery,
        )
        candidates.append(
            Candidate(
                key,
                story,
                gallery,
                hero,
                in_gallery,
                host,
                own_writer,
                is_public(state, published_at, now),
            )
        )
    # Made last, so their related lists are worked out with every candidate
    # there, by the signals that do it in production (articles.signals).
    anchor = ArticleFactory(
        headline="Anchor with related stories",
        section=elsewhere,
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=2),
    )
    anchor.tags.add(TAG)
    picker = ArticleFactory(
        headline="Anchor with editors picks",
        section=elsewhere,
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=2),
    )
    picker.related.add(*(c.story for c in candidates))
    anchor.refresh_from_db()
    picker.refresh_from_db()
    assert anchor.related_ids is not None and picker.related_ids is not None
    return World(now, candidates, anchor, picker, writer.slug, section.slug)


# --- Surfaces: each returns {candidate key: whether the reader sees it} ---------


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response).decode() if response.streaming else response.text


def _listed(text: str, world: World) -> dict[str, bool]:
    """Which candidates' story addresses a page or document names."""
    return {c.key: c.story.get_absolute_url() in text for c in world.candidates}


def _found(client, url: str) -> bool:
    status = client.get(url).status_code
    assert status in (200, 404), (url, status)
    return status == 200


def list_page(name: str, **kwargs):
    def read(client, world: World) -> dict[str, bool]:
        slug = {"section": world.section_slug, "tag": TAG, "author": world.author_slug}
        args = [slug[kwargs["slug"]]] if kwargs else []
        return _listed(_text(client, reverse(name, args=args)), world)

    return read


def story_page(client, world):
    return {c.key: _found(client, c.story.get_absolute_url()) for c in world.candidates}


def sitemaps(client, world):
    """The index, and every sitemap page it names."""
    index = _text(client, reverse("sitemap_index"))
    pages = [urlsplit(loc.split("</loc>")[0]).path for loc in index.split("<loc>")[1:]]
    assert pages, index
    return _listed("".join(_text(client, page) for page in pages), world)


def author_sitemap(client, world):
    """The authors' sitemap: each candidate has a writer of its own."""
    text = _text(client, reverse("sitemap", args=["authors"]))
    return {c.key: c.writer.get_absolute_url() in text for c in world.candidates}


def search(client, world):
    """Each story's own word; the query is echoed on the page, so the result is
    its address."""
    seen = {}
    for c in world.candidates:
        marker = c.story.headline.split()[0]
        text = _text(client, reverse("articles:search") + f"?q={marker}")
        seen[c.key] = c.story.get_absolute_url() in text
    return seen


def related_by_tags(client, world):
    return _listed(_text(client, world.anchor.get_absolute_url()), world)


def related_picks(client, world):
    return _listed(_text(client, world.picker.get_absolute_url()), world)


def gallery_page(client, world):
    return {
        c.key: _found(client, c.gallery.get_absolute_url()) for c in world.candidates
    }


def gallery_link(client, world):
    """A public story linking to the gallery shows the link iff it is public."""
    return {
        c.key: c.gallery.get_absolute_url() in _text(client, c.host.get_absolute_url())
        for c in world.candidates
    }


def _rendition(image: Image) -> str:
    return rendition_url(image, "thumbnail", 160, "jpeg")


def hero_rendition(client, world):
    return {c.key: _found(client, _rendition(c.hero)) for c in world.candidates}


def gallery_rendition(client, world):
    return {
        c.key: _found(client, _rendition(c.gallery_picture)) for c in world.candidates
    }


def space_hub(kind: str):
    """A mission's hub (space app) or its feeds: half the candidates linked to
    the mission, half to its spacecraft, which its hub lists too."""

    def read(client, world):
        mission = Mission.objects.create(name="Contract mission", slug="contract")
        craft = Spacecraft.objects.create(name="Probe", slug="probe", mission=mission)
        for n, c in enumerate(world.candidates):
            (mission if n % 2 else craft).stories.add(c.story)
        name = {"page": "space:hub", "rss": "space:hub_rss", "atom": "space:hub_atom"}
        return _listed(
            _text(client, reverse(name[kind], args=["mission", "contract"])), world
        )

    return read


SURFACES = {
    "story_page": story_page,
    "front_page": list_page("home"),
    "latest": list_page("articles:latest"),
    "section_page": list_page("articles:section", slug="section"),
    "tag_page": list_page("articles:tag", slug="tag"),
    "author_page": list_page("authors:detail", slug="author"),
    "feed_rss": list_page("articles:feed_rss"),
    "feed_atom": list_page("articles:feed_atom"),
    "feed_json": list_page("articles:feed_json"),
    "section_feed_rss": list_page("articles:section_feed_rss", slug="section"),
    "section_feed_atom": list_page("articles:section_feed_atom", slug="section"),
    "tag_feed_rss": list_page("articles:tag_feed_rss", slug="tag"),
    "tag_feed_atom": list_page("articles:tag_feed_atom", slug="tag"),
    "author_feed_rss": list_page("articles:author_feed_rss", slug="author"),
    "author_feed_atom": list_page("articles:author_feed_atom", slug="author"),
    "sitemaps": sitemaps,
    "author_sitemap": author_sitemap,
    "news_sitemap": list_page("sitemap_news"),
    "search": search,
    "related_by_tags": related_by_tags,
    "related_picks": related_picks,
    "gallery_page": gallery_page,
    "gallery_link": gallery_link,
    "hero_rendition": hero_rendition,
    "gallery_rendition": gallery_rendition,
    "space_hub": space_hub("page"),
    "space_hub_rss": space_hub("rss"),
    "space_hub_atom": space_hub("atom"),
}


@pytest.mark.parametrize("surface", SURFACES)
def test_readers_see_exactly_what_is_public(client, world, surface):
    seen = SURFACES[surface](client, world)
    expected = {c.key: c.public for c in world.candidates}
    wrong = {
        key: ("shown" if seen[key] else "hidden")
        + (" but public" if expected[key] else " but not public")
        for key in expected
        if seen[key] != expected[key]
    }
    assert not wrong, f"{surface} on {connection.vendor}: {wrong}"


def test_the_candidates_cover_every_state_and_time(world):
    """The matrix is what the docstring says: 8 states × 3 times, and no time
    for the 6 states that are not live; 4 of them public."""
    assert len(world.candidates) == len(State) * len(TIMES) + len(State) - len(
        LIVE_STATES
    )
    assert sorted(c.key for c in world.candidates if c.public) == [
        "published-now",
        "published-past",
        "scheduled-now",
        "scheduled-past",
    ]


def test_related_list_keeps_a_public_neighbour_past_scheduled_ones(client, now):
    """A public story sharing the tag is in the related list, however many
    stories sharing it are scheduled for tomorrow (more than related.STORED)."""
    section = SectionFactory(name="Contract", slug="contract")
    neighbour = ArticleFactory(
        headline="zzneighbourzz contract story",
        section=section,
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    neighbour.tags.add(TAG)
    for n in range(related.STORED + 1):
        tomorrow = ArticleFactory(
            headline=f"Scheduled for tomorrow {n}",
            section=section,
            status=State.SCHEDULED,
            published_at=now + timedelta(days=1),
        )
        tomorrow.tags.add(TAG)
    anchor = ArticleFactory(
        headline="Anchor with related stories",
        section=section,
        status=State.PUBLISHED,
        published_at=now - timedelta(hours=2),
    )
    anchor.tags.add(TAG)
    assert is_public(neighbour.status, neighbour.published_at, now)

    page = _text(client, anchor.get_absolute_url())

    assert neighbour.get_absolute_url() in page

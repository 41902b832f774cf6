"""Every public page has a meta description (what search engines show under its
link), and every page search engines should index names its own address as
canonical: each page of a list its own, page 2 included."""

import datetime as dt
import html
import re

import pytest

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    gallery_with,
)
from workflow.states import State

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def description(response) -> str:
    found = re.findall(
        r'<meta name="description" content="([^"]*)">', response.content.decode()
    )
    assert len(found) == 1, found
    assert found[0].strip(), "an empty description"
    return html.unescape(found[0])


def canonical(response) -> str | None:
    found = re.findall(
        r'<link rel="canonical" href="([^"]*)">', response.content.decode()
    )
    assert len(found) <= 1, found
    return html.unescape(found[0]) if found else None


@pytest.fixture
def site(settings, now):
    """21 stories (a page and one more) in one section, by one author, on one
    tag, so every list has a page 2."""
    settings.SITE_NAME = "Orbit Daily"
    settings.SITE_DESCRIPTION = "Space news from Orbit Daily, written by people."
    section = SectionFactory(name="Launches", slug="launches", description="")
    author = AuthorFactory(name="Ada Vance", short_bio="", job_title="Reporter")
    stories = []
    for n in range(21):
        story = ArticleFactory(
            published=True,
            published_at=now - dt.timedelta(hours=n + 1),
            section=section,
            authors=[author],
            dek=f"Standfirst number {n}.",
        )
        story.tags.add("Falcon 9")
        stories.append(story)
    return {"section": section, "author": author, "stories": stories}


def test_front_page(client, site):
    response = client.get("/")
    assert description(response) == "Space news from Orbit Daily, written by people."
    assert canonical(response) == f"{BASE}/"


def test_story_page_describes_itself_with_its_dek(client, site):
    story = site["stories"][0]
    response = client.get(story.get_absolute_url())
    assert description(response) == "Standfirst number 0."
    assert canonical(response) == f"{BASE}{story.get_absolute_url()}"


def test_story_seo_description_wins_over_the_dek(client, site):
    story = site["stories"][0]
    story.seo_description = "Written for search results."
    story.save()
    response = client.get(story.get_absolute_url())
    assert description(response) == "Written for search results."


@pytest.mark.parametrize(
    "path,first_page",
    [
        ("/latest/", "Every story from Orbit Daily, newest first."),
        ("/section/launches/", "The latest Launches stories from Orbit Daily."),
        ("/tag/falcon-9/", "Stories about Falcon 9 from Orbit Daily, newest first."),
        ("/authors/ada-vance/", "Stories by Ada Vance, Reporter, for Orbit Daily."),
    ],
)
def test_lists_and_their_second_pages(client, site, path, first_page):
    response = client.get(path)
    assert description(response) == first_page
    assert canonical(response) == f"{BASE}{path}"

    second = client.get(f"{path}?page=2")
    assert "Page 2 of 2" in second.content.decode()
    assert description(second) == f"{first_page} Page 2."
    assert canonical(second) == f"{BASE}{path}?page=2"

    # Other query strings are not part of the address; an out-of-range page
    # shows (and is canonically) the last one, a malformed one the first.
    assert canonical(client.get(f"{path}?utm_source=x")) == f"{BASE}{path}"
    assert canonical(client.get(f"{path}?page=99")) == f"{BASE}{path}?page=2"
    assert canonical(client.get(f"{path}?page=x")) == f"{BASE}{path}"


def test_section_and_author_use_their_own_words(client, site):
    site["section"].description = "Rockets, pads and what flies from them."
    site["section"].save()
    site["author"].short_bio = "Ada covers launches from the Cape."
    site["author"].save()
    assert (
        description(client.get("/section/launches/"))
        == "Rockets, pads and what flies from them."
    )
    assert (
        description(client.get("/authors/ada-vance/?page=2"))
        == "Ada covers launches from the Cape. Page 2."
    )


def test_author_list(client, site):
    response = client.get("/authors/")
    assert description(response).startswith("Who writes Orbit Daily:")
    assert canonical(response) == f"{BASE}/authors/"


def test_search_pages_are_described_but_not_indexed(client, site):
    empty = client.get("/search/")
    assert description(empty) == "Search every story Orbit Daily has published."
    results = client.get("/search/", {"q": 'falcon "9'})
    assert description(results) == 'Stories from Orbit Daily matching “falcon "9”.'
    for response in (empty, results):
        # A search page is noindex: it names no canonical address to index.
        assert '<meta name="robots" content="noindex, follow">' in (
            response.content.decode()
        )
        assert canonical(response) is None


def test_gallery(client, site, now):
    gallery = gallery_with(1, status=State.PUBLISHED, published_at=now)
    response = client.get(gallery.get_absolute_url())
    assert description(response) == f"{gallery.title}: a gallery from Orbit Daily."
    assert canonical(response) == f"{BASE}{gallery.get_absolute_url()}"
    described = gallery_with(
        1,
        status=State.PUBLISHED,
        published_at=now,
        description="The landing, seen from the rover.",
    )
    response = client.get(described.get_absolute_url())
    assert description(response) == "The landing, seen from the rover."


def test_not_found_page_still_has_a_description(client, site):
    response = client.get("/stories/no-such-story/")
    assert response.status_code == 404
    assert description(response) == "Space news from Orbit Daily, written by people."
    assert canonical(response) is None

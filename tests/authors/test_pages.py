import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ArticleFactory, AuthorFactory, BookFactory, ImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mike():
    author = AuthorFactory(
        name="Mike Wall",
        job_title="Senior Space Writer",
        headshot=ImageFactory(alt_text="Mike Wall, smiling, in a blue shirt."),
        bio="First paragraph about exoplanets.\n\nBefore writing, he studied reptiles.",
        short_bio="Mike covers exoplanets and spaceflight.",
        beats="exoplanets, spaceflight, military space",
        year_joined=2010,
        education="Ph.D., University of Sydney\nB.S., University of Arizona",
        x_handle="michaeldwall",
        website="https://example.com/mike",
        tips_email="tips@example.com",
    )
    BookFactory(
        author=author,
        title="Out There",
        publisher="Grand Central Publishing",
        year=2018,
        note="illustrated by Karl Tate",
        published_on=dt.date(2018, 11, 13),
    )
    return author


def test_author_page_shows_the_profile(client, mike):
    response = client.get("/authors/mike-wall/")
    assert response.status_code == 200
    assertContains(response, "<h1>Mike Wall</h1>")
    assertContains(response, "Senior Space Writer")
    assertContains(response, 'alt="Mike Wall, smiling, in a blue shirt."')
    assertContains(response, "<p>First paragraph about exoplanets.</p>")
    assertContains(response, "<p>Before writing, he studied reptiles.</p>")
    assertContains(response, "Joined in 2010")
    assertContains(response, "<li>military space</li>")
    assertContains(response, "<li>Ph.D., University of Sydney</li>")
    assertContains(
        response,
        "<cite>Out There</cite> (Grand Central Publishing, 2018; "
        "illustrated by Karl Tate), published",
    )
    assertContains(response, "November 13, 2018")
    assertContains(response, 'href="https://x.com/michaeldwall"')
    assertContains(response, 'href="mailto:tips@example.com"')


def test_author_page_lists_only_published_stories(client, mike):
    ArticleFactory(headline="Live story", published=True, authors=[mike])
    ArticleFactory(headline="Draft story", authors=[mike])
    ArticleFactory(headline="Someone else's story", published=True)
    response = client.get(mike.get_absolute_url())
    assertContains(response, "Live story")
    assertNotContains(response, "Draft story")
    assertNotContains(response, "Someone else")


def test_author_page_query_budget(client, mike, django_assert_max_num_queries):
    for _ in range(12):
        ArticleFactory(
            published=True, hero_image=ImageFactory(), authors=[mike, AuthorFactory()]
        )
    with django_assert_max_num_queries(7):
        assert client.get(mike.get_absolute_url()).status_code == 200


def test_unknown_author_is_404(client):
    assert client.get("/authors/nobody/").status_code == 404


def test_author_slug_made_from_name_and_unique():
    assert AuthorFactory(name="Mike Wall").slug == "mike-wall"
    assert AuthorFactory(name="Mike Wall").slug == "mike-wall-2"


def test_x_handle_unique_ignoring_case():
    AuthorFactory(x_handle="michaeldwall")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorFactory(x_handle="MichaelDWall")


def test_year_joined_checked_in_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorFactory(year_joined=1066)


def test_unicode_author_slug_works_everywhere(client):
    author = AuthorFactory(name="Émilie Durand")
    assert author.slug == "émilie-durand"
    story = ArticleFactory(published=True, authors=[author])
    assert client.get(author.get_absolute_url()).status_code == 200
    assert client.get(story.get_absolute_url()).status_code == 200

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def story(hours_ago, **kwargs):
    return ArticleFactory(
        status="published",
        published_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **kwargs,
    )


def lead_headline(response) -> str:
    html = response.content.decode()
    start = html.index('id="lead-headline"')
    return html[start : start + 300]


def test_newest_story_leads_without_a_featured_one(client):
    story(5, headline="Older")
    story(1, headline="Newest")
    assert "Newest" in lead_headline(client.get("/"))


def test_featured_story_leads(client):
    story(30, headline="Featured investigation", featured=True)
    story(1, headline="Newest")
    response = client.get("/")
    assert "Featured investigation" in lead_headline(response)
    assertContains(response, "Top stories")


def test_latest_by_section_after_top_stories(client):
    spaceflight = SectionFactory(name="Spaceflight", slug="spaceflight")
    for n in range(8):
        story(n, headline=f"Launch {n}", section=spaceflight)
    response = client.get("/")
    assertContains(response, '<h2 id="section-spaceflight"')
    content = response.content.decode()
    assert content.count("Launch ") == 1 + 4 + 3  # lead, top four, three more


def test_front_page_query_budget(client, django_assert_max_num_queries):
    sections = [SectionFactory() for _ in range(5)]
    for n in range(30):
        s = story(n, section=sections[n % 5], hero_image=ImageFactory())
        s.bylines.create(author=AuthorFactory())
        s.tags.add(*[f"t{i}" for i in range(10)])
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200


def test_unpublished_never_on_the_front_page(client):
    ArticleFactory(headline="Draft lead", featured=True)
    story(-1, headline="Tomorrow's lead", featured=True)  # scheduled later
    story(2, headline="Live one")
    response = client.get("/")
    assertNotContains(response, "Draft lead")
    assertNotContains(response, "Tomorrow")


def test_writer_cannot_feature_a_story(client):
    from django.contrib.auth.models import Group

    writer = UserFactory(is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))
    mine = ArticleFactory(created_by=writer)
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_change", args=[mine.pk]))
    assertNotContains(response, 'name="featured"')


def test_archive_pages(client):
    for n in range(25):
        story(n, headline=f"Archived {n:02d}")
    first = client.get(reverse("articles:latest"))
    assertContains(first, "Archived 00")
    assertNotContains(first, "Archived 24")
    assertContains(client.get(reverse("articles:latest"), {"page": 2}), "Archived 24")


def test_tag_page_lists_tagged_published_stories(client):
    tagged = story(1, headline="Mars sample news")
    tagged.tags.add("Mars 2020")
    hidden = ArticleFactory(headline="Draft on Mars")
    hidden.tags.add("Mars 2020")
    story(1, headline="Untagged")
    response = client.get(reverse("articles:tag", args=["mars-2020"]))
    assertContains(response, "<h1>Mars 2020</h1>")
    assertContains(response, "Mars sample news")
    assertNotContains(response, "Draft on Mars")
    assertNotContains(response, "Untagged")


def test_unknown_tag_is_404(client):
    assert client.get(reverse("articles:tag", args=["no-such-tag"])).status_code == 404


def test_story_tags_link_to_tag_pages(client):
    tagged = story(1)
    tagged.tags.add("Jezero Crater")
    assertContains(
        client.get(tagged.get_absolute_url()),
        '<a href="/tag/jezero-crater/" rel="tag">Jezero Crater</a>',
    )


def test_authors_index(client, django_assert_max_num_queries):
    AuthorFactory(
        name="Mike Wall", job_title="Senior Space Writer", headshot=ImageFactory()
    )
    AuthorFactory(name="Gone Writer", is_active=False)
    for _ in range(5):
        AuthorFactory(headshot=ImageFactory())
    with django_assert_max_num_queries(5):
        response = client.get(reverse("authors:list"))
    assertContains(response, "Mike Wall")
    assertContains(response, "Senior Space Writer")
    assertNotContains(response, "Gone Writer")

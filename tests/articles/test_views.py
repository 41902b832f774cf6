import datetime as dt
from datetime import timedelta

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from articles.models import Article, Status
from media_library import inline
from media_library.renditions import rendition_url
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sky_crane():
    image = ImageFactory(
        caption="Smoke rises where the descent stage hit the ground.",
        credit="NASA/JPL-Caltech",
        alt_text="A dark plume on the horizon of a rocky plain.",
    )
    author = AuthorFactory(name="Mike Wall", slug="mike-wall")
    story = ArticleFactory(
        headline="Perseverance watched its sky crane crash on Mars",
        dek="The rover's Hazcam caught the plume.",
        body="<p>The descent stage flew off and crashed on purpose.</p>",
        hero_image=image,
        authors=[author],
        status=Status.PUBLISHED,
        # 15:30 UTC is 10:30 in New York (EST) on that day.
        published_at=dt.datetime(2021, 2, 25, 15, 30, tzinfo=dt.UTC),
    )
    story.tags.add("Mars", "Perseverance")
    CorrectionFactory(article=story, text="The photo was released on Feb. 24.")
    return story


def test_story_page_shows_everything_a_reader_needs(client, sky_crane):
    response = client.get(sky_crane.get_absolute_url())
    assert response.status_code == 200
    assertContains(
        response, "<h1>Perseverance watched its sky crane crash on Mars</h1>"
    )
    assertContains(response, "The rover&#39;s Hazcam caught the plume.")
    assertContains(
        response,
        "Smoke rises where the descent stage hit the ground. "
        '<span class="credit">(Image credit: NASA/JPL-Caltech)</span>',
    )
    assertContains(response, 'alt="A dark plume on the horizon of a rocky plain."')
    assertContains(response, '<a href="/authors/mike-wall/" rel="author">Mike Wall</a>')
    assertContains(
        response, "<p>The descent stage flew off and crashed on purpose.</p>"
    )
    assertContains(response, '<a href="/tag/mars/" rel="tag">Mars</a>')
    assertContains(response, "The photo was released on Feb. 24.")


def test_story_date_in_the_newsrooms_time_zone(client, sky_crane):
    response = client.get(sky_crane.get_absolute_url())
    assertContains(response, "February 25, 2021, 10:30 AM EST")
    assertContains(response, 'datetime="2021-02-25T10:30:00-05:00"')


def test_hero_caption_override_keeps_the_credit(client, sky_crane):
    sky_crane.hero_caption = "Our own caption."
    sky_crane.save()
    response = client.get(sky_crane.get_absolute_url())
    assertContains(response, 'Our own caption. <span class="credit">(Image credit:')
    assertNotContains(response, "Smoke rises where the descent stage hit the ground.")


@pytest.mark.parametrize(
    ("status", "ahead"),
    [(Status.DRAFT, None), (Status.PUBLISHED, timedelta(minutes=1))],
    ids=["draft", "publish-time-in-future"],
)
def test_unpublished_story_is_404_and_not_listed(client, now, status, ahead):
    # The publish time is worked out here, against a stopped clock: computed in
    # the parameters, it was in the past by the time a slow run got to the test.
    story = ArticleFactory(
        headline="Secret scoop about Venus",
        status=status,
        published_at=None if ahead is None else now + ahead,
    )
    author = AuthorFactory()
    story.bylines.create(author=author)
    assert client.get(story.get_absolute_url()).status_code == 404
    for url in (
        reverse("home"),
        story.section.get_absolute_url(),
        author.get_absolute_url(),
    ):
        assertNotContains(client.get(url), "Secret scoop about Venus")


def test_unicode_slug_story_page(client):
    story = ArticleFactory(headline="Ça décolle à Kourou", published=True)
    assert client.get(story.get_absolute_url()).status_code == 200


def test_home_lists_latest_published_stories(client, sky_crane):
    older = ArticleFactory(
        headline="Older story",
        published=True,
        published_at=sky_crane.published_at - timedelta(days=1),
    )
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert content.index(sky_crane.headline) < content.index(older.headline)
    assertContains(response, "The rover&#39;s Hazcam caught the plume.")
    assertContains(response, "By Mike Wall")
    assertContains(response, "Feb. 25, 2021")
    # The lead story's hero rendition, not the full-size original.
    assertContains(response, rendition_url(sky_crane.hero_image, "hero", 800, "jpeg"))


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1" * 400, "%00"])
def test_malformed_page_numbers_are_not_errors(client, sky_crane, page):
    assert client.get(reverse("home"), {"page": page}).status_code == 200


def test_section_page_lists_only_its_stories(client):
    spaceflight = SectionFactory(name="Spaceflight", slug="spaceflight")
    inside = ArticleFactory(
        headline="Inside story", section=spaceflight, published=True
    )
    ArticleFactory(headline="Elsewhere story", published=True)
    response = client.get(spaceflight.get_absolute_url())
    assertContains(response, inside.headline)
    assertNotContains(response, "Elsewhere story")


def test_unknown_story_gets_the_sites_404_page(client):
    response = client.get("/stories/no-such-story/")
    assert response.status_code == 404
    assertContains(response, "We couldn't find that page", status_code=404)


def _heavy_story(n_authors=5, n_tags=20, n_corrections=3, n_inline=10):
    authors = [AuthorFactory(headshot=ImageFactory()) for _ in range(n_authors)]
    figures = "".join(
        f"<p>Paragraph {i}.</p>{inline.placeholder(ImageFactory().pk)}"
        for i in range(n_inline)
    )
    story = ArticleFactory(
        published=True, hero_image=ImageFactory(), authors=authors, body=figures
    )
    story.tags.add(*[f"tag {i}" for i in range(n_tags)])
    for _ in range(n_corrections):
        CorrectionFactory(article=story)
    related = ArticleFactory(published=True, authors=authors[:2])
    story.related.add(related)
    return story


def test_story_page_query_budget_does_not_grow(client, django_assert_max_num_queries):
    small = _heavy_story(n_authors=1, n_tags=1, n_corrections=1, n_inline=1)
    big = _heavy_story()
    for story, n_inline in ((small, 1), (big, 10)):
        # The story, its tags, corrections, pictures in the text, its related
        # stories, all their bylines, the sections for the menu, the page
        # cache's look for the next scheduled gallery, and the space entities
        # its JSON-LD names (space.structured_data.story_entities: one UNION
        # ALL over the link tables, however many kinds and links).
        with django_assert_max_num_queries(9):
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        # The ten inline pictures are drawn, each with its credit, not skipped.
        page = response.content.decode()
        body = page.split('class="story-body"')[1].split("</div>")[0]
        assert body.count("<picture>") == n_inline
        assert body.count("(Image credit: NASA/JPL-Caltech)") == n_inline


def test_list_pages_query_budget_does_not_grow(client, django_assert_max_num_queries):
    section = SectionFactory()
    for _ in range(15):
        ArticleFactory(
            section=section,
            published=True,
            hero_image=ImageFactory(),
            authors=[AuthorFactory(), AuthorFactory()],
        )
    for url in (reverse("home"), section.get_absolute_url()):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


def test_related_falls_back_to_stories_sharing_tags(client):
    story = ArticleFactory(published=True)
    story.tags.add("Mars", "Perseverance", "NASA")
    close = ArticleFactory(headline="Shares two tags", published=True)
    close.tags.add("Mars", "Perseverance")
    loose = ArticleFactory(headline="Shares one tag", published=True)
    loose.tags.add("NASA")
    draft = ArticleFactory(headline="Draft sharing tags")
    draft.tags.add("Mars", "Perseverance", "NASA")
    ArticleFactory(headline="Shares nothing", published=True)
    content = client.get(story.get_absolute_url()).content.decode()
    related = content[content.index('id="related-heading"') :]
    assert related.index("Shares two tags") < related.index("Shares one tag")
    assert "Draft sharing tags" not in related
    assert "Shares nothing" not in related


def test_editors_picks_win_over_tags(client):
    story = ArticleFactory(published=True)
    story.tags.add("Mars")
    pick = ArticleFactory(headline="Editors pick", published=True)
    story.related.add(pick)
    other = ArticleFactory(headline="Tag neighbour", published=True)
    other.tags.add("Mars")
    response = client.get(story.get_absolute_url())
    assertContains(response, "Editors pick")
    assertNotContains(response, "Tag neighbour")


def test_share_links_without_third_party_scripts(client, sky_crane):
    response = client.get(sky_crane.get_absolute_url())
    assertContains(response, "https://x.com/intent/post?url=http%3A%2F%2Ftestserver")
    assertContains(response, 'href="mailto:?subject=Perseverance')
    assert b"<script src=" not in response.content


def test_story_page_budget_with_related_by_tags(client, django_assert_max_num_queries):
    story = _heavy_story()
    story.related.clear()
    for _ in range(6):
        neighbour = ArticleFactory(
            published=True, hero_image=ImageFactory(), authors=[AuthorFactory()]
        )
        neighbour.tags.add("tag 1", "tag 2")
    # As many as with editors' picks: both are kept on the story.
    with django_assert_max_num_queries(9):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_topics_in_the_order_they_were_given(client):
    story = ArticleFactory(published=True)
    for name in ("Perseverance", "Mars", "Artemis"):
        story.tags.add(name)
    page = client.get(story.get_absolute_url()).content.decode()
    topics = page[page.index('id="tags-heading"') :]
    assert topics.index("Perseverance") < topics.index("Mars") < topics.index("Artemis")
    assert Article.objects.get(pk=story.pk).tag_list() == list(
        Tag.objects.filter(name__in=["Perseverance", "Mars", "Artemis"]).order_by("id")
    )

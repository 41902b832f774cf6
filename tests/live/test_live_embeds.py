"""Embeds in live entries: an entry's embed is drawn as a story's is (a card,
nothing from the provider), in the page and in the updates readers' scripts
insert; and a page still polling allows the providers' frames in its CSP
before its first embed arrives, since the policy it loaded with is the one
that frame gets (the browser side: tests/browser/test_live_browser.py)."""

import pytest
from django.urls import reverse

from articles import embeds
from live import services
from tests.articles.test_embeds import frame_src

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=4czjS9h4Fpg"
FRAME = "https://www.youtube-nocookie.com/embed/4czjS9h4Fpg"


def autoplay(response) -> str:
    policy = response["Permissions-Policy"]
    return next(part for part in policy.split(", ") if part.startswith("autoplay="))


def test_an_entrys_embed_is_a_card_in_the_page_and_in_the_updates(client, post):
    entry = post("Watch", embed=VIDEO)
    page = client.get(entry.article.get_absolute_url()).content.decode()
    assert f'data-embed-frame="{FRAME}"' in page
    assert "<iframe" not in page
    url = reverse("live:updates", kwargs={"slug": entry.article.slug})
    (arrived,) = client.get(url).json()["entries"]
    assert f'data-embed-frame="{FRAME}"' in arrived["html"]
    assert '<button type="button" class="embed-load" hidden>' in arrived["html"]
    assert "<iframe" not in arrived["html"]


def test_a_polling_page_allows_every_providers_frame_before_any_embed(
    client, live_story
):
    response = client.get(live_story.get_absolute_url())
    assert b'figure class="embed' not in response.content
    assert frame_src(response) == embeds.frame_origins()
    assert autoplay(response) == (
        'autoplay=("https://player.vimeo.com" "https://www.youtube-nocookie.com")'
    )
    # The same from the page cache.
    again = client.get(live_story.get_absolute_url())
    assert frame_src(again) == frame_src(response)
    assert autoplay(again) == autoplay(response)


def test_a_page_that_no_longer_polls_allows_only_the_frames_it_shows(
    client, editor, live_story, post, committed
):
    committed(services.end_coverage, live_story, by=editor)
    response = client.get(live_story.get_absolute_url())
    assert frame_src(response) is None
    assert autoplay(response) == "autoplay=()"
    post("Replay", embed=VIDEO)
    response = client.get(live_story.get_absolute_url())
    assert frame_src(response) == ["https://www.youtube-nocookie.com"]


def test_an_embedded_story_of_ours_leaves_the_page_updates_and_feed_with_it(
    client, post, committed
):
    from tests.factories import ArticleFactory
    from workflow.states import State

    ours = ArticleFactory(headline="The preview we ran", published=True)
    entry = post("Read our preview", embed=f"story:{ours.pk}")
    story = entry.article
    addresses = [
        story.get_absolute_url(),
        reverse("live:updates", kwargs={"slug": story.slug}),
        reverse("live:feed_atom", kwargs={"slug": story.slug}),
    ]
    for address in addresses:  # drawn, and stored in the page cache
        assert "The preview we ran" in client.get(address).content.decode()
    ours.status = State.UNPUBLISHED
    committed(ours.save)
    for address in addresses:
        assert "The preview we ran" not in client.get(address).content.decode()


def test_entries_embedding_our_stories_cost_one_lookup_however_many(
    client, post, django_assert_max_num_queries
):
    """The page, the updates and the feed look up every story of ours the
    entries embed at once (`embeds.items_for`), not one query an entry."""
    from django.core.cache import cache

    from tests.factories import ArticleFactory

    def embedding(n):
        ours = ArticleFactory(headline=f"Our preview {n}", published=True)
        return post(f"Read preview {n}", embed=f"story:{ours.pk}").article

    story = embedding(0)
    addresses = [
        story.get_absolute_url(),
        reverse("live:updates", kwargs={"slug": story.slug}),
        reverse("live:feed_atom", kwargs={"slug": story.slug}),
    ]
    counts = []
    for address in addresses:
        cache.clear()
        with django_assert_max_num_queries(20) as one:
            assert "Our preview 0" in client.get(address).content.decode()
        counts.append(len(one.captured_queries))
    for n in range(1, 6):
        embedding(n)
    for address, count in zip(addresses, counts, strict=True):
        cache.clear()
        with django_assert_max_num_queries(count):
            assert "Our preview 5" in client.get(address).content.decode()

"""A live story's entries as an Atom feed: newest first (pinned entries are not
put first), only what readers see, corrections shown, the public rule (404),
linked from the page, cached and purged like the updates, and a query count
that does not grow with the entries."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains

from live import services
from tests.factories import ImageFactory
from workflow.states import State

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
VIDEO = "https://www.youtube.com/watch?v=4czjS9h4Fpg"


def feed_url(story) -> str:
    return reverse("live:feed_atom", kwargs={"slug": story.slug})


def read(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own feed)


def entries(feed: ET.Element) -> list[dict]:
    return [
        {
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "updated": e.findtext(f"{ATOM}updated"),
            "published": e.findtext(f"{ATOM}published"),
            "content": e.findtext(f"{ATOM}content") or "",
        }
        for e in feed.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def ticking(monkeypatch):
    """A clock that moves a minute at each entry posted, so their order by
    time is certain however fast the test runs."""
    from django.utils import timezone

    start = timezone.now().replace(microsecond=0)
    moments = iter(start + dt.timedelta(minutes=n) for n in range(1000))
    current = [start]

    def now():
        return current[0]

    def tick():
        current[0] = next(moments)

    monkeypatch.setattr(timezone, "now", now)
    return tick


def test_the_feed_lists_the_shown_entries_newest_first(
    client, settings, ticking, writer, editor, post, committed
):
    settings.LIVE_ENTRIES_NEED_APPROVAL = True
    ticking()
    first = post("Crew at the pad.")
    ticking()
    pinned = post("Launch window opens at 6:24 p.m.")
    committed(services.pin_entry, pinned, by=editor)
    ticking()
    deleted = post("Posted by mistake")
    committed(services.delete_entry, deleted, by=editor)
    ticking()
    post("A writer's entry, waiting", by=writer)
    ticking()
    latest = post("Tanking is done.")
    story = first.article

    feed = read(client.get(feed_url(story)))
    assert feed.findtext(f"{ATOM}title") == (
        f"{settings.SITE_NAME}: {story.headline} (live updates)"
    )
    found = entries(feed)
    # Newest first; the pinned entry where its time puts it.
    assert [e["title"] for e in found] == [
        "Tanking is done.",
        "Launch window opens at 6:24 p.m.",
        "Crew at the pad.",
    ]
    assert found[0]["link"] == (f"http://testserver{latest.get_absolute_url()}")


def test_a_correction_shows_its_note_and_dates_the_entry(
    client, ticking, editor, post, committed
):
    ticking()
    entry = post("Crew boards Orion.")
    ticking()
    committed(
        services.correct_entry,
        entry,
        by=editor,
        text="Crew aboard Orion.",
        note="They had already boarded.",
    )
    (found,) = entries(read(client.get(feed_url(entry.article))))
    assert found["title"] == "Crew aboard Orion."
    assert "<strong>Corrected</strong>" in found["content"]
    assert "They had already boarded." in found["content"]
    assert found["updated"] > found["published"]


def test_a_picture_and_an_embed_are_plain_html_with_absolute_addresses(client, post):
    picture = ImageFactory(title="Rollout", alt_text="The rocket rolls out.")
    entry = post("Rollout", image=picture, embed=VIDEO)
    (found,) = entries(read(client.get(feed_url(entry.article))))
    content = found["content"]
    assert '<img src="http://testserver/images/' in content
    assert 'alt="The rocket rolls out."' in content
    assert "(Image credit: NASA/JPL-Caltech)" in content
    assert f'<a href="{VIDEO}"' in content  # a link, not the player
    assert "iframe" not in content and "data-embed" not in content


def test_a_picture_only_entry_is_titled_by_the_story(client, post):
    entry = post("", image=ImageFactory())
    (found,) = entries(read(client.get(feed_url(entry.article))))
    assert found["title"] == entry.article.headline


@pytest.mark.parametrize(
    "state", [State.DRAFT, State.IN_REVIEW, State.SCHEDULED, State.UNPUBLISHED]
)
def test_a_story_readers_cannot_see_has_no_feed(client, post, state, now):
    story = post("Secret").article
    story.status = state
    if state == State.SCHEDULED:
        story.published_at = now + dt.timedelta(hours=1)
    story.save()
    response = client.get(feed_url(story))
    assert response.status_code == 404
    assert b"Secret" not in response.content


def test_a_story_that_is_not_live_has_no_feed(client, live_story):
    live_story.is_live = False
    live_story.save(update_fields=["is_live"])
    assert client.get(feed_url(live_story)).status_code == 404


def test_the_live_page_links_its_feed_in_its_head(client, settings, live_story):
    response = client.get(live_story.get_absolute_url())
    head = response.content.decode().split("</head>")[0]
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="'
        f'{settings.SITE_NAME}: {live_story.headline} (live updates)" '
        f'href="{feed_url(live_story)}">'
    ) in head


def test_a_preview_does_not_link_the_feed(client, editor, live_story):
    from workflow.services import transition

    transition(live_story, "unpublish", by=editor, comment="Hold")
    client.force_login(editor)
    url = reverse("admin:articles_article_preview", args=[live_story.pk])
    response = client.get(url)
    assertContains(response, "Latest updates")
    assert "(live updates)" not in response.content.decode()


def test_the_feed_is_cached_and_purged_like_the_updates(
    client, editor, post, committed, django_assert_num_queries
):
    entry = post("First")
    story = entry.article
    url = feed_url(story)
    cache.clear()
    etag = client.get(url)["ETag"]
    assert "Last-Modified" not in client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    for change, says in (
        (lambda: post("Second"), "Second"),
        (
            lambda: services.correct_entry(entry, by=editor, text="1st", note="A"),
            "1st",
        ),
    ):
        committed(change)
        assertContains(client.get(url), says)
    committed(services.delete_entry, entry, by=editor)
    assert "1st" not in client.get(url).content.decode()
    story.status = State.UNPUBLISHED
    committed(story.save)
    assert client.get(url).status_code == 404


def test_the_feeds_query_count_does_not_grow_with_entries(
    client, post, django_assert_num_queries
):
    story = post("One", image=ImageFactory(), embed=VIDEO).article
    cache.clear()
    # The story, the entries with their pictures, the next scheduled story.
    with django_assert_num_queries(3):
        assert len(entries(read(client.get(feed_url(story))))) == 1
    for n in range(12):
        post(f"Entry {n}", image=ImageFactory(), embed=VIDEO)
    cache.clear()
    with django_assert_num_queries(3):
        assert len(entries(read(client.get(feed_url(story))))) == 13


def test_a_feed_reader_reads_it_without_complaint(client, settings, ticking, post):
    import feedparser

    ticking()
    first = post("Crew at the pad.", image=ImageFactory())
    ticking()
    post("", embed=VIDEO)
    parsed = feedparser.parse(client.get(feed_url(first.article)).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.link == f"http://testserver{first.article.get_absolute_url()}"
    assert [e.title for e in parsed.entries] == [
        first.article.headline,
        "Crew at the pad.",
    ]
    assert parsed.entries[1].link == f"http://testserver{first.get_absolute_url()}"
    assert parsed.entries[1].id == parsed.entries[1].link
    assert parsed.feed.author == settings.SITE_NAME  # Atom: the entries' too

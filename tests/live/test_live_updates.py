"""The updates readers' pages poll: the public rule, the cursor, ETag and 304,
the page cache (purged by every entry change), bad input, SQL budgets; and the
LiveBlogPosting JSON-LD."""

import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains

from live import services
from tests.articles.test_structured_data import SCHEMA, check_schema, jsonld
from workflow.states import State

pytestmark = pytest.mark.django_db

# schema.org: LiveBlogPosting is a BlogPosting (an Article), with its own three.
BLOG_POSTING = SCHEMA["NewsArticle"] | {"articleBody"}
LIVE_SCHEMA = {
    **SCHEMA,
    "LiveBlogPosting": BLOG_POSTING
    | {"coverageStartTime", "coverageEndTime", "liveBlogUpdate"},
    "BlogPosting": BLOG_POSTING,
}


def updates(story, since=None) -> str:
    url = reverse("live:updates", kwargs={"slug": story.slug})
    return url if since is None else f"{url}?since={since}"


def test_updates_give_the_entries_shown_and_a_cursor(client, post):
    first = post("First")
    second = post("Second")
    response = client.get(updates(first.article))
    assert response.status_code == 200
    data = response.json()
    assert data["cursor"] == 2
    assert [e["id"] for e in data["entries"]] == [second.pk, first.pk]
    assert "Second" in data["entries"][0]["html"]
    assert 'id="entry-' in data["entries"][0]["html"]
    assert "max-age=5" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_since_gives_only_what_changed_and_what_went(client, editor, post, committed):
    first = post("First")
    second = post("Second")
    committed(services.delete_entry, first, by=editor)
    data = client.get(updates(first.article, since=2)).json()
    assert data == {"cursor": 3, "ended": False, "entries": [], "gone": [first.pk]}
    data = client.get(updates(first.article, since=3)).json()
    assert data == {"cursor": 3, "ended": False, "entries": [], "gone": []}
    committed(services.pin_entry, second, by=editor)
    data = client.get(updates(first.article, since=3)).json()
    assert [e["id"] for e in data["entries"]] == [second.pk]
    assert data["entries"][0]["pinned"] is True


def test_a_waiting_entry_reaches_readers_once_approved(
    client, settings, writer, editor, post, committed
):
    settings.LIVE_ENTRIES_NEED_APPROVAL = True
    waiting = post("Hold hold hold", by=writer)
    data = client.get(updates(waiting.article, since=0)).json()
    assert data["entries"] == [] and data["cursor"] == 1
    committed(services.approve_entry, waiting, by=editor)
    data = client.get(updates(waiting.article, since=1)).json()
    assert [e["id"] for e in data["entries"]] == [waiting.pk]


@pytest.mark.parametrize("since", ["-1", "abc", "1.5", "9" * 19, "", "%00"])
def test_a_bad_cursor_is_a_400(client, post, since):
    entry = post()
    url = reverse("live:updates", kwargs={"slug": entry.article.slug})
    assert client.get(f"{url}?since={since}").status_code == 400


@pytest.mark.parametrize(
    "state", [State.DRAFT, State.IN_REVIEW, State.SCHEDULED, State.UNPUBLISHED]
)
def test_a_story_readers_cannot_see_has_no_updates(client, post, state, now):
    import datetime as dt

    entry = post("Secret")
    story = entry.article
    story.status = state
    if state == State.SCHEDULED:
        story.published_at = now + dt.timedelta(hours=1)
    story.save()
    assert client.get(updates(story)).status_code == 404
    assert client.get(updates(story, since=0)).status_code == 404


def test_a_story_that_is_not_live_has_no_updates(client, live_story):
    live_story.is_live = False
    live_story.save(update_fields=["is_live"])
    assert client.get(updates(live_story)).status_code == 404


def test_unchanged_updates_are_a_304_and_a_new_entry_changes_the_etag(client, post):
    story = post("First").article
    url = updates(story, since=1)
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    post("Second")
    fresh = client.get(url, headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert [e["html"] for e in fresh.json()["entries"]][0].count("Second") == 1


def test_updates_come_from_the_page_cache_and_each_change_purges_them(
    client, editor, post, committed, django_assert_num_queries
):
    entry = post("First")
    url = updates(entry.article, since=0)
    cache.clear()
    with django_assert_num_queries(3):  # story, entries, next scheduled story
        client.get(url)
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit.json()["cursor"] == 1
    assert "max-age=5" in hit["Cache-Control"]  # a hit keeps the short max-age
    for change in (
        lambda: post("Second"),
        lambda: services.pin_entry(entry, by=editor),
        lambda: services.correct_entry(entry, by=editor, text="1st", note="n"),
        lambda: services.delete_entry(entry, by=editor),
    ):
        before = client.get(url).json()["cursor"]
        committed(change)
        assert client.get(url).json()["cursor"] == before + 1


def test_the_story_page_is_purged_by_an_entry(client, post):
    entry = post("First")
    url = entry.article.get_absolute_url()
    assertContains(client.get(url), "First")
    post("A brand new entry")
    assertContains(client.get(url), "A brand new entry")


def test_unpublishing_takes_the_cached_updates_away(client, post, committed):
    entry = post("First")
    url = updates(entry.article)
    assert client.get(url).status_code == 200
    story = entry.article
    story.status = State.UNPUBLISHED
    committed(story.save)
    assert client.get(url).status_code == 404


def test_the_updates_query_count_does_not_grow_with_entries(
    client, post, django_assert_num_queries
):
    for n in range(15):
        post(f"Entry {n}")
    url = updates(post("Last").article)
    with django_assert_num_queries(3):
        assert len(client.get(url).json()["entries"]) == 16


# --- JSON-LD --------------------------------------------------------------------


def test_a_live_story_is_a_live_blog_posting(client, editor, post, monkeypatch):
    from tests.articles import test_structured_data

    first = post("Liftoff of Artemis II")
    services.correct_entry(first, by=editor, text="Liftoff!", note="Shorter")
    second = post("Max Q")
    monkeypatch.setattr(test_structured_data, "SCHEMA", LIVE_SCHEMA)
    data = jsonld(client.get(first.article.get_absolute_url()))
    check_schema(data)
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"]
    assert "coverageEndTime" not in data
    updates_ = data["liveBlogUpdate"]
    assert [u["@type"] for u in updates_] == ["BlogPosting", "BlogPosting"]
    assert updates_[0]["url"].endswith(f"#entry-{second.pk}")
    assert updates_[0]["articleBody"] == "Max Q"
    assert updates_[1]["articleBody"] == "Liftoff!"
    assert updates_[1]["correction"]["text"] == "Shorter"
    assert data["dateModified"] == max(u["dateModified"] for u in updates_)


def test_ended_coverage_has_an_end_time(client, editor, post, monkeypatch):
    from tests.articles import test_structured_data

    story = post().article
    services.end_coverage(story, by=editor)
    monkeypatch.setattr(test_structured_data, "SCHEMA", LIVE_SCHEMA)
    data = jsonld(client.get(story.get_absolute_url()))
    check_schema(data)
    assert data["coverageEndTime"]


def test_jsonld_of_an_entry_cannot_break_out_of_its_script(client, editor, post):
    entry = post("Liftoff")
    note = "</script><script>alert(1)</script>"
    services.correct_entry(entry, by=editor, text="Liftoff!", note=note)
    html = client.get(entry.article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    data = json.loads(script.group(1))
    assert data["liveBlogUpdate"][0]["correction"]["text"] == note

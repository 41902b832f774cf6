"""Live entries: who may post, approve, pin, correct and delete (each allowed
action paired with a refused one that changes nothing), the approval setting,
and what readers see on the story page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from live import services
from live.models import EntryStatus, LiveEntry
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


def snapshot(story) -> list:
    return list(
        LiveEntry.objects.filter(article=story)
        .order_by("pk")
        .values_list(
            "pk", "text", "status", "pinned", "correction", "deleted_at", "revision"
        )
    )


def desk(story) -> str:
    return reverse("admin:live_desk", args=[story.pk])


# --- The services -----------------------------------------------------------------


def test_the_story_writer_posts_and_a_stranger_may_not(
    writer, other_writer, live_story
):
    entry = services.post_entry(live_story, by=writer, text="T-minus 10 minutes")
    assert entry.is_shown and entry.revision == 1
    assert entry.text == "<p>T-minus 10 minutes</p>"
    before = snapshot(live_story)
    with pytest.raises(services.LivePermissionDenied):
        services.post_entry(live_story, by=other_writer, text="Not mine")
    assert snapshot(live_story) == before


def test_nobody_posts_to_a_story_that_is_not_live(editor):
    story = ArticleFactory(published=True)
    with pytest.raises(services.LivePermissionDenied):
        services.post_entry(story, by=editor, text="Hello")
    assert not LiveEntry.objects.exists()


def test_empty_and_overlong_entries_are_refused(editor, live_story):
    with pytest.raises(ValidationError):
        services.post_entry(live_story, by=editor, text="   ")
    with pytest.raises(ValidationError):
        services.post_entry(live_story, by=editor, text="x" * 5001)
    assert not LiveEntry.objects.exists()


def test_text_is_cleaned_and_paragraphed(post):
    entry = post("First line\nsecond line\n\nFuel & oxidiser loaded")
    assert entry.text == (
        "<p>First line<br>second line</p><p>Fuel &amp; oxidiser loaded</p>"
    )
    html = post('<p onclick="x()">Hi<script>alert(1)</script></p>').text
    assert html == "<p>Hi</p>"
    # An embed goes through its own checked field, never through the text.
    sneaked = post('<figure data-embed="https://evil.example/x"></figure>Hi').text
    assert "data-embed" not in sneaked
    # And a picture through the checked picture field, never a pasted placeholder.
    sneaked = post('<figure data-library-image="1"></figure>Hi').text
    assert "data-library-image" not in sneaked


def test_an_embed_is_checked_as_in_a_story(post):
    entry = post("Watch", embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert 'data-embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in entry.embed
    with pytest.raises(ValidationError):
        post("Watch", embed="https://evil.example/watch?v=dQw4w9WgXcQ")
    assert LiveEntry.objects.count() == 1


def test_writers_entries_wait_for_an_editor_when_the_setting_asks(
    settings, writer, editor, live_story
):
    settings.LIVE_ENTRIES_NEED_APPROVAL = True
    waiting = services.post_entry(live_story, by=writer, text="Scrubbed?")
    assert waiting.status == EntryStatus.PENDING and not waiting.is_shown
    by_editor = services.post_entry(live_story, by=editor, text="Go for launch")
    assert by_editor.status == EntryStatus.APPROVED

    before = snapshot(live_story)
    with pytest.raises(services.LivePermissionDenied):
        services.approve_entry(waiting, by=writer)
    assert snapshot(live_story) == before

    services.approve_entry(waiting, by=editor)
    waiting.refresh_from_db()
    assert waiting.is_shown and waiting.revision == 3


def test_without_the_setting_writers_entries_go_out_at_once(
    settings, writer, live_story
):
    settings.LIVE_ENTRIES_NEED_APPROVAL = False
    assert services.post_entry(live_story, by=writer, text="Go").is_shown


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        (services.pin_entry, {}),
        (services.correct_entry, {"text": "Liftoff at 6:24", "note": "Wrong time"}),
        (services.delete_entry, {}),
    ],
)
def test_editors_moderate_and_writers_may_not(action, kwargs, writer, editor, post):
    entry = post("Liftoff at 6:42", by=writer)
    before = snapshot(entry.article)
    with pytest.raises(services.LivePermissionDenied):
        action(entry, by=writer, **kwargs)
    assert snapshot(entry.article) == before
    action(entry, by=editor, **kwargs)
    assert snapshot(entry.article) != before
    entry.refresh_from_db()
    assert entry.revision == 2  # every change moves the cursor


def test_a_correction_needs_a_note(editor, post):
    entry = post("Liftoff at 6:42")
    before = snapshot(entry.article)
    with pytest.raises(ValidationError):
        services.correct_entry(entry, by=editor, text="Liftoff at 6:24", note=" ")
    assert snapshot(entry.article) == before


def test_only_editors_end_coverage(writer, editor, live_story):
    with pytest.raises(services.LivePermissionDenied):
        services.end_coverage(live_story, by=writer)
    live_story.refresh_from_db()
    assert live_story.coverage_end is None
    services.end_coverage(live_story, by=editor)
    live_story.refresh_from_db()
    assert live_story.coverage_end is not None


def test_shown_and_is_shown_agree(settings, writer, editor, post):
    settings.LIVE_ENTRIES_NEED_APPROVAL = True
    post("shown")
    post("waiting", by=writer)
    services.delete_entry(post("deleted"), by=editor)
    shown = set(LiveEntry.objects.shown().values_list("pk", flat=True))
    assert shown == {e.pk for e in LiveEntry.objects.all() if e.is_shown}
    assert len(shown) == 1


# --- The story page -----------------------------------------------------------------


def test_the_page_shows_entries_pinned_first_then_newest_with_corrections(
    client, settings, writer, editor, post
):
    settings.LIVE_ENTRIES_NEED_APPROVAL = True
    first = post("First entry")
    pinned = post("Pinned entry")
    services.pin_entry(pinned, by=editor)
    third = post("Third entry")
    services.correct_entry(third, by=editor, text="Third, corrected", note="Typo")
    services.delete_entry(post("Deleted entry"), by=editor)
    post("Waiting entry", by=writer)
    response = client.get(first.article.get_absolute_url())
    html = response.content.decode()
    assert html.index("Pinned entry") < html.index("Third, corrected")
    assert html.index("Third, corrected") < html.index("First entry")
    assertContains(response, "<strong>Corrected</strong>")
    assertContains(response, "Typo")
    assertNotContains(response, "Deleted entry")
    assertNotContains(response, "Waiting entry")
    assertContains(
        response, 'data-live-updates="/stories/artemis-ii-launches/live/updates/"'
    )
    assertContains(response, 'aria-live="polite"')
    assertContains(response, "live/live.js")


def test_an_entry_with_a_picture_shows_it_with_its_credit(client, post):
    entry = post("The stack at dawn", image=ImageFactory(credit="NASA/Joel Kowsky"))
    response = client.get(entry.article.get_absolute_url())
    assertContains(response, "NASA/Joel Kowsky")
    assertContains(response, f'id="entry-{entry.pk}"')


def test_an_ended_coverage_page_says_so_and_does_not_poll(client, editor, post):
    entry = post("Splashdown")
    services.end_coverage(entry.article, by=editor)
    response = client.get(entry.article.get_absolute_url())
    assertContains(response, "Live coverage ended")
    assertContains(response, "Splashdown")
    assertNotContains(response, "data-live-updates")


def test_a_story_that_is_not_live_shows_no_live_part(client):
    story = ArticleFactory(published=True)
    assertNotContains(client.get(story.get_absolute_url()), "live-entries")


def test_a_live_story_page_has_a_fixed_query_count(
    client, post, django_assert_max_num_queries
):
    from django.core.cache import cache

    for n in range(3):
        post(f"Entry {n}", image=ImageFactory())
    url = post("Last").article.get_absolute_url()
    client.get(url)
    cache.clear()
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(10):
        post(f"More {n}", image=ImageFactory())
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assertContains(client.get(url), "More 9")


# --- The desk -------------------------------------------------------------------


def test_writer_posts_from_the_desk(client, writer, live_story):
    client.force_login(writer)
    response = client.get(desk(live_story))
    assert response.status_code == 200
    response = client.post(desk(live_story), {"action": "post", "text": "Engines lit"})
    assert response.status_code == 302
    assert LiveEntry.objects.get().text == "<p>Engines lit</p>"


def test_a_stranger_is_refused_the_desk_and_nothing_is_posted(
    client, other_writer, live_story
):
    client.force_login(other_writer)
    assert client.get(desk(live_story)).status_code == 403
    response = client.post(desk(live_story), {"action": "post", "text": "Hi"})
    assert response.status_code == 403
    assert not LiveEntry.objects.exists()


def test_a_refused_post_keeps_the_text(client, writer, editor, live_story):
    services.end_coverage(live_story, by=editor)
    live_story.is_live = False
    live_story.save(update_fields=["is_live"])
    client.force_login(writer)
    response = client.post(
        desk(live_story), {"action": "post", "text": "My careful paragraph"}
    )
    assert response.status_code == 403
    assertContains(response, "My careful paragraph", status_code=403)
    assert not LiveEntry.objects.exists()


def test_an_invalid_embed_keeps_the_text(client, writer, live_story):
    client.force_login(writer)
    response = client.post(
        desk(live_story),
        {"action": "post", "text": "Watch this", "embed": "https://evil.example/v"},
    )
    assert response.status_code == 400
    assertContains(response, "Watch this", status_code=400)
    assert not LiveEntry.objects.exists()


def test_editor_pins_from_the_desk_and_a_writer_may_not(client, writer, editor, post):
    entry = post("Max Q", by=writer)
    client.force_login(writer)
    data = {"action": "pin", "entry": entry.pk}
    assert client.post(desk(entry.article), data).status_code == 403
    entry.refresh_from_db()
    assert not entry.pinned
    client.force_login(editor)
    assert client.post(desk(entry.article), data).status_code == 302
    entry.refresh_from_db()
    assert entry.pinned


@pytest.mark.parametrize("entry", ["", "abc", "99999999", "1" * 40])
def test_a_bad_entry_id_is_a_400_not_a_500(client, editor, live_story, entry):
    client.force_login(editor)
    response = client.post(desk(live_story), {"action": "delete", "entry": entry})
    assert response.status_code == 400


def test_the_desk_index_lists_live_stories(client, writer, live_story):
    client.force_login(writer)
    response = client.get(reverse("admin:live_desk_index"))
    assertContains(response, live_story.headline)


def test_the_entries_list_links_the_desk(client, editor, post):
    entry = post("Liftoff")
    client.force_login(editor)
    response = client.get(reverse("admin:live_liveentry_changelist"))
    assertContains(response, reverse("admin:live_desk_index"))
    assertContains(response, desk(entry.article))


def test_the_desk_picture_picker_finds_library_pictures(client, writer, live_story):
    ImageFactory(title="Orion on the pad")
    client.force_login(writer)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "live",
            "model_name": "liveentry",
            "field_name": "image",
            "term": "Orion",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Orion on the pad"]


def test_a_writer_posts_a_library_picture_from_the_desk(client, writer, live_story):
    picture = ImageFactory()
    client.force_login(writer)
    response = client.post(
        desk(live_story), {"action": "post", "text": "", "image": picture.pk}
    )
    assert response.status_code == 302
    assert LiveEntry.objects.get().image == picture


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the one-statement story page is PostgreSQL's; others use the ORM",
)
def test_a_live_story_is_drawn_the_same_in_one_statement(
    client, monkeypatch, settings, editor, post
):
    from tests.articles.test_story_page import both_ways

    settings.PAGE_CACHE_SECONDS = 0
    post("First", image=ImageFactory())
    pinned = post("Pinned", embed="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    services.pin_entry(pinned, by=editor)
    page = both_ways(client, monkeypatch, pinned.article)
    assert "LiveBlogPosting" in page and "Pinned" in page


def test_a_writer_lists_only_the_entries_of_their_own_stories(
    client, writer, other_writer, post
):
    post("Mine to see")
    client.force_login(other_writer)
    response = client.get(reverse("admin:live_liveentry_changelist"))
    assert response.status_code == 200
    assertNotContains(response, "Artemis II launches")
    client.force_login(writer)
    response = client.get(reverse("admin:live_liveentry_changelist"))
    assertContains(response, "Artemis II launches")

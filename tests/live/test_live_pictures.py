"""Pictures in live entries obey the rule for pictures placed in a story (alt
text, a credit, a licence that runs: media_library's picture_problems, as the
story checklist asks it): an entry is refused when posted, approved or
corrected with one that fails, the desk keeping what was typed, and a live
story whose shown entries carry one is refused publication by its checklist."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles.models import Article
from live import services
from live.models import EntryStatus, LiveEntry
from media_library.models import Image
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory
from workflow import services as workflow
from workflow.states import State

pytestmark = pytest.mark.django_db


def snapshot(story) -> list:
    return list(
        LiveEntry.objects.filter(article=story)
        .order_by("pk")
        .values_list(
            "pk", "text", "image", "status", "correction", "corrected_at", "revision"
        )
    )


def desk(story) -> str:
    return reverse("admin:live_desk", args=[story.pk])


def expired() -> Image:
    return ImageFactory(title="Old pad photo", licence_expires_on=timezone.localdate())


# What makes a picture unfit, and the words that say so.
UNFIT = {
    "no alt text": (lambda: ImageFactory(title="Pad", alt_text=""), "no alt text"),
    "no credit": (lambda: ImageFactory(title="Pad", credit=" "), "no credit"),
    "expired": (expired, "its licence expired on"),
}


def test_an_entry_with_a_fit_picture_is_posted(now, editor, live_story):
    picture = ImageFactory(licence_expires_on=timezone.localdate() + dt.timedelta(1))
    entry = services.post_entry(live_story, by=editor, text="Rollout", image=picture)
    assert entry.is_shown and entry.image == picture


@pytest.mark.parametrize("unfit", list(UNFIT))
def test_an_entry_with_an_unfit_picture_is_refused(unfit, now, editor, live_story):
    make, says = UNFIT[unfit]
    picture = make()
    with pytest.raises(ValidationError) as refused:
        services.post_entry(live_story, by=editor, text="Rollout", image=picture)
    message = " ".join(refused.value.messages)
    assert message.startswith("The entry was not posted, because its live entry's")
    assert says in message and f"#{picture.pk}" in message
    assert snapshot(live_story) == []


def test_the_desk_refuses_an_unfit_picture_and_keeps_the_text(
    client, now, writer, live_story
):
    picture = expired()
    client.force_login(writer)
    response = client.post(
        desk(live_story),
        {"action": "post", "text": "Crew walks out", "image": picture.pk},
    )
    assert response.status_code == 400
    assertContains(response, "its licence expired on", status_code=400)
    assertContains(response, "Crew walks out", status_code=400)
    assert snapshot(live_story) == []


def test_a_correction_is_refused_while_the_picture_is_unfit(
    client, now, editor, live_story
):
    picture = ImageFactory(title="Pad")
    entry = services.post_entry(live_story, by=editor, text="Fueling", image=picture)
    Image.objects.filter(pk=picture.pk).update(alt_text="")
    before = snapshot(live_story)
    client.force_login(editor)
    response = client.post(
        desk(live_story),
        {
            "action": "correct",
            "entry": entry.pk,
            "text": "Fueling is complete",
            "note": "Fueling had ended",
        },
    )
    assert response.status_code == 400
    assertContains(response, "The correction was not saved, because", status_code=400)
    # What the editor typed is in the entry's correction form again, open.
    assertContains(response, "Fueling is complete</textarea>", status_code=400)
    assertContains(response, 'value="Fueling had ended"', status_code=400)
    assertContains(response, "or take the picture out of the entry.", status_code=400)
    assert snapshot(live_story) == before

    Image.objects.filter(pk=picture.pk).update(alt_text="The rocket on the pad.")
    entry.refresh_from_db()
    services.correct_entry(entry, by=editor, text="Fueling is complete", note="Done")
    entry.refresh_from_db()
    assert entry.text == "<p>Fueling is complete</p>" and entry.corrected_at == now
    assert entry.image == picture


def test_a_correction_may_take_an_unfit_picture_out(client, now, editor, live_story):
    picture = ImageFactory(title="Pad")
    entry = services.post_entry(live_story, by=editor, text="Fueling", image=picture)
    Image.objects.filter(pk=picture.pk).update(licence_expires_on=timezone.localdate())
    client.force_login(editor)
    response = client.post(
        desk(live_story),
        {
            "action": "correct",
            "entry": entry.pk,
            "text": "Fueling",
            "note": "The picture's licence ran out",
            "drop_picture": "1",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.image is None and entry.correction == "The picture's licence ran out"
    assert entry.text == "<p>Fueling</p>"


def test_an_entry_waiting_for_approval_is_refused_once_its_picture_expired(
    settings, now, writer, editor, live_story
):
    settings.LIVE_ENTRIES_NEED_APPROVAL = True
    picture = ImageFactory(licence_expires_on=timezone.localdate() + dt.timedelta(1))
    entry = services.post_entry(live_story, by=writer, text="Tanking", image=picture)
    Image.objects.filter(pk=picture.pk).update(licence_expires_on=timezone.localdate())
    entry.image.refresh_from_db()
    before = snapshot(live_story)
    with pytest.raises(ValidationError, match="The entry was not approved, because"):
        services.approve_entry(entry, by=editor)
    assert snapshot(live_story) == before
    assert LiveEntry.objects.get(pk=entry.pk).status == EntryStatus.PENDING


# --- Publishing the live story -------------------------------------------------


def approved_live_story(writer, editor) -> Article:
    story = ArticleFactory(
        headline="Artemis III launches",
        dek="Astronauts head for the Moon's south pole.",
        status=State.APPROVED,
        created_by=writer,
    )
    story.bylines.create(author=AuthorFactory(user=writer))
    return services.start_coverage(story, by=editor)


def test_a_live_story_is_published_with_fit_pictures_in_its_entries(
    now, writer, editor
):
    story = approved_live_story(writer, editor)
    services.post_entry(story, by=editor, text="Pad", image=ImageFactory())
    line = {c.key: c for c in workflow.checklist(story)}["live_pictures"]
    assert line.passed
    workflow.transition(story, "publish", by=editor)
    story.refresh_from_db()
    assert story.status == State.PUBLISHED


def test_a_live_story_whose_entry_shows_an_unfit_picture_is_not_published(
    now, writer, editor
):
    story = approved_live_story(writer, editor)
    picture = ImageFactory(title="Pad")
    services.post_entry(story, by=editor, text="Pad", image=picture)
    Image.objects.filter(pk=picture.pk).update(credit="")
    line = {c.key: c for c in workflow.checklist(story)}["live_pictures"]
    assert [p.split("“")[0] for p in line.problems] == ["its live entry's picture "]
    before = (story.status, story.published_at)

    with pytest.raises(workflow.NotPublishable) as refused:
        workflow.transition(story, "publish", by=editor)
    assert "has no credit" in " ".join(refused.value.messages)
    story.refresh_from_db()
    assert (story.status, story.published_at) == before

    # A deleted entry is no longer shown: its picture no longer stops the story.
    services.delete_entry(LiveEntry.objects.get(article=story), by=editor)
    workflow.transition(story, "publish", by=editor)
    story.refresh_from_db()
    assert story.status == State.PUBLISHED


def test_a_story_that_is_not_live_has_no_live_line(now, writer, editor):
    story = ArticleFactory(status=State.APPROVED, created_by=writer)
    assert "live_pictures" not in {c.key for c in workflow.checklist(story)}

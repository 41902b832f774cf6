"""One publish check on every path that makes something public or changes what
is public (issue 12): publish, schedule, the scheduler, an edit of a live or
scheduled story or gallery (its inline pictures too), a restore, and pictures
added to a live gallery. A picture shown to readers needs alt text and a credit
(blank, whitespace-only or invisible counts as missing, everywhere) and a
licence that still runs. Each hole is tried: refused, and nothing changed (the
rows, and the page readers are served)."""

import datetime as dt

import lxml.html
import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article
from media_library import inline
from media_library.models import Gallery, GalleryItem
from media_library.services import (
    add_to_gallery,
    gallery_checklist,
    gallery_problems,
    is_blank,
    missing_for_publishing,
    picture_problems,
)
from tests.factories import ArticleFactory, ImageFactory, gallery_with
from workflow import services
from workflow.models import Draft, Revision, Transition
from workflow.states import State

pytestmark = pytest.mark.django_db

# Alt text or a credit a reader could not see: all of them are missing.
BLANKS = ["", "   ", "\t\n ", "\u00a0\u200b", "\u200b\ufeff"]


def day(n: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def form_of(response) -> dict:
    """What a browser would send back from the page's edit form, unchanged."""
    page = lxml.html.fromstring(response.content.decode())
    form = next(f for f in page.forms if f.get("id", "").endswith("_form"))
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def served(client, item) -> tuple[int, bytes]:
    """The page readers get now, not a cached copy of an earlier one."""
    cache.clear()
    response = client.get(item.get_absolute_url())
    return response.status_code, response.content


def rows(item) -> tuple:
    """What a refused change must leave as it was."""
    item.refresh_from_db()
    pictures = (
        list(item.items.values_list("image_id", "position"))
        if isinstance(item, Gallery)
        else [item.hero_image_id]
    )
    return (
        item.status,
        item.published_at,
        item.version,
        item.revised_at,
        str(item),
        getattr(item, "body", ""),
        pictures,
        Transition.for_item(item).count(),
        Revision.for_item(item).count(),
    )


def live_story(**kwargs) -> Article:
    return ArticleFactory(
        status=State.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(hours=1),
        **kwargs,
    )


def live_gallery(n: int = 2, **kwargs) -> Gallery:
    return gallery_with(
        n,
        status=State.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(hours=1),
        **kwargs,
    )


def figure(image) -> str:
    return inline.placeholder(image.pk)


# --- The one rule for a picture -----------------------------------------------


@pytest.mark.parametrize("blank", BLANKS)
def test_blank_alt_text_and_credit_are_missing_everywhere(blank):
    image = ImageFactory(title="Wire photo", alt_text=blank, credit=blank)
    assert is_blank(blank)
    assert missing_for_publishing(image) == ["alt text", "credit"]
    assert picture_problems(image, role="hero image") == [
        f"its hero image “Wire photo” (#{image.pk}) has no alt text or credit."
    ]
    # The story's check and the model's own list say the same.
    assert inline.problems([image], role="hero image") == picture_problems(
        image, role="hero image"
    )


def test_text_a_reader_sees_is_not_blank():
    assert not is_blank(" A rover ")
    assert not is_blank("·")
    image = ImageFactory()
    assert missing_for_publishing(image) == []
    assert picture_problems(image) == []


def test_expired_licence_is_a_problem_from_its_expiry_day(now):
    image = ImageFactory(title="Agency shot", licence_expires_on=day(0))
    assert picture_problems(image) == [
        f"its picture “Agency shot” (#{image.pk}) may not be shown: its licence "
        f"expired on {date_format(image.licence_expires_on, 'DATE_FORMAT')}."
    ]
    later = ImageFactory(title="Later shot", licence_expires_on=day(3))
    assert picture_problems(later) == []
    assert picture_problems(later, on=day(2)) == []
    [problem] = picture_problems(later, on=day(3))
    assert "may not be shown on" in problem and "its licence expires on" in problem


def test_gallery_rule_is_the_registered_one():
    from workflow import registry

    adapter = registry.adapter_for(Gallery)
    assert adapter.checklist is gallery_checklist
    empty = gallery_with(0)  # a gallery needs at least one picture
    assert adapter.problems(empty) == gallery_problems(empty) != []


# --- Publish and schedule --------------------------------------------------------


def test_gallery_with_an_expired_picture_is_not_published(client, editor, now):
    gallery = gallery_with(2, status=State.APPROVED)
    GalleryItem.objects.create(
        gallery=gallery,
        image=ImageFactory(title="Expired agency shot", licence_expires_on=day(-1)),
        position=5,
    )
    before, page = rows(gallery), served(client, gallery)
    with pytest.raises(services.NotPublishable, match="Expired agency shot"):
        services.transition(gallery, "publish", by=editor)
    assert rows(gallery) == before
    assert served(client, gallery) == page
    assert page[0] == 404


def test_gallery_with_pictures_in_licence_is_published(client, editor, now):
    gallery = gallery_with(2, status=State.APPROVED)
    GalleryItem.objects.create(
        gallery=gallery,
        image=ImageFactory(title="Agency shot", licence_expires_on=day(1)),
        position=5,
    )
    services.transition(gallery, "publish", by=editor)
    assert served(client, gallery)[0] == 200


@pytest.mark.parametrize("blank", ["   ", "\u200b"])
def test_story_whose_hero_alt_text_is_blank_is_not_published(
    client, editor, story_in, blank
):
    story = story_in(State.APPROVED, hero_image=ImageFactory(alt_text=blank))
    before = rows(story)
    with pytest.raises(services.NotPublishable, match="has no alt text"):
        services.transition(story, "publish", by=editor)
    assert rows(story) == before
    assert served(client, story)[0] == 404


def test_story_with_an_expired_inline_picture_is_not_published(
    client, editor, story_in, now
):
    expired = ImageFactory(title="Old wire photo", licence_expires_on=day(0))
    story = story_in(State.APPROVED, body=f"<p>Text.</p>{figure(expired)}")
    before = rows(story)
    with pytest.raises(services.NotPublishable, match="Old wire photo"):
        services.transition(story, "publish", by=editor)
    assert rows(story) == before


def test_scheduling_past_the_licence_is_refused(client, editor, story_in, now):
    image = ImageFactory(title="Short licence", licence_expires_on=day(2))
    story = story_in(State.APPROVED, hero_image=image)
    before = rows(story)
    at = timezone.localtime() + dt.timedelta(days=3)
    with pytest.raises(services.NotPublishable, match="its licence expires on"):
        services.transition(story, "schedule", by=editor, at=at)
    assert rows(story) == before

    services.transition(story, "schedule", by=editor, at=at - dt.timedelta(days=2))
    story.refresh_from_db()
    assert story.status == State.SCHEDULED


def test_rescheduling_past_the_licence_is_refused(editor, story_in, now):
    image = ImageFactory(title="Short licence", licence_expires_on=day(2))
    story = story_in(State.SCHEDULED, hero_image=image)
    before = rows(story)
    with pytest.raises(services.NotPublishable):
        services.transition(
            story, "reschedule", by=editor, at=timezone.now() + dt.timedelta(days=5)
        )
    assert rows(story) == before


# --- The scheduler holds what may not go out ----------------------------------


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        def set(self, when: dt.datetime):
            monkeypatch.setattr(timezone, "now", lambda: when)

    return Clock()


def test_scheduler_holds_a_story_whose_licence_expired_meanwhile(
    client, clock, editor, writer, story_in, django_capture_on_commit_callbacks
):
    start = timezone.now()
    clock.set(start)
    image = ImageFactory(title="Agency launch photo", credit="AP")
    held = story_in(State.APPROVED, hero_image=image, headline="Held story")
    fine = story_in(State.APPROVED, headline="Fine story")
    go_live = start + dt.timedelta(days=3)
    services.transition(held, "schedule", by=editor, at=go_live)
    services.transition(fine, "schedule", by=editor, at=go_live)
    # After scheduling, the agency cuts the licence short.
    image.licence_expires_on = timezone.localdate(start) + dt.timedelta(days=1)
    image.save()

    clock.set(go_live)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.publish_due()

    assert report.held == [held]
    assert report.published == [fine]
    held.refresh_from_db()
    assert held.status == State.APPROVED
    assert served(client, held)[0] == 404
    assert served(client, Article.objects.get(pk=fine.pk))[0] == 200
    step = Transition.for_item(held).latest("id")
    assert (step.action, step.by, step.from_state, step.to_state) == (
        "hold",
        None,
        State.SCHEDULED,
        State.APPROVED,
    )
    assert "Agency launch photo" in step.comment
    [message] = [m for m in mail.outbox if "Held" in m.subject]
    assert "Held story" in message.subject
    assert {editor.email, writer.email} <= set(message.to)
    assert "Agency launch photo" in message.body
    assert "its licence expired on" in message.body

    # Held is held: the next round changes nothing.
    again = services.publish_due()
    assert (again.held, again.published) == ([], [])


def test_scheduler_holds_before_the_minute_comes(client, clock, editor, story_in):
    start = timezone.now()
    clock.set(start)
    image = ImageFactory(title="Agency shot")
    story = story_in(State.APPROVED, hero_image=image)
    services.transition(story, "schedule", by=editor, at=start + dt.timedelta(days=5))
    image.licence_expires_on = timezone.localdate(start) + dt.timedelta(days=2)
    image.save()

    report = services.publish_due()  # days before its minute
    assert report.held == [story]
    story.refresh_from_db()
    assert story.status == State.APPROVED
    clock.set(start + dt.timedelta(days=5))
    assert served(client, story)[0] == 404


def test_scheduler_leaves_a_fine_story_waiting(clock, editor, story_in):
    start = timezone.now()
    clock.set(start)
    story = story_in(State.APPROVED, hero_image=ImageFactory())
    services.transition(story, "schedule", by=editor, at=start + dt.timedelta(days=1))
    report = services.publish_due()
    assert (report.held, report.published, report.failed) == ([], [], [])
    story.refresh_from_db()
    assert story.status == State.SCHEDULED


def test_scheduler_holds_a_gallery_whose_picture_lost_its_credit(client, clock, editor):
    start = timezone.now()
    clock.set(start)
    gallery = gallery_with(2, status=State.APPROVED)
    services.transition(
        gallery, "schedule", by=editor, at=start + dt.timedelta(hours=1)
    )
    picture = gallery.items.first().image
    picture.credit = "  "  # a script, not the library form, which refuses it
    picture.save()
    clock.set(start + dt.timedelta(hours=1))
    assert services.publish_due().held == [gallery]
    gallery.refresh_from_db()
    assert gallery.status == State.APPROVED
    assert served(client, gallery)[0] == 404


# --- Editing a live or scheduled item in the admin ------------------------------


def test_live_story_edit_adding_a_hero_without_alt_text_is_refused(
    client, editor, story_in
):
    story = story_in(State.PUBLISHED)
    bare = ImageFactory(title="Fresh upload", alt_text="   ")
    client.force_login(editor)
    data = form_of(client.get(change_url(story)))
    before, page = rows(story), served(client, story)

    response = client.post(
        change_url(story),
        {**data, "hero_image": [str(bare.pk)], "dek": ["A dek I typed."]},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "is on the site, so this change was not saved" in text
    assert f"its hero image “Fresh upload” (#{bare.pk}) has no alt text" in text
    assert "A dek I typed." in text  # the form keeps what was sent
    assert rows(story) == before
    assert served(client, story) == page
    draft = Draft.objects.get(user=editor, object_id=story.pk)
    assert draft.data["dek"] == "A dek I typed."


def test_live_story_edit_with_pictures_fit_to_show_is_saved(client, editor, story_in):
    story = story_in(State.PUBLISHED)
    good = ImageFactory(title="Described photo")
    client.force_login(editor)
    data = form_of(client.get(change_url(story)))
    response = client.post(
        change_url(story),
        {**data, "hero_image": [str(good.pk)], "body": [f"<p>x</p>{figure(good)}"]},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.hero_image == good
    assert story.revised_at is not None


def test_live_story_edit_placing_a_picture_with_a_blank_credit_is_refused(
    client, editor, story_in
):
    story = story_in(State.PUBLISHED)
    uncredited = ImageFactory(title="No credit", credit="\u200b")
    client.force_login(editor)
    data = form_of(client.get(change_url(story)))
    before, page = rows(story), served(client, story)
    body = f"<p>New paragraph I must not lose.</p>{figure(uncredited)}"
    response = client.post(change_url(story), {**data, "body": [body]})
    assert response.status_code == 200
    assert f"its inline image “No credit” (#{uncredited.pk}) has no credit" in (
        response.content.decode()
    )
    assert "New paragraph I must not lose." in response.content.decode()
    assert rows(story) == before
    assert served(client, story) == page


def test_scheduled_story_edit_is_checked_for_its_day(client, editor, story_in, now):
    story = story_in(State.SCHEDULED)
    story.published_at = now + dt.timedelta(days=3)
    story.save()
    # In licence today, not on the day the story goes live.
    expiring = ImageFactory(title="Expires first", licence_expires_on=day(2))
    client.force_login(editor)
    data = form_of(client.get(change_url(story)))
    before = rows(story)
    response = client.post(change_url(story), {**data, "hero_image": [expiring.pk]})
    assert response.status_code == 200
    text = response.content.decode()
    assert "is scheduled to go live, so this change was not saved" in text
    assert f"its hero image “Expires first” (#{expiring.pk}) may not be shown on" in (
        text
    )
    assert rows(story) == before


def test_draft_edits_are_not_held_to_the_publish_check(client, editor, story_in):
    story = story_in(State.DRAFT)
    bare = ImageFactory(alt_text="")
    client.force_login(editor)
    data = form_of(client.get(change_url(story)))
    response = client.post(change_url(story), {**data, "hero_image": [bare.pk]})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.hero_image == bare


def test_live_gallery_edit_adding_a_picture_without_alt_text_is_refused(client, editor):
    gallery = live_gallery(2)
    bare = ImageFactory(title="Bulk upload 7", alt_text="")
    client.force_login(editor)
    data = form_of(client.get(change_url(gallery)))
    before, page = rows(gallery), served(client, gallery)
    assert page[0] == 200
    data.update(
        {
            "items-TOTAL_FORMS": ["3"],
            "items-2-image": [str(bare.pk)],
            "items-2-caption": ["My caption for it."],
            "items-2-position": ["2"],
            "items-2-gallery": [str(gallery.pk)],
        }
    )
    response = client.post(change_url(gallery), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"its picture “Bulk upload 7” (#{bare.pk}) has no alt text" in text
    assert "My caption for it." in text
    assert rows(gallery) == before
    assert served(client, gallery) == page


def test_live_gallery_edit_adding_a_described_picture_is_saved(client, editor):
    gallery = live_gallery(2)
    good = ImageFactory(title="Described")
    client.force_login(editor)
    data = form_of(client.get(change_url(gallery)))
    data.update(
        {
            "items-TOTAL_FORMS": ["3"],
            "items-2-image": [str(good.pk)],
            "items-2-position": ["2"],
            "items-2-gallery": [str(gallery.pk)],
        }
    )
    assert client.post(change_url(gallery), data).status_code == 302
    assert gallery.items.count() == 3


# --- Restoring a revision onto a live item ---------------------------------------


def _story_with_a_bad_old_revision(editor, story_in):
    bare = ImageFactory(title="Undescribed", alt_text=" ")
    story = story_in(State.DRAFT, hero_image=bare)
    old = services.save_revision(story, by=editor)
    story.hero_image = ImageFactory(title="Described")
    story.status, story.published_at = State.PUBLISHED, timezone.now()
    story.save()
    services.save_revision(story, by=editor)
    return story, old


def test_restoring_a_revision_that_may_not_go_live_onto_a_live_story_is_refused(
    client, editor, story_in
):
    story, old = _story_with_a_bad_old_revision(editor, story_in)
    before, page = rows(story), served(client, story)
    with pytest.raises(services.NotPublishable, match="Undescribed"):
        services.restore_revision(story, old, by=editor, version=story.version)
    assert rows(story) == before
    assert served(client, story) == page


def test_restore_refused_in_the_admin_is_a_message(client, editor, story_in):
    story, old = _story_with_a_bad_old_revision(editor, story_in)
    before = rows(story)
    client.force_login(editor)
    url = reverse("admin:articles_article_restore", args=[story.pk, old.number])
    client.raise_request_exception = False
    response = client.post(url, {"_version": story.version}, follow=True)
    assert response.status_code == 200
    assert "so this change was not saved" in response.content.decode()
    assert rows(story) == before


# --- Pictures added to a gallery (the bulk upload into a gallery) ---------------


def test_adding_an_undescribed_upload_to_a_live_gallery_adds_nothing(client, editor):
    gallery = live_gallery(2)
    good, bare = ImageFactory(), ImageFactory(title="From the camera", alt_text="")
    before, page = rows(gallery), served(client, gallery)
    with pytest.raises(services.NotPublishable, match="From the camera"):
        add_to_gallery(gallery, [good, bare], by=editor)
    assert rows(gallery) == before
    assert served(client, gallery) == page


def test_adding_an_expired_picture_to_a_live_gallery_adds_nothing(editor, now):
    gallery = live_gallery(1)
    expired = ImageFactory(title="Expired", licence_expires_on=day(0))
    before = rows(gallery)
    with pytest.raises(services.NotPublishable, match="its licence expired on"):
        add_to_gallery(gallery, [expired], by=editor)
    assert rows(gallery) == before


def test_adding_described_pictures_to_a_live_gallery_is_an_edit(client, editor):
    gallery = live_gallery(1)
    first = gallery.items.get().image
    new = [ImageFactory(title="New one"), ImageFactory(caption="Second new one")]
    version = gallery.version
    added = add_to_gallery(gallery, [*new, first, new[0]], by=editor)
    assert [item.image for item in added] == new  # none twice
    assert list(gallery.items.values_list("image_id", flat=True)) == [
        first.pk,
        *(image.pk for image in new),
    ]
    gallery.refresh_from_db()
    assert gallery.version == version + 1
    assert gallery.revised_at is not None
    assert Revision.for_item(gallery).count() == 1
    assert b"Second new one" in served(client, gallery)[1]


def test_adding_undescribed_pictures_to_a_draft_gallery_is_allowed(editor):
    gallery = gallery_with(1)
    add_to_gallery(gallery, [ImageFactory(alt_text="")], by=editor)
    assert gallery.items.count() == 2


def test_adding_to_a_gallery_needs_the_right_to_edit_it(writer):
    gallery = live_gallery(1)
    before = rows(gallery)
    with pytest.raises(services.WorkflowPermissionDenied):
        add_to_gallery(gallery, [ImageFactory()], by=writer)
    assert rows(gallery) == before


def test_feeds_leave_out_a_blank_caption_and_credit():
    image = ImageFactory(caption="  \n", credit="\u200b")
    body = inline.render_for_feed(figure(image), {image.pk: image})
    assert "<figcaption>" not in body
    assert "Image credit" not in body
    described = ImageFactory(caption="Dust.", credit="NASA")
    body = inline.render_for_feed(figure(described), {described.pk: described})
    assert "<figcaption>Dust. (Image credit: NASA)</figcaption>" in body

"""What a writer sees of their own story once it has left their hands: the
read-only change page with the body as readers get it, the preview and the
history (but no restore), and "View on site" that opens the preview while the
story is not public. Refused requests show 403 AND leave the database as it was."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import GalleryFactory, ImageFactory, UserFactory
from tests.newsroom.workflow_helpers import snapshot, user_in
from workflow import services
from workflow.models import Revision
from workflow.roles import EDITORS
from workflow.states import State

pytestmark = pytest.mark.django_db

BODY = "<p>The booster was caught by the <strong>chopsticks</strong>.</p>"


def url(name, story, *args):
    return reverse(f"admin:articles_article_{name}", args=[story.pk, *args])


def login(client, user):
    client.force_login(user)
    return client


def figure(image, caption=""):
    caption = f' data-caption="{caption}"' if caption else ""
    return f'<figure data-library-image="{image.pk}"{caption}></figure>'


@pytest.fixture
def in_review(story_in, writer):
    """`writer`'s story, submitted: no longer theirs to edit, with a revision."""
    picture = ImageFactory(title="Catch tower", credit="SpaceX")
    story = story_in(
        State.IN_REVIEW,
        headline="Booster caught on the first try",
        body=BODY + figure(picture, "The catch, from the causeway"),
    )
    services.save_revision(story, by=writer)
    return story


def revisions(story) -> list:
    return list(Revision.for_item(story).values_list("number", "kind", "data"))


# --- The permission ------------------------------------------------------------


@pytest.mark.parametrize("state", list(State))
def test_writer_may_view_own_story_in_every_state(story_in, writer, state):
    assert services.can_view(writer, story_in(state))
    assert services.may(writer, "view", story_in(state))


@pytest.mark.parametrize("state", list(State))
def test_editor_may_view_anyones_story(story_in, editor, state):
    assert services.can_view(editor, story_in(state))


@pytest.mark.parametrize("state", list(State))
def test_other_writer_may_not_view(story_in, other_writer, state):
    story = story_in(state)
    before = snapshot(story)
    assert not services.can_view(other_writer, story)
    with pytest.raises(services.WorkflowPermissionDenied):
        services.check_allowed(other_writer, "view", story)
    assert snapshot(story) == before


def test_owner_who_left_the_staff_or_was_deactivated_may_not_view(story_in, writer):
    story = story_in(State.IN_REVIEW)
    writer.is_staff = False
    assert not services.can_view(writer, story)
    writer.is_staff, writer.is_active = True, False
    assert not services.can_view(writer, story)


def test_owner_without_any_story_permission_may_not_view(story_in, writer):
    story = story_in(State.IN_REVIEW)
    writer.groups.clear()
    writer = type(writer).objects.get(pk=writer.pk)  # no cached permissions
    assert not services.can_view(writer, story)


# --- The read-only change page -------------------------------------------------


def test_writer_sees_story_in_review_rendered_and_read_only(client, in_review):
    before = snapshot(in_review)
    response = login(client, in_review.created_by).get(url("change", in_review))

    assert response.status_code == 200
    # The body as readers get it, not its HTML source in a text box.
    assertContains(response, "<strong>chopsticks</strong>", html=True)
    assertNotContains(response, "&lt;strong&gt;")
    assertContains(response, '<figure class="figure">')
    assertContains(response, "The catch, from the causeway")
    assertContains(response, "(Image credit: SpaceX)")
    assertNotContains(response, "data-library-image")
    # Other fields readable; nothing to submit.
    assertContains(response, "Booster caught on the first try")
    assertNotContains(response, 'name="_save"')
    assertNotContains(response, 'name="body"')
    assertNotContains(response, "Base revision")
    assert snapshot(in_review) == before


def test_read_only_body_is_sanitized(client, in_review):
    # Written past the model's own cleaning, as an old import might have.
    Article.objects.filter(pk=in_review.pk).update(
        body='<p onclick="steal()">Text</p><script>steal()</script>'
    )
    response = login(client, in_review.created_by).get(url("change", in_review))
    assertContains(response, "<p>Text</p>", html=True)
    assertNotContains(response, "steal()")


def test_workflow_panel_offers_preview_and_history_to_the_writer(client, in_review):
    response = login(client, in_review.created_by).get(url("change", in_review))
    assertContains(response, f'href="{url("preview", in_review)}"')
    assertContains(response, f'href="{url("revisions", in_review)}"')
    assertContains(response, "History and revisions")
    assertContains(response, "Withdraw from review")  # still theirs to take back


def test_editor_still_gets_the_editing_form(client, in_review, editor):
    response = login(client, editor).get(url("change", in_review))
    assertContains(response, 'name="_save"')
    assertContains(response, 'name="body"')
    assertNotContains(response, 'class="story-body-read-only"')


def test_writer_editing_a_draft_gets_the_form_not_the_rendered_body(
    client, story_in, writer
):
    story = story_in(State.DRAFT, body=BODY)
    response = login(client, writer).get(url("change", story))
    assertContains(response, 'name="body"')
    assertNotContains(response, 'class="story-body-read-only"')


def test_other_writer_is_refused_the_page(client, in_review, other_writer):
    before = snapshot(in_review)
    response = login(client, other_writer).get(url("change", in_review))
    assert response.status_code in (302, 403)
    assertNotContains(response, "chopsticks", status_code=response.status_code)
    assert snapshot(in_review) == before


def test_writer_still_cannot_save_from_the_read_only_page(client, in_review):
    before = snapshot(in_review)
    response = login(client, in_review.created_by).post(
        url("change", in_review),
        {"headline": "Changed", "body": "<p>Changed</p>", "section": ""},
    )
    assert response.status_code == 403
    assert snapshot(in_review) == before


# --- Preview, history and diff: whoever may view; restore: whoever may edit ----


@pytest.mark.parametrize(
    "name,args", [("preview", []), ("revision_preview", [1]), ("revisions", [])]
)
def test_writer_previews_and_reads_history_of_story_in_review(
    client, in_review, name, args
):
    before, kept = snapshot(in_review), revisions(in_review)
    response = login(client, in_review.created_by).get(url(name, in_review, *args))
    assert response.status_code == 200
    assertContains(response, "Booster caught on the first try")
    assert (snapshot(in_review), revisions(in_review)) == (before, kept)


def test_writer_compares_revisions_of_story_in_review(client, in_review, editor):
    in_review.headline = "Booster caught, tower intact"
    in_review.save()
    services.save_revision(in_review, by=editor)
    response = login(client, in_review.created_by).get(
        url("diff", in_review), {"a": 1, "b": 2}
    )
    assert response.status_code == 200
    assertContains(response, "intact")


@pytest.mark.parametrize(
    "name,args",
    [("preview", []), ("revision_preview", [1]), ("revisions", []), ("diff", [])],
)
def test_other_writer_cannot_preview_or_read_history(
    client, in_review, other_writer, name, args
):
    before, kept = snapshot(in_review), revisions(in_review)
    response = login(client, other_writer).get(
        url(name, in_review, *args), {"a": 1, "b": 1}
    )
    # The answer a missing story gets: a draft's id cannot be probed.
    assert response.status_code == 404
    assert b"chopsticks" not in response.content
    assert (snapshot(in_review), revisions(in_review)) == (before, kept)


def test_history_page_offers_no_restore_to_a_viewer(client, in_review, editor):
    services.save_revision(in_review, by=editor)  # a second one: restorable
    response = login(client, in_review.created_by).get(url("revisions", in_review))
    assertNotContains(response, ">Restore<")
    response = login(client, editor).get(url("revisions", in_review))
    assertContains(response, ">Restore<")


def test_viewer_cannot_restore(client, in_review, editor):
    in_review.headline = "Later headline"
    in_review.save()
    services.save_revision(in_review, by=editor)
    before, kept = snapshot(in_review), revisions(in_review)
    response = login(client, in_review.created_by).post(url("restore", in_review, 1))
    assert response.status_code == 403
    assert (snapshot(in_review), revisions(in_review)) == (before, kept)


def test_a_user_with_no_story_rights_sees_nothing(client, in_review):
    stranger = UserFactory(is_staff=True, username="stranger")
    before = snapshot(in_review)
    for name, args in [("change", []), ("preview", []), ("revisions", [])]:
        response = login(client, stranger).get(url(name, in_review, *args))
        assert response.status_code in (302, 403, 404)
    assert snapshot(in_review) == before


# --- "View on site" ------------------------------------------------------------


def view_on_site(response) -> str:
    """The href of the change page's "View on site" link."""
    import re

    found = re.search(
        rb'<a href="([^"]+)" class="viewsitelink"', response.content
    ) or re.search(rb'class="viewsitelink" href="([^"]+)"', response.content)
    assert found, "no View on site link"
    return found[1].decode()


def public_shortcut(item) -> str:
    ct = ContentType.objects.get_for_model(item)
    return reverse("admin:view_on_site", args=[ct.pk, item.pk])


@pytest.mark.parametrize(
    "state", [State.DRAFT, State.IN_REVIEW, State.SCHEDULED, State.UNPUBLISHED]
)
def test_view_on_site_of_a_story_not_public_opens_its_preview(
    client, story_in, editor, state
):
    story = story_in(state)
    response = login(client, editor).get(url("change", story))
    assert view_on_site(response) == url("preview", story)
    assert client.get(view_on_site(response)).status_code == 200
    assert client.get(story.get_absolute_url()).status_code == 404


def test_view_on_site_of_a_public_story_opens_the_public_page(client, story_in, editor):
    story = story_in(State.PUBLISHED)
    response = login(client, editor).get(url("change", story))
    assert view_on_site(response) == public_shortcut(story)
    followed = client.get(view_on_site(response))
    assert followed.status_code == 302
    assert followed["Location"].endswith(story.get_absolute_url())


def test_view_on_site_of_a_scheduled_story_past_its_minute_is_public(
    client, story_in, editor, monkeypatch
):
    story = story_in(State.SCHEDULED)
    later = story.published_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = login(client, editor).get(url("change", story))
    assert view_on_site(response) == public_shortcut(story)


def test_view_on_site_of_a_draft_gallery_opens_its_preview(client):
    gallery = GalleryFactory(title="Starship flight 5")
    response = login(client, user_in(EDITORS, username="ed")).get(
        reverse("admin:media_library_gallery_change", args=[gallery.pk])
    )
    preview = reverse("admin:media_library_gallery_preview", args=[gallery.pk])
    assert view_on_site(response) == preview
    assertContains(client.get(preview), "Starship flight 5")

"""Galleries: an ordered set of library pictures through the shared workflow."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from media_library.models import GalleryItem
from tests.factories import ArticleFactory, GalleryFactory, ImageFactory, gallery_with
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.models import Transition
from workflow.states import State

pytestmark = pytest.mark.django_db


def test_gallery_goes_through_the_workflow(client):
    writer = user_in("Writers", username="gwen")
    editor = user_in("Editors", username="ed")
    gallery = gallery_with(3, title="Mars 2020 rover mission in pictures")
    gallery.created_by = writer
    gallery.save()

    services.transition(gallery, "submit", by=writer)
    with pytest.raises(services.WorkflowPermissionDenied):
        services.transition(gallery, "publish", by=writer)
    services.transition(gallery, "approve", by=editor)
    assert client.get(gallery.get_absolute_url()).status_code == 404
    services.transition(gallery, "publish", by=editor)

    response = client.get(gallery.get_absolute_url())
    assertContains(response, "<h1>Mars 2020 rover mission in pictures</h1>")
    assert response.content.decode().count("(Image credit: NASA/JPL-Caltech)") == 3
    assert list(
        Transition.for_item(gallery).order_by("id").values_list("action", flat=True)
    ) == ["submit", "approve", "publish"]


def test_publish_refused_naming_the_picture_without_credit(client):
    editor = user_in("Editors", username="ed2")
    gallery = gallery_with(2, status=State.APPROVED)
    bad = ImageFactory(title="Uncredited launch photo", credit="")
    GalleryItem.objects.create(gallery=gallery, image=bad, position=9)
    with pytest.raises(services.InvalidTransition) as refused:
        services.transition(gallery, "publish", by=editor)
    assert "“Uncredited launch photo”" in str(refused.value)
    gallery.refresh_from_db()
    assert gallery.status == State.APPROVED


def test_empty_gallery_cannot_go_live():
    editor = user_in("Editors", username="ed3")
    gallery = GalleryFactory(status=State.APPROVED)
    with pytest.raises(services.InvalidTransition, match="no pictures"):
        services.transition(gallery, "publish", by=editor)


def test_caption_override_keeps_the_credit(client):
    gallery = gallery_with(1, status=State.PUBLISHED, published_at=timezone.now())
    item = gallery.items.get()
    item.caption = "Our own words."
    item.save()
    assertContains(
        client.get(gallery.get_absolute_url()),
        'Our own words. <span class="credit">(Image credit: NASA/JPL-Caltech)</span>',
    )


@pytest.mark.parametrize(
    "state", [State.DRAFT, State.IN_REVIEW, State.UNPUBLISHED, State.SCHEDULED]
)
def test_unpublished_gallery_is_404(client, state):
    gallery = gallery_with(
        1, status=state, published_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert client.get(gallery.get_absolute_url()).status_code == 404


def test_gallery_page_query_budget_independent_of_size(
    client, django_assert_max_num_queries
):
    small = gallery_with(1, status=State.PUBLISHED, published_at=timezone.now())
    big = gallery_with(25, status=State.PUBLISHED, published_at=timezone.now())
    for gallery in (small, big):
        with django_assert_max_num_queries(4):
            assert client.get(gallery.get_absolute_url()).status_code == 200


def test_story_links_its_published_gallery(client, django_capture_on_commit_callbacks):
    gallery = gallery_with(1, status=State.PUBLISHED, published_at=timezone.now())
    story = ArticleFactory(published=True, gallery=gallery)
    assertContains(client.get(story.get_absolute_url()), "See the gallery:")
    with django_capture_on_commit_callbacks(execute=True):  # purges cached pages
        gallery.status = State.UNPUBLISHED
        gallery.save()
    assertNotContains(client.get(story.get_absolute_url()), "See the gallery:")


def test_gallery_use_is_listed_and_protects_the_image():
    from django.db.models import ProtectedError

    from media_library.usage import uses_of

    gallery = gallery_with(1, title="Launch pictures")
    image = gallery.items.get().image
    assert [str(use.obj) for use in uses_of(image)] == ["Launch pictures"]
    with pytest.raises(ProtectedError):
        image.delete()


def test_editor_previews_a_draft_gallery(client):
    editor = user_in("Editors", username="ed4")
    gallery = gallery_with(2, title="Draft gallery")
    client.force_login(editor)
    response = client.get(
        reverse("admin:media_library_gallery_preview", args=[gallery.pk])
    )
    assertContains(response, "Draft gallery")
    assertContains(response, "not on the public site")


def test_gallery_admin_screens(client):
    editor = user_in("Editors", username="ed5")
    gallery = gallery_with(2)
    client.force_login(editor)
    for url in (
        reverse("admin:media_library_gallery_changelist"),
        reverse("admin:media_library_gallery_add"),
        reverse("admin:media_library_gallery_change", args=[gallery.pk]),
    ):
        assert client.get(url).status_code == 200, url

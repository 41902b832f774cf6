"""A preview link ends when its story stops being previewable (issue 12):
unpublishing or archiving revokes every active link, so the address answers 410."""

import datetime as dt

import pytest
from django.test import RequestFactory
from pytest_django.asserts import assertContains

from tests.factories import GalleryFactory
from workflow import services
from workflow.states import State
from workflow.views import share_url

pytestmark = pytest.mark.django_db


def address(link):
    return share_url(RequestFactory().get("/"), link)


@pytest.mark.parametrize(
    ("state", "action", "comment"),
    [
        (State.PUBLISHED, "unpublish", "Wrong launch date"),
        (State.DRAFT, "archive", ""),
        (State.UNPUBLISHED, "archive", ""),
    ],
)
def test_unpublish_or_archive_revokes_share_links(
    client, story_in, editor, now, state, action, comment
):
    story = story_in(state, headline="Embargoed Mars sample story")
    link = services.create_share_link(story, by=editor)
    assert client.get(address(link)).status_code == 200

    services.transition(story, action, by=editor, comment=comment)

    link.refresh_from_db()
    assert link.revoked_at == now
    response = client.get(address(link))
    assertContains(response, "was withdrawn", status_code=410)


def test_link_on_a_story_that_stays_published_keeps_working(client, story_in, editor):
    story = story_in(State.PUBLISHED, headline="Embargoed Mars sample story")
    other = story_in(State.PUBLISHED)
    link = services.create_share_link(story, by=editor)

    services.transition(other, "unpublish", by=editor, comment="Pulled")

    link.refresh_from_db()
    assert link.revoked_at is None
    assertContains(client.get(address(link)), "Embargoed Mars sample story")


def test_refused_unpublish_leaves_the_link_working(client, story_in, writer, editor):
    story = story_in(State.PUBLISHED, headline="Embargoed Mars sample story")
    link = services.create_share_link(story, by=editor)

    with pytest.raises(services.WorkflowPermissionDenied):
        services.transition(story, "unpublish", by=writer, comment="Mine")

    story.refresh_from_db()
    link.refresh_from_db()
    assert story.status == State.PUBLISHED
    assert link.revoked_at is None
    assertContains(client.get(address(link)), "Embargoed Mars sample story")


def test_a_gallerys_links_end_too(client, editor, now):
    gallery = GalleryFactory(
        status=State.PUBLISHED, published_at=now - dt.timedelta(hours=1)
    )
    link = services.create_share_link(gallery, by=editor)

    services.transition(gallery, "unpublish", by=editor, comment="Licence ended")

    link.refresh_from_db()
    assert link.revoked_at == now
    assert client.get(address(link)).status_code == 410

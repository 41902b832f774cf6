"""Pictures on live content are an editor's (issue 12): a writer may not change
what readers see of a picture something public shows (its file, alt text,
caption, credit, focal point); an editor may, and every public story showing it
records the change in its history and audit trail, and pages are purged."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from core.cache import site_version
from media_library.models import Image
from tests.factories import ImageFactory, image_bytes
from workflow.models import Revision, Transition
from workflow.states import State

pytestmark = pytest.mark.django_db


def form_data(image: Image, **changes) -> dict:
    data = {
        "title": image.title,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
        "licence_expires_on": "",
        "source_url": image.source_url,
        "focal_x": image.focal_x,
        "focal_y": image.focal_y,
        "tags": "",
        "_version": image.version,
    }
    data.update(changes)
    return data


def post_change(user, image: Image, **changes):
    client = Client()
    client.force_login(user)
    url = reverse("admin:media_library_image_change", args=[image.pk])
    return client.post(url, form_data(image, **changes))


def stored(image: Image) -> tuple:
    row = Image.objects.get(pk=image.pk)
    return (
        row.file.name,
        row.alt_text,
        row.caption,
        row.credit,
        row.focal_x,
        row.focal_y,
        row.title,
        row.version,
    )


def new_file():
    return SimpleUploadedFile(
        "swap.png", image_bytes(900, 600, color=(200, 30, 30), fmt="PNG"), "image/png"
    )


CHANGES = {
    "credit": {"credit": "Someone Else"},
    "alt text": {"alt_text": "A different description."},
    "caption": {"caption": "A new caption."},
    "focal point": {"focal_x": "0.1"},
    "file": {"file": None},  # filled in per test: an upload is read once
}


@pytest.fixture
def live_picture(story_in):
    image = ImageFactory(
        file=ContentFile(image_bytes(1600, 900, fmt="PNG"), "live.png"),
        credit="NASA/JPL-Caltech",
    )
    story = story_in(State.PUBLISHED, hero_image=image, headline="Sky crane seen")
    return image, story


@pytest.mark.parametrize("what", list(CHANGES))
def test_a_writer_cannot_change_what_readers_see_of_a_live_picture(
    writer, live_picture, media_files, client, what
):
    image, story = live_picture
    changes = {k: (v or new_file()) for k, v in CHANGES[what].items()}
    before, files = stored(image), media_files()
    page = client.get(story.get_absolute_url()).content

    response = post_change(writer, image, **changes)

    assert response.status_code == 200  # the form again, with the reason
    assertContains(response, "only an editor may change its")
    assertContains(response, "Sky crane seen")  # which public use, named
    assert stored(image) == before
    assert media_files() == files  # the refused upload left no file behind
    assert not Revision.for_item(story).filter(note__contains="Picture").exists()
    assert client.get(story.get_absolute_url()).content == page


def test_a_refused_writer_keeps_what_they_typed(writer, live_picture):
    image, _ = live_picture
    response = post_change(
        writer, image, credit="Someone Else", title="A better library title"
    )
    assertContains(response, 'value="Someone Else"')
    assertContains(response, 'value="A better library title"')


def test_a_writer_may_change_the_library_title_of_a_live_picture(writer, live_picture):
    image, _ = live_picture
    response = post_change(writer, image, title="Sky crane, from Perseverance")
    assert response.status_code == 302
    assert Image.objects.get(pk=image.pk).title == "Sky crane, from Perseverance"


def test_a_writer_may_change_a_picture_only_drafts_use(writer, story_in):
    image = ImageFactory()
    story_in(State.DRAFT, hero_image=image)
    response = post_change(writer, image, credit="ESA")
    assert response.status_code == 302
    assert Image.objects.get(pk=image.pk).credit == "ESA"


@pytest.mark.parametrize("what", list(CHANGES))
def test_an_editor_may_and_the_story_records_it(
    editor, live_picture, client, what, django_capture_on_commit_callbacks
):
    image, story = live_picture
    changes = {k: (v or new_file()) for k, v in CHANGES[what].items()}
    page = client.get(story.get_absolute_url()).content  # cached
    version, before = site_version(), stored(image)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(editor, image, **changes)

    assert response.status_code == 302
    assert stored(image) != before
    revision = Revision.for_item(story).latest("number")
    assert revision.note.startswith(f"Picture “{image.title}”: {what}")
    assert revision.created_by == editor
    step = Transition.for_item(story).get(action="picture_changed")
    assert (step.by, step.from_state, step.to_state) == (
        editor,
        State.PUBLISHED,
        State.PUBLISHED,
    )
    # The pages showing it were purged, not every page.
    assert client.get(story.get_absolute_url()).content != page
    assert site_version() == version


def test_an_editors_credit_change_reaches_readers_at_once(
    editor, live_picture, client, django_capture_on_commit_callbacks
):
    image, story = live_picture
    assertContains(client.get(story.get_absolute_url()), "NASA/JPL-Caltech")
    with django_capture_on_commit_callbacks(execute=True):
        post_change(editor, image, credit="NASA/JPL-Caltech/MSSS")
    assertContains(client.get(story.get_absolute_url()), "NASA/JPL-Caltech/MSSS")
    step = Transition.for_item(story).get(action="picture_changed")
    assert "credit “NASA/JPL-Caltech” → “NASA/JPL-Caltech/MSSS”" in step.comment


def test_changing_a_picture_nothing_public_uses_purges_nothing(
    editor, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    version = site_version()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_change(editor, image, credit="ESA").status_code == 302
    assert site_version() == version

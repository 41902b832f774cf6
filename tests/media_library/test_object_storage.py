"""The library in an S3-compatible bucket (STORAGE_URL), against a real S3
server: moto in server mode (`pip install "moto[server]"`, in the dev extras),
which tests/conftest.py's s3_endpoint starts on a free port. Originals and
renditions are private objects the bucket refuses to anonymous requests;
readers get a public picture's renditions through the rendition view, made
ahead on the task queue and sent as immutable; an unpublished picture's
answer 404.

Also, on the filesystem default: once a story is published, its page and
every picture address on it make no rendition in a reader's request."""

import io
import re
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from media_library import renditions
from media_library.models import Image, Rendition
from media_library.renditions import rendition_url
from tests.factories import ArticleFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db

BUCKET = "newsroom-library"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and the library stored in it (as STORAGE_URL does)."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "library": {
            "BACKEND": "media_library.storage.LibraryS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
            },
        },
    }
    yield s3
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def keys(s3) -> list[str]:
    return sorted(
        o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )


def anonymous_status(endpoint: str, key: str) -> int:
    try:
        with urllib.request.urlopen(f"{endpoint}/{BUCKET}/{key}") as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def upload(capture) -> Image:
    data = image_bytes(1600, 900, color=(90, 90, 90), fmt="PNG")
    with capture(execute=True):  # the upload commits: its tasks run
        return ImageFactory(file=ContentFile(data, name="wide.png"))


def test_library_files_are_private_objects_in_the_bucket(
    bucket, s3_endpoint, media_files, django_capture_on_commit_callbacks
):
    image = upload(django_capture_on_commit_callbacks)

    stored = keys(bucket)
    assert image.file.name in stored
    made = Rendition.objects.filter(image=image)
    assert made.count() > 0  # made ahead, on upload
    assert {r.file.name for r in made} | {image.file.name} == set(stored)
    assert media_files() == []  # nothing on the web server's disk
    # The bucket itself refuses anyone without the keys, original and renditions.
    assert anonymous_status(s3_endpoint, image.file.name) == 403
    assert anonymous_status(s3_endpoint, made.first().file.name) == 403
    with pytest.raises(ValueError, match="no public address"):
        image.file.url  # noqa: B018


def test_public_picture_served_immutable_unpublished_not(
    client, bucket, django_capture_on_commit_callbacks, monkeypatch
):
    public = upload(django_capture_on_commit_callbacks)
    ArticleFactory(published=True, hero_image=public)
    draft = ImageFactory(
        file=ContentFile(image_bytes(1600, 900, color=(9, 9, 9), fmt="PNG"), "d.png")
    )
    ArticleFactory(hero_image=draft)
    calls = []
    real = renditions.render
    monkeypatch.setattr(renditions, "render", lambda *a: calls.append(a) or real(*a))

    answer = client.get(rendition_url(public, "hero", 800, "jpeg"))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert answer["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"
    assert calls == []  # made ahead, not in the reader's request

    refused = client.get(rendition_url(draft, "hero", 800, "jpeg"))
    assert refused.status_code == 404
    assert "immutable" not in refused["Cache-Control"]
    assert not Rendition.objects.filter(image=draft).exists()  # nothing made


def test_new_focal_point_new_names(bucket, django_capture_on_commit_callbacks):
    image = upload(django_capture_on_commit_callbacks)
    before_url = rendition_url(image, "hero", 800, "jpeg")
    before = set(keys(bucket))

    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x = 0.1
        image.save()

    assert rendition_url(image, "hero", 800, "jpeg") != before_url
    after = set(keys(bucket))
    assert image.file.name in after
    assert not (before - {image.file.name}) & after  # old renditions deleted
    assert after - before  # new ones made ahead, under new names


def test_published_story_makes_no_rendition_in_readers_requests(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """On the filesystem default: the sizes the story page uses were made on
    upload, so neither the page nor any picture address on it renders."""
    image = upload(django_capture_on_commit_callbacks)
    story = ArticleFactory(published=True, hero_image=image)
    calls = []
    real = renditions.render
    monkeypatch.setattr(renditions, "render", lambda *a: calls.append(a) or real(*a))

    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    addresses = set(re.findall(r"(/images/[^\s\"',?]+)", page.content.decode()))
    assert addresses
    for address in addresses:
        answer = client.get(address)
        assert answer.status_code == 200, address
        assert "immutable" in answer["Cache-Control"]
    assert calls == []


def test_command_makes_renditions_of_older_pictures(
    django_capture_on_commit_callbacks,
):
    """Pictures stored before renditions were made ahead (here: an upload whose
    tasks never ran, as the test's transaction never commits) get them."""
    image = ImageFactory(
        file=ContentFile(image_bytes(400, 300, color=(5, 5, 5), fmt="PNG"), "o.png")
    )
    assert not Rendition.objects.exists()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", stdout=out)

    assert "Renditions queued for 1 pictures." in out.getvalue()
    made = Rendition.objects.filter(image=image, version=image.rendition_version)
    assert made.count() > 0
    count = made.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", stdout=io.StringIO())
    assert Rendition.objects.count() == count  # nothing made twice

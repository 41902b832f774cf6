"""Pictures are private until published (issue 12): a library picture reaches
readers only while something public uses it, whatever address they try; staff
see every picture, and a share link's holder the pictures of its preview."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.utils import timezone

from media_library.models import Rendition
from media_library.renditions import rendition_url
from media_library.usage import is_public, public_images
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    gallery_with,
    image_bytes,
)
from workflow import services
from workflow.states import State
from workflow.views import share_url

pytestmark = pytest.mark.django_db


def picture(**kwargs):
    data = image_bytes(1600, 900, color=(10, 120, 200), fmt="PNG")
    return ImageFactory(file=ContentFile(data, name="embargoed.png"), **kwargs)


def addresses(image) -> list[str]:
    """Every rendition address a page could name, in every spec and format."""
    return [
        rendition_url(image, spec, width, fmt)
        for spec, width, fmt in [
            ("full", 800, "jpeg"),
            ("hero", 1200, "webp"),
            ("card", 480, "jpeg"),
            ("thumbnail", 160, "jpeg"),
            ("social", 1200, "jpeg"),
        ]
    ]


def served(client, url) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response.status_code == 200


def test_a_picture_nothing_uses_is_seen_by_staff_only(client, editor):
    image = picture()
    for url in addresses(image):
        response = client.get(url)
        assert response.status_code == 404
        assert "no-cache" in response["Cache-Control"]  # may be public soon
    assert Rendition.objects.count() == 0  # nothing was even made
    staff = Client()
    staff.force_login(editor)
    response = staff.get(addresses(image)[0])
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]  # no shared cache keeps it


def test_a_private_picture_and_a_missing_one_answer_alike(client):
    image = picture()
    private = client.get(addresses(image)[0])
    missing_url = addresses(image)[0].replace(f"/{image.pk}/", f"/{image.pk + 99}/")
    missing = client.get(missing_url)
    assert (private.status_code, private.content) == (
        missing.status_code,
        missing.content,
    )


def test_an_old_version_of_a_private_picture_does_not_redirect(client):
    """The redirect to the current version would tell a stranger it exists."""
    image = picture()
    old = addresses(image)[0]
    image.focal_x = 0.2
    image.save()
    assert client.get(old).status_code == 404


def test_a_draft_storys_hero_is_private_until_the_story_is_published(
    client, story_in, editor, now
):
    image = picture()
    story = story_in(State.APPROVED, hero_image=image)
    assert not is_public(image)
    assert not any(served(client, url) for url in addresses(image))

    services.transition(story, "publish", by=editor)

    assert is_public(image)
    assert all(served(client, url) for url in addresses(image))
    response = client.get(addresses(image)[0])
    assert "public" in response["Cache-Control"]

    services.transition(story, "unpublish", by=editor, comment="Embargo broken")

    assert not is_public(image)
    assert not any(served(client, url) for url in addresses(image))


def test_a_scheduled_storys_picture_appears_at_its_minute(client, now):
    image = picture()
    ArticleFactory(
        status=State.SCHEDULED,
        published_at=now + dt.timedelta(minutes=5),
        hero_image=image,
    )
    assert not served(client, addresses(image)[0])
    later = now + dt.timedelta(minutes=5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert served(client, addresses(image)[0])


def test_an_inline_picture_is_public_with_its_story(client):
    image = picture()
    body = f'<p>Landing.</p><figure data-library-image="{image.pk}"></figure>'
    story = ArticleFactory(body=body)
    assert not served(client, addresses(image)[0])
    story.status, story.published_at = State.PUBLISHED, timezone.now()
    story.save()
    assert served(client, addresses(image)[0])


def test_gallery_pictures_are_public_with_the_gallery(client):
    gallery = gallery_with(2)
    images = [item.image for item in gallery.items.all()]
    assert not any(served(client, addresses(i)[0]) for i in images)
    gallery.status, gallery.published_at = State.PUBLISHED, timezone.now()
    gallery.save()
    assert all(served(client, addresses(i)[0]) for i in images)


def test_a_headshot_is_public_while_its_author_is_active(client):
    image = picture()
    author = AuthorFactory(headshot=image, is_active=True)
    assert served(client, addresses(image)[0])
    author.is_active = False
    author.save()
    assert not served(client, addresses(image)[0])


def test_the_story_page_leaves_out_a_former_authors_headshot(client):
    """The page and the rendition view follow the same rule: no broken image."""
    shown, former = picture(), ImageFactory()
    story = ArticleFactory(
        published=True,
        authors=[
            AuthorFactory(name="Mike Wall", headshot=shown),
            AuthorFactory(name="Gone Writer", headshot=former, is_active=False),
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert f"/images/{shown.pk}/" in html
    assert f"/images/{former.pk}/" not in html


def test_public_images_is_one_query(django_assert_num_queries):
    ArticleFactory(published=True, hero_image=picture())
    with django_assert_num_queries(1):
        assert len(list(public_images())) == 1


def test_originals_have_no_address(client, settings):
    image = ArticleFactory(published=True, hero_image=picture()).hero_image
    assert (settings.MEDIA_ROOT / image.file.name).is_file()
    for path in (f"/media/{image.file.name}", f"/{image.file.name}"):
        assert client.get(path).status_code == 404
    with pytest.raises(ValueError, match="no public address"):
        image.file.url  # noqa: B018 (the property is what is tested)
    # The stored name holds a random part nobody can guess.
    assert re.search(r"/[0-9a-f]{32}/", image.file.name)


def share_page_addresses(html: str) -> list[str]:
    return re.findall(r'src="(/images/[^"]+)"', html.replace("&amp;", "&"))


def test_a_share_link_shows_its_pictures_until_revoked(client, story_in, editor):
    image = picture()
    story = story_in(State.IN_REVIEW, hero_image=image)
    link = services.create_share_link(story, by=editor)
    page = client.get(share_url(RequestFactory().get("/"), link))
    assert page.status_code == 200
    urls = share_page_addresses(page.content.decode())
    assert urls and all("?share=" in url for url in urls)
    assert all(served(client, url) for url in urls)
    # The grant names this picture: it opens no other.
    other = ImageFactory(title="Another embargoed picture")
    grant = urls[0].split("?", 1)[1]
    assert not served(client, f"{addresses(other)[0]}?{grant}")
    assert not served(client, f"{addresses(image)[0]}?share=forged")

    services.revoke_share_link(link, by=editor)

    assert not any(served(client, url) for url in urls)
    assert not is_public(image)

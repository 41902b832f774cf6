"""Where an image is used, why it cannot be deleted while it is, and licences
that run out."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from media_library.models import Image
from media_library.usage import expired_in_use, refuse_if_expired, uses_of
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def used():
    """An image that is a published story's hero, a draft's hero and a headshot."""
    image = ImageFactory(title="Sky crane plume")
    live = ArticleFactory(headline="Sky crane crash", hero_image=image, published=True)
    draft = ArticleFactory(headline="Draft about Mars", hero_image=image)
    author = AuthorFactory(name="Mike Wall", headshot=image)
    return image, live, draft, author


def test_uses_found_through_reverse_relations(used):
    image, live, draft, author = used
    found = {
        (use.relation, use.kind, use.obj.pk, use.is_public) for use in uses_of(image)
    }
    assert found == {
        ("hero image", "story", live.pk, True),
        ("hero image", "story", draft.pk, False),
        ("headshot", "author", author.pk, True),
    }
    use = next(u for u in uses_of(image) if u.obj == live)
    assert use.public_url == live.get_absolute_url()
    assert use.admin_url == reverse("admin:articles_article_change", args=[live.pk])
    assert str(use) == "hero image of the story “Sky crane crash”"


def test_unused_image_has_no_uses():
    assert uses_of(ImageFactory()) == []


def test_image_page_lists_where_it_is_used(admin_client, used):
    image, live, draft, author = used
    response = admin_client.get(
        reverse("admin:media_library_image_change", args=[image.pk])
    )
    change = reverse("admin:articles_article_change", args=[live.pk])
    assertContains(
        response,
        f'Hero image of the story <a href="{change}">“Sky crane crash”</a> '
        f'(<a href="{live.get_absolute_url()}">on the site</a>)',
        html=True,
    )
    assertContains(response, "“Draft about Mars”</a> (not on the site)")
    assertContains(response, "Headshot of the author")


def test_image_in_use_cannot_be_deleted(admin_client, used, media_files):
    image, live, _, _ = used
    url = reverse("admin:media_library_image_delete", args=[image.pk])

    page = admin_client.get(url)
    assertContains(page, "“Sky crane plume” is in use, so it cannot be deleted.")
    assertContains(page, "Hero image of the story")
    assertContains(page, "Headshot of the author")
    assertNotContains(page, "Yes, I’m sure")

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()
    assert media_files() == [image.file.name]


def test_bulk_delete_refused_while_any_is_in_use(admin_client, used):
    image, _, _, _ = used
    unused = ImageFactory(title="Spare")
    response = admin_client.post(
        reverse("admin:media_library_image_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [image.pk, unused.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assertContains(response, "Some of the selected images are in use")
    assertContains(response, "“Sky crane plume”: Hero image of the story")
    assert Image.objects.count() == 2


def test_unused_image_can_be_deleted_with_its_file(
    admin_client, media_files, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    url = reverse("admin:media_library_image_delete", args=[image.pk])
    assertContains(admin_client.get(url), "Yes, I’m sure")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert media_files() == []


# --- Licences --------------------------------------------------------------------


@pytest.mark.parametrize("days", [-30, -1, 0], ids=["last-month", "yesterday", "today"])
def test_expired_image_cannot_be_newly_attached(now, days):
    today = timezone.localdate(now)
    image = ImageFactory(
        title="Wire photo",
        credit="AP",
        licence_expires_on=today + dt.timedelta(days=days),
    )
    with pytest.raises(ValidationError) as refused:
        refuse_if_expired(image)
    assert refused.value.code == "licence_expired"
    assert "The licence for “Wire photo” (AP) expired on" in refused.value.messages[0]
    assert image.licence_expired


@pytest.mark.parametrize("expires", [None, 1], ids=["never", "tomorrow"])
def test_valid_licence_may_be_attached(now, expires):
    # The clock is stopped: at midnight, "tomorrow" would become today, expired.
    on = None if expires is None else timezone.localdate(now) + dt.timedelta(expires)
    image = ImageFactory(licence_expires_on=on)
    refuse_if_expired(image)  # no error
    refuse_if_expired(None)
    assert not image.licence_expired


def test_expired_images_still_on_the_site(admin_client, used):
    image, live, draft, author = used
    image.licence_expires_on = timezone.localdate() - dt.timedelta(days=3)
    image.save()
    only_in_draft = ImageFactory(
        title="Draft-only", licence_expires_on=timezone.localdate()
    )
    ArticleFactory(hero_image=only_in_draft)
    ImageFactory(title="Expired, unused", licence_expires_on=dt.date(2020, 1, 1))

    rows = expired_in_use()

    assert [(img, {u.obj for u in uses}) for img, uses in rows] == [
        (image, {live, author})
    ]
    response = admin_client.get(reverse("admin:media_library_image_expired_in_use"))
    assertContains(response, "“Sky crane plume”")
    assertContains(response, "“Sky crane crash”")
    assertNotContains(response, "Draft about Mars")
    assertNotContains(response, "Draft-only")
    assertNotContains(response, "Expired, unused")


def test_expired_report_needs_library_access(client):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("admin:media_library_image_expired_in_use")
    assert client.get(url).status_code == 403

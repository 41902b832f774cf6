"""The story bundle on the launch's change page: an editor adds a story to
it; someone who may change launches but not schedule stories adds nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from launchdesk.models import BundleItem
from tests.factories import UserFactory
from tests.space.test_launch_slips import form_data

pytestmark = pytest.mark.django_db


def with_row(launch, article, offset="-1 00:00:00") -> dict:
    data = form_data(launch)
    data.update(
        {
            "bundle_items-TOTAL_FORMS": "1",
            "bundle_items-INITIAL_FORMS": "0",
            "bundle_items-0-article": article.pk,
            "bundle_items-0-offset": offset,
            "bundle_items-0-outcome": "",
        }
    )
    return data


def test_an_editor_bundles_a_story_on_the_launch_page(client, editor, launch, story):
    article = story("Starlink 6-10 preview")
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    response = client.post(url, with_row(launch, article))
    assert response.status_code == 302
    (item,) = BundleItem.objects.all()
    assert (item.article, item.added_by, item.launch) == (article, editor, launch)
    assert item.offset.total_seconds() == -86400


def test_who_may_not_schedule_stories_bundles_nothing(client, launch, story):
    clerk = UserFactory(is_staff=True, username="clerk")
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="space",
            codename__in=["view_launch", "change_launch"],
        )
    )
    article = story("Starlink 6-10 preview")
    client.force_login(clerk)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    assert "Story bundle" not in client.get(url).text
    response = client.post(url, with_row(launch, article))
    assert response.status_code in (302, 403)
    assert not BundleItem.objects.exists()

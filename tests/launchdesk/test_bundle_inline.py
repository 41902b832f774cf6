"""The story bundle on the launch's change page, and "Schedule the bundle" on
the launch list: an editor bundles and schedules; someone who may change
launches but not schedule stories bundles and schedules nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from launchdesk import bundles
from launchdesk.models import BundleItem
from tests.factories import UserFactory
from tests.launchdesk.bundle_times import LIVE, PREVIEW
from tests.newsroom.workflow_helpers import snapshot
from tests.space.test_launch_slips import form_data
from workflow.models import Transition
from workflow.states import State

pytestmark = pytest.mark.django_db


def with_row(launch, article, offset="-24:00") -> dict:
    data = form_data(launch)
    data.update(
        {
            "bundle-TOTAL_FORMS": "1",
            "bundle-INITIAL_FORMS": "0",
            "bundle-0-article": article.pk,
            "bundle-0-offset": offset,
            "bundle-0-outcome": "",
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


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("-24:00", -24),
        ("24:00 before", -24),
        ("24 hours before launch", -24),
        ("−2:30", -2.5),  # a typographer's minus
        ("+1:30", 1.5),
        ("1:30 after", 1.5),
        ("1:30 after the launch", 1.5),
        ("0:00", 0),
        ("  -2  ", -2),
    ],
)
def test_an_offset_is_typed_as_hours_and_minutes(
    client, editor, launch, story, typed, hours
):
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    response = client.post(url, with_row(launch, story("Preview"), offset=typed))
    assert response.status_code == 302
    (item,) = BundleItem.objects.all()
    assert item.offset == dt.timedelta(hours=hours)


def test_the_form_shows_offsets_as_they_are_typed(client, editor, launch, story):
    bundles.add_to_bundle(launch, story("Preview"), by=editor, offset=PREVIEW)
    bundles.add_to_bundle(launch, story("Live"), by=editor, offset=LIVE)
    bundles.add_to_bundle(
        launch, story("After"), by=editor, offset=dt.timedelta(minutes=90)
    )
    client.force_login(editor)
    html = client.get(reverse("admin:space_launch_change", args=[launch.pk])).text
    for shown in ("-24:00", "-2:00", "+1:30"):
        assert f'value="{shown}"' in html
    assert "1 day," not in html  # no raw duration
    assert "“-24:00” (or “24:00 before”) is a day before" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("24:00", "Say whether it is before or after the launch: “-24:00” or"),
        ("a day before", "Write the offset as hours and minutes before or after"),
        ("-1 day, 0:00:00", "Write the offset as hours and minutes before or after"),
        ("1:90 before", "Minutes go up to 59"),
        ("-2:00 after", "says both before and after the launch"),
        ("-2000", "at most 1000 hours"),
    ],
)
def test_a_bad_offset_is_refused_with_its_reason_and_kept(
    client, editor, launch, story, typed, message
):
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    response = client.post(url, with_row(launch, story("Preview"), offset=typed))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html  # the text as typed, to correct
    assert not BundleItem.objects.exists()


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


# --- "Schedule the bundle" (an action on the launch list) -----------------------


@pytest.fixture
def approved_bundle(launch, editor, story):
    preview = bundles.add_to_bundle(
        launch, story("Starlink 6-10 preview"), by=editor, offset=PREVIEW
    )
    live = bundles.add_to_bundle(
        launch, story("Starlink 6-10 live"), by=editor, offset=LIVE
    )
    draft = bundles.add_to_bundle(
        launch,
        story("Starlink 6-10 follow-up", status=State.DRAFT),
        by=editor,
        offset=dt.timedelta(hours=1),
    )
    return [preview, live, draft]


def schedule_action(launch) -> dict:
    return {"action": "schedule_bundle", "_selected_action": [launch.pk]}


def test_an_editor_schedules_the_bundle_from_the_launch_list(
    client, editor, launch, approved_bundle
):
    client.force_login(editor)
    url = reverse("admin:space_launch_changelist")
    assert "Schedule the bundle" in client.get(url).text
    response = client.post(url, schedule_action(launch), follow=True)
    assert response.status_code == 200
    preview, live, draft = (item.article for item in approved_bundle)
    for item in approved_bundle:
        item.article.refresh_from_db()
    assert (preview.status, preview.published_at) == (
        State.SCHEDULED,
        launch.net + approved_bundle[0].offset,
    )
    assert (live.status, live.published_at) == (
        State.SCHEDULED,
        launch.net + approved_bundle[1].offset,
    )
    assert draft.status == State.DRAFT
    (step,) = Transition.for_item(live).filter(action="schedule")
    assert step.by == editor
    assert "Starlink 6-10 live" in response.text


def test_who_may_not_schedule_stories_schedules_no_bundle(
    client, launch, approved_bundle
):
    clerk = UserFactory(is_staff=True, username="clerk")
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="space",
            codename__in=["view_launch", "change_launch"],
        )
    )
    client.force_login(clerk)
    url = reverse("admin:space_launch_changelist")
    assert "Schedule the bundle" not in client.get(url).text
    before = [snapshot(item.article) for item in approved_bundle]
    response = client.post(url, schedule_action(launch))
    assert response.status_code in (200, 302, 403)
    assert [snapshot(item.article) for item in approved_bundle] == before

"""The launch form's times: one labelled datetime-local box each (no split
date and time boxes), read and shown in the newsroom's time zone, which the
help text names; a time with seconds keeps them; a bad time is a 400 with the
reason and the text as typed."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from space.models import Launch, Slip
from tests.factories import LaunchFactory
from tests.space.test_launch_slips import form_data

NET = dt.datetime(2026, 3, 3, 14, 2, tzinfo=dt.UTC)


@pytest.fixture
def launch(settings, now):
    settings.TIME_ZONE = "America/New_York"
    return LaunchFactory(
        name="Starlink 6-10", slug="starlink-6-10", net=NET, status=Launch.Status.GO
    )


def box(html: str, name: str) -> str:
    return re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)


@pytest.mark.django_db
def test_each_time_is_one_labelled_box_in_newsroom_time(client, editor, launch):
    client.force_login(editor)
    html = client.get(reverse("admin:space_launch_change", args=[launch.pk])).text
    net = box(html, "net")
    assert 'type="datetime-local"' in net
    assert 'value="2026-03-03T09:02"' in net  # 14:02 UTC is 09:02 in New York
    assert 'id="id_net"' in net and "step" not in net
    assert '<label class="required" for="id_net">No earlier than:</label>' in html
    for name in ("window_start", "window_end"):
        assert 'type="datetime-local"' in box(html, name)
        assert f'for="id_{name}"' in html
    assert "net_0" not in html and "net_1" not in html
    assert "In the newsroom's time zone, America/New_York." in html


@pytest.mark.django_db
def test_a_time_typed_is_read_in_newsroom_time(client, editor, launch):
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    data = form_data(launch) | {"net": "2026-03-10T09:30"}  # after the DST change
    assert client.post(url, data).status_code == 302
    launch.refresh_from_db()
    assert launch.net == dt.datetime(2026, 3, 10, 13, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_seconds_are_kept_when_the_form_is_saved_untouched(client, editor, launch):
    launch.net = NET.replace(second=30)
    launch.save()
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    net = box(client.get(url).text, "net")
    assert 'value="2026-03-03T09:02:30"' in net and 'step="1"' in net
    data = form_data(launch) | {"net": "2026-03-03T09:02:30"}
    assert client.post(url, data).status_code == 302
    launch.refresh_from_db()
    assert launch.net == NET.replace(second=30)
    assert not Slip.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("next Tuesday", "Enter a valid date/time."),
        ("2026-13-01T09:00", "Enter a valid date/time."),
        ("9999-12-31T23:59", "between the years 1 and 9999"),
    ],
)
def test_a_bad_time_is_refused_with_the_text_kept(
    client, editor, launch, typed, message
):
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    response = client.post(url, form_data(launch) | {"net": typed})
    assert response.status_code == 400
    assert message in response.text
    assert f'value="{typed}"' in box(response.text, "net")
    launch.refresh_from_db()
    assert launch.net == NET

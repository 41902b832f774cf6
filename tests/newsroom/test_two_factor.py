"""Editors and administrators give a second factor (issue 12): a code from an
authenticator app, or a single-use recovery code, before any admin page."""

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains

from tests.factories import UserFactory
from tests.newsroom.env_vars import TEST_SECRET_KEY, load_settings
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, WRITERS

TWO_FACTOR = "/admin/two-factor/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_TWO_FACTOR = True


@pytest.fixture
def editor(db):
    return user_in(EDITORS, username="edie")


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_up(client) -> tuple[TOTPDevice, list[str]]:
    """Go through the first-time setup; returns the app and the recovery codes."""
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(confirmed=False)
    page = client.post(TWO_FACTOR, {"otp_token": code_for(device)})
    device.refresh_from_db()
    return device, re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())


def test_required_in_production_and_off_for_the_demo_under_debug():
    assert load_settings(SECRET_KEY=TEST_SECRET_KEY)["STAFF_TWO_FACTOR"] is True
    assert load_settings(DEBUG="on")["STAFF_TWO_FACTOR"] is False
    assert (
        load_settings(SECRET_KEY=TEST_SECRET_KEY, STAFF_TWO_FACTOR="off")[
            "STAFF_TWO_FACTOR"
        ]
        is False
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_editors_and_administrators_are_asked_before_any_admin_page(who):
    if who == "editor":
        user = user_in(EDITORS, username="edie")
    else:
        user = UserFactory(username="ada", is_staff=True, is_superuser=True)
    client = logged_in(user)

    for url in ["/admin/", "/admin/articles/article/", "/admin/tag-suggestions/?q=a"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{TWO_FACTOR}?next=")


@pytest.mark.django_db
def test_writers_are_not_asked(client):
    writer = user_in(WRITERS, username="wanda")

    assert logged_in(writer).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_not_asked_when_the_setting_is_off(settings, editor):
    settings.STAFF_TWO_FACTOR = False

    assert logged_in(editor).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_first_time_sets_up_the_app_and_shows_recovery_codes(editor):
    client = logged_in(editor)
    page = client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=editor)
    assertContains(page, "otpauth://totp/")

    wrong = client.post(TWO_FACTOR, {"otp_token": "000000"})
    assertContains(wrong, "That code is not right")
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/admin/").status_code == 302
    device.throttle_reset()  # django-otp slows retries after a failure

    device, codes = set_up(client)

    assert device.confirmed
    assert len(codes) == 10
    assert StaticDevice.objects.get(user=editor).token_set.count() == 10
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_returning_editor_needs_the_apps_code_each_session(editor):
    device, _ = set_up(logged_in(editor))
    device.last_t = -1  # the setup's code may still be current: allow it again
    device.save()
    client = logged_in(editor)

    wrong = client.post(
        TWO_FACTOR, {"otp_device": device.persistent_id, "otp_token": "123456"}
    )
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a failure
    right = client.post(
        TWO_FACTOR,
        {
            "otp_device": device.persistent_id,
            "otp_token": code_for(device),
            "next": "/admin/articles/article/",
        },
    )
    assert right.status_code == 302
    assert right["Location"] == "/admin/articles/article/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(editor):
    _, codes = set_up(logged_in(editor))
    recovery = StaticDevice.objects.get(user=editor)

    first = logged_in(editor)
    used = first.post(
        TWO_FACTOR, {"otp_device": recovery.persistent_id, "otp_token": codes[0]}
    )
    assert used.status_code == 302
    assert first.get("/admin/").status_code == 200

    second = logged_in(editor)
    again = second.post(
        TWO_FACTOR, {"otp_device": recovery.persistent_id, "otp_token": codes[0]}
    )
    assert again.status_code == 200
    assert second.get("/admin/").status_code == 302
    assert recovery.token_set.count() == 9


@pytest.mark.django_db
def test_next_never_leaves_the_site(editor):
    client = logged_in(editor)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(confirmed=False)

    response = client.post(
        TWO_FACTOR,
        {"otp_token": code_for(device), "next": "https://evil.example.com/"},
    )

    assertContains(response, 'href="/admin/"')
    assert "evil.example.com" not in response.content.decode()


@pytest.mark.django_db
def test_log_in_and_password_reset_work_before_the_second_factor(client, editor):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "edie", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302

    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/password_reset/").status_code == 200
    assert client.get(TWO_FACTOR).status_code == 200

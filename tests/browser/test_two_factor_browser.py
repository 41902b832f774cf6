"""An editor sets up the second factor and logs in with it, in a browser (issue
12): the setup page shows a QR code made on the server (inline SVG, nothing
fetched from elsewhere) and the key; a code from the key sets it up and shows
the recovery codes; the next log-in asks for a code and refuses a wrong one."""

import time
from base64 import b32decode

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import UserFactory
from workflow.roles import EDITORS

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(transactional_db, settings):
    # tests/conftest.py turns the second factor off for every other test.
    settings.STAFF_TWO_FACTOR = True
    user = UserFactory(username="edie", is_staff=True)
    # Flushed after each browser test with the rest: made again here.
    user.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    return user


def code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for `secret` (base32, as on the page).
    A code is good once: the next log-in uses the next step's code, which the
    server accepts as one step of clock drift, instead of waiting 30 s."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def log_in(page) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("edie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/two-factor/?next=/admin/")


def test_an_editor_sets_up_the_app_and_needs_a_code_to_log_in(
    page, editor, external_requests
):
    log_in(page)

    # Setting up: a QR code drawn inline, the key beside it.
    qr_code = page.locator("figure.otp-qr svg")
    expect(qr_code).to_be_visible()
    assert qr_code.locator("title").text_content().startswith("QR code")
    box = qr_code.bounding_box()
    assert box["width"] >= 100 and box["height"] >= 100
    assert page.locator("img, script:not([src]), [style]").count() == 0
    secret = page.locator("code.otp-secret").inner_text().strip()
    page.get_by_label("Code:", exact=True).fill(code(secret))
    page.get_by_role("button", name="Confirm").click()

    recovery = page.locator("ul.recovery-codes li")
    expect(recovery).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Logged out")).to_be_visible()

    # The next log-in asks for a code: no QR code, no key.
    log_in(page)
    expect(page.locator("figure.otp-qr")).to_have_count(0)
    expect(page.locator("code.otp-secret")).to_have_count(0)
    expect(page.get_by_label("Code from")).to_have_value(
        TOTPDevice.objects.get(user=editor).persistent_id
    )
    right = code(secret, steps_ahead=1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page.get_by_label("Code:", exact=True).fill(wrong)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".errornote")).to_contain_text("Invalid token")
    assert "/admin/two-factor/" in page.url
    # django-otp slows retries after a failure; an app would wait a second.
    TOTPDevice.objects.get(user=editor).throttle_reset()

    page.get_by_label("Code:", exact=True).fill(right)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()
    assert external_requests == []

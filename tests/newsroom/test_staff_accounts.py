"""Staff accounts resist takeover (issue 12): failed log-ins lock an account from
an address, with a clear message on the admin's log-in page, until the cool-off
ends or an administrator unlocks it."""

import datetime as dt
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.db.models import F
from django.test import RequestFactory
from pytest_django.asserts import assertContains, assertNotContains

from newsroom.accounts import lockout_message
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"
OFFICE = "203.0.113.7"
HOME = "198.51.100.23"


@pytest.fixture
def limit(settings):
    # The production default, whatever the environment running the tests says.
    settings.AXES_FAILURE_LIMIT = 10
    return 10


@pytest.fixture
def staff(db):
    return UserFactory(username="edie", is_staff=True, is_superuser=True)


def log_in(client, username, password, address=OFFICE):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in_as(client):
    return client.get("/admin/", REMOTE_ADDR=OFFICE).context["user"].get_username()


def fail(client, username, times, address=OFFICE):
    for _ in range(times):
        response = log_in(client, username, "not-the-password", address)
        assert response.status_code in {200, 429}


def test_failure_limit_is_read_from_the_environment_and_below_thirty():
    from tests.newsroom.env_vars import TEST_SECRET_KEY, load_settings

    default = load_settings(SECRET_KEY=TEST_SECRET_KEY)
    assert 0 < default["AXES_FAILURE_LIMIT"] <= 30
    assert default["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert default["AXES_COOLOFF_TIME"]  # a lock ends by itself
    changed = load_settings(SECRET_KEY=TEST_SECRET_KEY, LOGIN_FAILURE_LIMIT="5")
    assert changed["AXES_FAILURE_LIMIT"] == 5


@pytest.mark.django_db
def test_right_password_logs_in_below_the_limit(client, staff, limit):
    fail(client, "edie", limit - 1)

    response = log_in(client, "edie", PASSWORD)

    assert response.status_code == 302
    assert logged_in_as(client) == "edie"


@pytest.mark.django_db
def test_right_password_is_refused_once_locked_with_a_clear_message(
    client, staff, limit
):
    fail(client, "edie", limit)

    response = log_in(client, "edie", PASSWORD)

    assert response.status_code == 429
    assertContains(response, lockout_message(), status_code=429)
    assertContains(response, "30 minutes", status_code=429)
    assertContains(response, 'class="errornote"', status_code=429)
    assertNotContains(response, 'name="password"', status_code=429)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # to the log-in page


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, staff):
    # The "done when", with the setting's own default limit.
    fail(client, "edie", 30)

    response = log_in(client, "edie", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_locked_account_is_refused_by_authenticate_too(staff, limit, client):
    fail(client, "edie", limit)
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=OFFICE)

    assert authenticate(request, username="edie", password=PASSWORD) is None


@pytest.mark.django_db
def test_another_account_from_the_same_address_is_not_locked(client, staff, limit):
    UserFactory(username="wanda", is_staff=True)
    fail(client, "edie", limit)

    response = log_in(client, "wanda", PASSWORD)

    assert response.status_code == 302
    assert logged_in_as(client) == "wanda"


@pytest.mark.django_db
def test_the_same_account_from_another_address_is_not_locked(client, staff, limit):
    fail(client, "edie", limit, address=HOME)

    response = log_in(client, "edie", PASSWORD, address=OFFICE)

    assert response.status_code == 302


@pytest.mark.django_db
def test_an_unknown_username_locks_with_the_same_page(client, staff, limit):
    fail(client, "nobody", limit)

    response = log_in(client, "nobody", PASSWORD)

    assertContains(response, lockout_message(), status_code=429)


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client, staff, limit, settings):
    fail(client, "edie", limit)
    # Move the failures back in time rather than wait for the clock.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time")
        - settings.AXES_COOLOFF_TIME
        - dt.timedelta(seconds=1)
    )

    response = log_in(client, "edie", PASSWORD)

    assert response.status_code == 302


@pytest.mark.django_db
def test_forwarded_for_is_ignored_without_a_proxy(client, staff, limit):
    # A client cannot dodge the lock by writing its own X-Forwarded-For.
    for n in range(limit):
        client.post(
            LOGIN,
            {"username": "edie", "password": "wrong"},
            REMOTE_ADDR=OFFICE,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = client.post(
        LOGIN,
        {"username": "edie", "password": PASSWORD},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )

    assert response.status_code == 429


# --- Unlocking from the admin -------------------------------------------------


def unlock(admin_client, action="unlock"):
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    return admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": action, "_selected_action": ids},
        REMOTE_ADDR=HOME,
    )


@pytest.mark.django_db
def test_an_administrator_unlocks_from_the_admin(client, staff, limit):
    fail(client, "edie", limit)
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    assert admin_client.get("/admin/axes/accessattempt/").status_code == 200

    response = unlock(admin_client)

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "edie", PASSWORD).status_code == 302
    assert logged_in_as(client) == "edie"


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_unlock(client, staff, limit):
    fail(client, "edie", limit)
    writer = UserFactory(username="wanda", is_staff=True)
    writer_client = type(client)()
    writer_client.force_login(writer)

    response = unlock(writer_client)

    assert response.status_code == 403
    assert AccessAttempt.objects.get().failures_since_start == limit
    assert log_in(client, "edie", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_deleting_the_attempt_also_unlocks(client, staff, limit):
    fail(client, "edie", limit)
    admin_client = type(client)()
    admin_client.force_login(
        UserFactory(username="ada", is_staff=True, is_superuser=True)
    )

    unlock(admin_client, action="delete_selected")
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert not AccessAttempt.objects.exists()
    assert log_in(client, "edie", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_address_the_proxy_wrote_counts(
    client, staff, limit, settings
):
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(limit):
        # What the client claims comes first; the proxy appends the real address.
        client.post(
            LOGIN,
            {"username": "edie", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {HOME}",
        )

    locked = client.post(
        LOGIN,
        {"username": "edie", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"192.0.2.200, {HOME}",
    )
    elsewhere = client.post(
        LOGIN,
        {"username": "edie", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OFFICE,
    )

    assert locked.status_code == 429
    assert elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == HOME


# --- The demo -----------------------------------------------------------------


@pytest.mark.django_db
def test_demo_logins_work_through_the_log_in_page_and_the_demo_unlocks_them(
    client, limit
):
    from django.core.management import call_command

    call_command("load_demo", force=True, stdout=StringIO())
    assert log_in(client, "editor", "sky-crane-editor").status_code == 302
    client.logout()
    fail(client, "editor", limit)
    assert log_in(client, "editor", "sky-crane-editor").status_code == 429

    call_command("load_demo", force=True, stdout=StringIO())

    assert log_in(client, "editor", "sky-crane-editor").status_code == 302
    assert logged_in_as(client) == "editor"

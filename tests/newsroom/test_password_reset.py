"""Staff reset a forgotten password by e-mail (issue 12). The answer is the same
whatever address is typed, and the mail goes only to the address stored on a
staff account, never to a look-alike someone typed."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from pytest_django.asserts import assertContains

from newsroom import accounts
from tests.factories import UserFactory

RESET = "/admin/password_reset/"
STORED = "editor@example.com"
NEW_PASSWORD = "a fresh and long passphrase 42"


@pytest.fixture
def editor(db):
    return UserFactory(username="edie", email=STORED, is_staff=True)


def ask(client, email):
    return client.post(RESET, {"email": email}, follow=True)


def answer(response) -> tuple:
    """What the person who asked sees: where they were sent and the page (the
    form's CSRF token is masked afresh on every page, so it is left out)."""
    page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)
    return response.redirect_chain, response.status_code, page


@pytest.mark.django_db
def test_log_in_page_offers_the_reset(client):
    response = client.get("/admin/login/")

    assertContains(response, "Forgotten your login credentials?")
    assertContains(response, f'href="{RESET}"')


@pytest.mark.django_db
def test_the_reset_page_is_the_admins(client, settings):
    response = client.get(RESET)

    assertContains(response, f"{settings.SITE_NAME} admin")
    assertContains(response, 'name="email"')


@pytest.mark.django_db
def test_a_known_address_gets_one_mail_at_the_stored_address(client, editor):
    response = ask(client, "EDITOR@Example.com")

    assert response.redirect_chain == [("/admin/password_reset/done/", 302)]
    assert [message.to for message in mail.outbox] == [[STORED]]


LOOK_ALIKES = pytest.mark.parametrize(
    "typed",
    [
        "edıtor@example.com",  # dotless i
        "EDİTOR@example.com",  # capital I with a dot
        "ｅｄｉｔｏｒ@example.com",  # fullwidth letters
        "editor@exаmple.com",  # Cyrillic a
        "editor@example.com\u200b",  # zero-width space
    ],
    ids=["dotless-i", "dotted-I", "fullwidth", "cyrillic-a", "zero-width"],
)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, editor):
    known = answer(ask(client, STORED))
    mail.outbox.clear()

    response = ask(client, "nobody@example.com")

    assert answer(response) == known
    assert mail.outbox == []


@pytest.mark.django_db
@LOOK_ALIKES
def test_a_look_alike_address_gets_no_mail_and_an_answer_that_tells_nothing(
    client, editor, typed
):
    # Django refuses some look-alikes as malformed (fullwidth letters, a
    # zero-width space) and answers "sent" to the rest; either way the answer
    # is the one that address gets when no account exists at all.
    with_account = answer(ask(client, typed))
    editor.delete()

    without_account = answer(ask(client, typed))

    assert with_account == without_account
    assert mail.outbox == []


@pytest.mark.django_db
def test_every_mail_goes_to_the_stored_address_only(client, editor):
    for typed in [
        STORED,
        STORED.upper(),
        "ｅｄｉｔｏｒ@example.com",
        "edıtor@example.com",
    ]:
        ask(client, typed)

    assert {tuple(message.to) for message in mail.outbox} == {(STORED,)}
    assert all(not message.cc and not message.bcc for message in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "account",
    [{"is_staff": False}, {"is_active": False}],
    ids=["not-staff", "inactive"],
)
def test_accounts_that_may_not_reset_get_the_same_answer_and_no_mail(
    client, editor, account
):
    UserFactory(username="other", email="other@example.com", **account)
    known = answer(ask(client, STORED))
    mail.outbox.clear()

    response = ask(client, "other@example.com")

    assert answer(response) == known
    assert mail.outbox == []


def link_in(message) -> str:
    return re.search(r"https?://\S+/admin/reset/\S+/", message.body).group(0)


@pytest.mark.django_db
def test_the_link_sets_a_new_password_and_lifts_a_lock(client, editor, settings):
    settings.SITE_URL = "https://news.example.com"
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/admin/login/", {"username": "edie", "password": "wrong"})
    assert AccessAttempt.objects.exists()
    ask(client, STORED)
    link = link_in(mail.outbox[0])
    assert link.startswith("https://news.example.com/admin/reset/")

    form = client.get(link.removeprefix("https://news.example.com"), follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert done.redirect_chain == [("/admin/reset/done/", 302)]
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    assert not AccessAttempt.objects.exists()
    login = client.post(
        "/admin/login/?next=/admin/", {"username": "edie", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302


@pytest.mark.django_db
def test_a_forged_link_changes_nothing(client, editor):
    password = editor.password

    response = client.get("/admin/reset/MQ/forged-token/", follow=True)

    assertContains(response, "invalid")
    editor.refresh_from_db()
    assert editor.password == password


# --- Rate limits ---------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """`timezone.now()` stopped at a moment the test moves forward by hand."""
    from django.utils import timezone

    moment = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: moment[0])

    def advance(**delta):
        moment[0] += dt.timedelta(**delta)

    return advance


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_limits_are_three_mails_an_account_and_twenty_asks_an_address():
    assert accounts.RESET_MAILS_PER_ACCOUNT == 3
    assert accounts.RESET_ASKS_PER_CLIENT == 20
    assert accounts.RESET_LIMIT_WINDOW == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_an_account_gets_three_mails_an_hour_and_the_same_answer_after(editor, clock):
    first = answer(ask(from_address("10.0.0.1"), STORED))
    for number in range(2, 4):  # from other addresses: the account's limit
        clock(minutes=10)
        assert answer(ask(from_address(f"10.0.0.{number}"), STORED)) == first
    assert len(mail.outbox) == 3

    clock(minutes=10)
    limited = ask(from_address("10.0.0.9"), STORED)

    assert answer(limited) == first
    assert len(mail.outbox) == 3
    clock(minutes=31)  # an hour after the first mail: one more may go
    ask(from_address("10.0.0.9"), STORED)
    assert len(mail.outbox) == 4
    ask(from_address("10.0.0.9"), STORED)
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_the_account_limit_counts_the_stored_address_however_it_is_typed(editor, clock):
    for typed in [STORED, STORED.upper(), "Editor@Example.COM", STORED]:
        ask(from_address("10.0.0.1"), typed)

    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_one_client_address_asks_twenty_times_an_hour(editor, clock):
    UserFactory(username="other", email="other@example.com", is_staff=True)
    client = from_address("192.0.2.7")
    known = answer(ask(client, STORED))
    for number in range(19):
        ask(client, f"nobody{number}@example.com")
    mail.outbox.clear()

    # The 21st ask: the same answer as ever, for a known address, and no mail.
    assert answer(ask(client, "other@example.com")) == known
    assert mail.outbox == []
    # Another client address is not held back by this one.
    ask(from_address("192.0.2.8"), "other@example.com")
    assert [message.to for message in mail.outbox] == [["other@example.com"]]
    clock(hours=1, seconds=1)
    ask(client, "other@example.com")
    assert len(mail.outbox) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", [STORED, "nobody@example.com"], ids=["known", "unknown"]
)
def test_a_limited_ask_is_answered_as_a_known_and_an_unknown_one(editor, clock, typed):
    fresh = answer(ask(from_address("10.0.0.1"), typed))
    client = from_address("10.0.0.2")
    for _ in range(accounts.RESET_ASKS_PER_CLIENT):
        ask(client, "nobody@example.com")
    mail.outbox.clear()

    assert answer(ask(client, typed)) == fresh
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_client_address_is_the_one_the_proxies_saw(editor, clock, settings):
    settings.PROXY_COUNT = 1
    for number in range(accounts.RESET_ASKS_PER_CLIENT):
        # A client that writes its own X-Forwarded-For does not escape the limit.
        Client(
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.4",
        ).post(RESET, {"email": "nobody@example.com"})

    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4").post(
        RESET, {"email": STORED}
    )

    assert mail.outbox == []

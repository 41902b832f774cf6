"""E-mail goes through the task queue (issue 17, core/mail.py): the site's
EMAIL_BACKEND queues each message, and a worker hands it to the real one."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.mail import MailNotSent

FAILURES = {"left": 0}


class FlakyBackend(LocmemBackend):
    """Refuses the first FAILURES["left"] messages, like a busy SMTP server."""

    def send_messages(self, messages):
        if FAILURES["left"] > 0:
            FAILURES["left"] -= 1
            raise ConnectionRefusedError("the mail server is busy")
        return super().send_messages(messages)


@pytest.fixture
def queued(settings):
    settings.EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
    settings.MAIL_DELIVERY_BACKEND = "test_queued_mail.FlakyBackend"
    FAILURES["left"] = 0
    yield
    FAILURES["left"] = 0


def test_a_message_is_delivered_through_the_queue_with_everything_in_it(queued):
    message = EmailMultiAlternatives(
        subject="Changes requested: Perseverance watched its sky crane crash",
        body="Please check the credit line.",
        from_email="desk@example.org",
        to=["daniel@example.org"],
        cc=["copy@example.org"],
        reply_to=["editor@example.org"],
        headers={"X-Newsroom": "workflow"},
    )
    message.attach_alternative("<p>Please check the credit line.</p>", "text/html")

    assert message.send() == 1

    (delivered,) = mail.outbox
    assert delivered.subject == message.subject
    assert delivered.body == message.body
    assert (delivered.to, delivered.cc, delivered.reply_to) == (
        ["daniel@example.org"],
        ["copy@example.org"],
        ["editor@example.org"],
    )
    assert delivered.extra_headers == {"X-Newsroom": "workflow"}
    assert delivered.alternatives[0][1] == "text/html"


def test_a_busy_mail_server_is_tried_again(queued):
    FAILURES["left"] = 2

    send_mail("Scheduled", "It goes live at 09:00.", None, ["desk@example.org"])

    assert [m.subject for m in mail.outbox] == ["Scheduled"]


def test_a_message_that_cannot_be_sent_is_reported_to_the_sender(queued):
    """With the embedded queue the task runs at once: the workflow still
    tells the editor that the e-mail did not go."""
    FAILURES["left"] = 10

    with pytest.raises(MailNotSent):
        send_mail("Published", "It is live.", None, ["desk@example.org"])

    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_request_only_queues_the_message(queued, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    send_mail("Approved", "Ready to schedule.", None, ["desk@example.org"])

    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.subject for m in mail.outbox] == ["Approved"]

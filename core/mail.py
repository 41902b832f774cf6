"""E-mail through the task queue (issue 17): the site's EMAIL_BACKEND.

Whoever sends mail (the workflow's notifications, the launch desk's summaries,
Django's password reset) calls Django's `send_mail` as usual; this backend
turns each message into a `deliver` task, and the task hands it to the real
backend (`MAIL_DELIVERY_BACKEND`, from EMAIL_URL). An editor's request no
longer waits for an SMTP server, and a message that fails is tried again
(core.tasks.background) and then listed with its error in the admin.

With the embedded task backend the task runs at once, as before: a delivery
that fails for good raises here, so the person who acted is still told.
"""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import TaskResultStatus

from .tasks import background


class MailNotSent(Exception):
    pass


def serialize(message: EmailMessage) -> dict:
    """The message as JSON the queue can keep. Attachments must be text
    (the site sends none)."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if not isinstance(content, str):
            raise ValueError("Only text attachments can be queued.")
        attachments.append([filename, content, mimetype])
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def deserialize(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(a) for a in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, content, mimetype)
    return message


@background(retries=3, backoff=60)
def deliver(data: dict) -> None:
    connection = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)
    connection.send_messages([deserialize(data)])


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            result = deliver.enqueue(serialize(message))
            if result.status == TaskResultStatus.FAILED and not self.fail_silently:
                raise MailNotSent(f"Could not send {message.subject!r}.")
            sent += 1
        return sent

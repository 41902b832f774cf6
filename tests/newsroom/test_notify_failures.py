"""A workflow e-mail that cannot be sent is shown to the person who acted, as
well as logged; a headline with a line break no longer stops it (issue 12)."""

import logging

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.roles import EDITORS, WRITERS, sync_roles
from workflow.states import State

WARNING = (
    "Sent to the editors for review, but the e-mail to Edie Stone could not be sent: "
    "tell them yourself."
)


def submit_over_http(client, story, writer):
    client.force_login(writer)
    address = reverse("admin:articles_article_transition", args=[story.pk, "submit"])
    response = client.post(address, {"_version": story.version})
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def people(db):
    """Run where the transaction commits as in production (the e-mail is sent
    on commit, before the admin answers), so the roles the migrations made may
    have been flushed by an earlier test like this one."""
    sync_roles()
    writer = user_in(WRITERS, username="wanda", email="wanda@example.com")
    editor = user_in(
        EDITORS,
        username="edie",
        email="edie@example.com",
        first_name="Edie",
        last_name="Stone",
    )
    story = ArticleFactory(status=State.DRAFT, created_by=writer)
    story.bylines.create(author=AuthorFactory(user=writer))
    return writer, editor, story


@pytest.mark.django_db(transaction=True)
def test_person_who_acted_sees_that_the_mail_failed(client, people, caplog):
    writer, editor, story = people

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    services_send_mail = services.send_mail
    services.send_mail = broken
    try:
        with caplog.at_level(logging.ERROR, logger="workflow.services"):
            shown = submit_over_http(client, story, writer)
    finally:
        services.send_mail = services_send_mail

    assert WARNING in shown
    assert not any("has been told" in m for m in shown)
    assert "Could not send workflow e-mail" in caplog.text
    story.refresh_from_db()
    assert story.status == State.IN_REVIEW


@pytest.mark.django_db(transaction=True)
def test_no_warning_when_the_mail_goes(client, people):
    writer, editor, story = people

    shown = submit_over_http(client, story, writer)

    assert WARNING not in shown
    assert shown == ["Sent to the editors for review; Edie Stone has been told."]
    assert mail.outbox[-1].to == ["edie@example.com"]


@pytest.mark.django_db
def test_headline_with_a_line_break_still_sends_the_mail(
    story_in, writer, editor, django_capture_on_commit_callbacks
):
    editor.email = "edie@example.com"
    editor.save()
    story = story_in(State.DRAFT)
    # Stored before line breaks were folded on save: the subject folds it too.
    Article.objects.filter(pk=story.pk).update(headline="Artemis\r\nslips\x0bagain")
    story.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        step = services.transition(story, "submit", by=writer)

    assert mail.outbox[-1].subject == "Ready for review: Artemis slips again"
    assert services.mail_failure_message(step) == ""

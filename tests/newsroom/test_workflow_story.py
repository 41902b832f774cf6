"""The issue's acceptance story, played through the admin by a writer and an
editor: draft, submit, changes requested, revise, resubmit, schedule two minutes
ahead, live at that minute with no worker, then recorded by the worker."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import AuthorFactory, SectionFactory
from workflow.models import Revision, Transition
from workflow.states import State

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def post_form(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def form_data(client, url):
    """The fields a browser would send back from the change form."""
    html = client.get(url).content.decode()
    data = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html
    ):
        data[name] = value
    return data


def test_writer_and_editor_take_a_story_to_the_front_page(
    client, writer, editor, monkeypatch, django_capture_on_commit_callbacks
):
    section = SectionFactory(name="Spaceflight", slug="spaceflight")
    AuthorFactory(user=writer, name="Wanda")  # her new story carries her byline
    now = dt.datetime(2026, 11, 23, 13, 55, tzinfo=NEW_YORK)
    monkeypatch.setattr(timezone, "now", lambda: now)
    story_fields = {
        "headline": "Starship stacks for its next flight",
        "slug": "",
        "dek": "Its next flight test is weeks away.",
        "section": section.pk,
        "tags": "Starship",
        "body": "<p>First draft.</p>",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }

    # The writer drafts and submits.
    client.force_login(writer)
    post_form(client, reverse("admin:articles_article_add"), story_fields)
    story = Article.objects.get()
    change = reverse("admin:articles_article_change", args=[story.pk])
    act = lambda action: reverse(  # noqa: E731
        "admin:articles_article_transition", args=[story.pk, action]
    )
    post_form(client, act("submit"), {})

    # The editor asks for changes.
    client.force_login(editor)
    post_form(client, act("request_changes"), {"comment": "Say when it flies."})

    # The writer revises and resubmits.
    client.force_login(writer)
    revised = {
        **story_fields,
        "slug": story.slug,
        "body": "<p>It could fly next week.</p>",
        "_version": form_data(client, change)["_version"],
    }
    post_form(client, change, revised)
    post_form(client, act("submit"), {})

    # The editor approves and schedules it two minutes ahead (New York time).
    client.force_login(editor)
    post_form(client, act("approve"), {})
    post_form(client, act("schedule"), {"at": "2026-11-23T13:57"})
    client.logout()

    # 13:56:59: not yet public. 13:57:00: on the front page, no worker run.
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(seconds=119))
    assertNotContains(client.get("/"), "Starship stacks")
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(minutes=2))
    assertContains(client.get("/"), "Starship stacks")
    assertContains(client.get(story.get_absolute_url()), "It could fly next week.")

    # The worker then records it as published.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    story.refresh_from_db()
    assert story.status == State.PUBLISHED

    steps = list(
        Transition.for_item(story)
        .order_by("id")
        .values_list("action", "by__username", "comment")
    )
    assert steps == [
        ("submit", "wanda", ""),
        ("request_changes", "edie", "Say when it flies."),
        ("submit", "wanda", ""),
        ("approve", "edie", ""),
        ("schedule", "edie", ""),
        ("publish", None, "Published on schedule."),
    ]
    bodies = list(Revision.for_item(story).order_by("number").values_list("data__body"))
    assert bodies == [("<p>First draft.</p>",), ("<p>It could fly next week.</p>",)]

    client.force_login(editor)
    history = client.get(reverse("admin:articles_article_revisions", args=[story.pk]))
    assertContains(history, "Say when it flies.")
    assertContains(history, "scheduler")

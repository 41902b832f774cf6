"""Related lists are worked out on the task queue (issue 17): with the
database queue an editor's save only stores the task, with the change, and
a worker refreshes the lists."""

import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from tests.factories import ArticleFactory
from workflow.states import State

pytestmark = pytest.mark.django_db(transaction=True)


def story(headline, *tags, now, hours_ago):
    made = ArticleFactory(
        headline=headline,
        status=State.PUBLISHED,
        published_at=now - dt.timedelta(hours=hours_ago),
    )
    made.tags.add(*tags)
    return made


def test_a_new_story_joins_its_neighbours_lists_through_the_worker(settings, now):
    older = story("Perseverance lands", "Mars", now=now, hours_ago=48)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    newer = story("The sky crane's crash site", "Mars", now=now, hours_ago=1)

    older.refresh_from_db()
    assert newer.pk not in older.related_ids["by_tags"]  # not in the request
    assert DBTaskResult.objects.ready().exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert newer.pk in Article.objects.get(pk=older.pk).related_ids["by_tags"]
    assert not DBTaskResult.objects.failed().exists()

"""The migration that adds kept related-story lists works them out for the
stories already there (an upgrade of a live newsroom)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import Article

BEFORE = [("articles", "0008_inline_images")]
AFTER = [("articles", "0009_related_ids")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_stories_get_their_lists():
    old = migrate(BEFORE)
    try:
        Section = old.get_model("articles", "Section")
        OldArticle = old.get_model("articles", "Article")
        Tag = old.get_model("taggit", "Tag")
        TaggedItem = old.get_model("taggit", "TaggedItem")
        content_type = ContentType.objects.get_for_model(Article).pk
        section = Section.objects.create(name="Mars", slug="mars")
        now = timezone.now()

        def story(slug, hours_ago, *tags):
            made = OldArticle.objects.create(
                headline=slug,
                slug=slug,
                section=section,
                status="published",
                published_at=now - dt.timedelta(hours=hours_ago),
            )
            for tag in tags:
                TaggedItem.objects.create(
                    tag=tag, content_type_id=content_type, object_id=made.pk
                )
            return made

        mars, nasa = (
            Tag.objects.create(name="Mars", slug="mars"),
            Tag.objects.create(name="NASA", slug="nasa"),
        )
        rover = story("rover", 1, mars, nasa)
        lander = story("lander", 2, mars)
        budget = story("budget", 3, nasa)
        story("comet", 4)

        migrate(AFTER)

        kept = dict(Article.objects.values_list("slug", "related_ids"))
        assert kept["rover"] == {"picks": [], "by_tags": [lander.pk, budget.pk]}
        assert kept["lander"] == {"picks": [], "by_tags": [rover.pk]}
        assert kept["comet"] == {"picks": [], "by_tags": []}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

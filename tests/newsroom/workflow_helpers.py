"""Helpers for the workflow tests (fixtures are in conftest.py)."""

from django.contrib.auth.models import Group

from tests.factories import UserFactory
from workflow.models import Transition


def user_in(group: str, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


def snapshot(story) -> tuple:
    """What a refused action must leave unchanged."""
    story.refresh_from_db()
    return (
        story.status,
        story.published_at,
        story.headline,
        story.body,
        Transition.for_item(story).count(),
    )


def edit_data(story, **changes) -> dict:
    """The story change form's POST for `story` as its page would send it (the
    version it was loaded from included), plus `changes` (lists for many
    values). "related" and "gallery" are sent empty unless changed: what a
    writer's page sends when it shows none."""
    data = {
        "headline": story.headline,
        "slug": story.slug,
        "dek": story.dek,
        "section": story.section_id,
        "tags": "",
        "body": story.body,
        "hero_image": story.hero_image_id or "",
        "hero_caption": story.hero_caption,
        "seo_title": story.seo_title,
        "seo_description": story.seo_description,
        "gallery": "",
        "_version": story.version,
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    for i, byline in enumerate(story.bylines.all()):
        data[f"bylines-{i}-id"] = byline.pk
        data[f"bylines-{i}-article"] = story.pk
        data[f"bylines-{i}-author"] = byline.author_id
        data[f"bylines-{i}-position"] = byline.position
        data["bylines-TOTAL_FORMS"] = data["bylines-INITIAL_FORMS"] = str(i + 1)
    data.update(changes)
    return data

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

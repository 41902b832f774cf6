"""The permission matrix: every role × every transition × every state.

Allowed cases show the new state and the audit row; refused ones show the error
and that nothing changed in the database.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.newsroom.workflow_helpers import snapshot
from workflow import services
from workflow.models import Transition
from workflow.states import RULES, State

pytestmark = pytest.mark.django_db

WRITER_ACTIONS = {"submit", "withdraw", "revise"}


def allowed_for(role: str, action: str) -> bool:
    """The story belongs to `writer`; submitting, withdrawing and revising are
    its writers' own steps, everything else editors' work."""
    if role == "editor":
        return action not in WRITER_ACTIONS
    if role == "writer":
        return action in WRITER_ACTIONS
    return False  # another writer


def arguments(rule):
    return {
        "comment": "Needs a second source." if rule.needs_comment else "",
        "at": timezone.now() + dt.timedelta(days=1) if rule.needs_time else None,
    }


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(RULES))
@pytest.mark.parametrize("role", ["writer", "other_writer", "editor"])
def test_permission_matrix(request, story_in, role, action, state):
    user = request.getfixturevalue(role)
    story = story_in(state)
    rule = RULES[action]
    before = snapshot(story)

    if not allowed_for(role, action):
        with pytest.raises(services.WorkflowPermissionDenied):
            services.transition(story, action, by=user, **arguments(rule))
        assert snapshot(story) == before
    elif state not in rule.sources:
        with pytest.raises(services.InvalidTransition):
            services.transition(story, action, by=user, **arguments(rule))
        assert snapshot(story) == before
    else:
        step = services.transition(story, action, by=user, **arguments(rule))
        story.refresh_from_db()
        assert story.status == rule.target
        assert (step.action, step.from_state, step.to_state, step.by) == (
            action,
            state,
            rule.target,
            user,
        )
        assert Transition.for_item(story).count() == before[-1] + 1


@pytest.mark.parametrize("action", ["request_changes", "unpublish"])
def test_comment_required(story_in, editor, action):
    state = State.IN_REVIEW if action == "request_changes" else State.PUBLISHED
    story = story_in(state)
    before = snapshot(story)
    with pytest.raises(
        services.InvalidTransition, match="the writers read your comment"
    ):
        services.transition(story, action, by=editor, comment="   ")
    assert snapshot(story) == before


def test_schedule_in_the_past_refused(story_in, editor):
    story = story_in(State.APPROVED)
    before = snapshot(story)
    with pytest.raises(services.InvalidTransition, match="has already passed"):
        services.transition(
            story, "schedule", by=editor, at=timezone.now() - dt.timedelta(minutes=1)
        )
    assert snapshot(story) == before


def test_schedule_rounds_to_the_minute(story_in, editor):
    story = story_in(State.APPROVED)
    at = (timezone.now() + dt.timedelta(hours=1)).replace(second=42, microsecond=7)
    services.transition(story, "schedule", by=editor, at=at)
    story.refresh_from_db()
    assert story.published_at == at.replace(second=0, microsecond=0)


def test_publish_refused_when_hero_image_lacks_credit(story_in, editor):
    from tests.factories import ImageFactory

    image = ImageFactory(title="Hazcam plume", credit="", alt_text="")
    story = story_in(State.APPROVED, hero_image=image)
    before = snapshot(story)
    with pytest.raises(services.InvalidTransition) as refused:
        services.transition(story, "publish", by=editor)
    assert "“Hazcam plume”" in str(refused.value)
    assert "alt text or credit" in str(refused.value)
    assert snapshot(story) == before


def test_inactive_or_non_staff_users_may_do_nothing(story_in, editor):
    story = story_in(State.APPROVED)
    editor.is_active = False
    assert services.available_actions(editor, story) == []
    with pytest.raises(services.WorkflowPermissionDenied):
        services.transition(story, "publish", by=editor)


def test_buttons_offered_match_the_rules(story_in, writer, editor):
    draft = story_in(State.DRAFT)
    assert [r.action for r in services.available_actions(writer, draft)] == ["submit"]
    in_review = story_in(State.IN_REVIEW)
    assert [r.action for r in services.available_actions(writer, in_review)] == [
        "withdraw"
    ]
    assert {r.action for r in services.available_actions(editor, in_review)} == {
        "request_changes",
        "approve",
    }


def test_writer_edits_only_own_drafts_and_stories_sent_back(
    story_in, writer, other_writer, editor
):
    for state in State:
        story = story_in(state)
        assert services.can_edit(writer, story) == (
            state in (State.DRAFT, State.CHANGES_REQUESTED)
        )
        assert not services.can_edit(other_writer, story)
        assert services.can_edit(editor, story)


def test_co_bylined_writer_counts_as_owner(story_in, other_writer):
    from tests.factories import AuthorFactory

    story = story_in(State.DRAFT)
    assert not services.can_edit(other_writer, story)
    story.bylines.create(author=AuthorFactory(user=other_writer), position=1)
    assert services.can_edit(other_writer, story)


def test_editor_submits_own_story(story_in, editor):
    story = story_in(State.DRAFT)
    story.created_by = editor
    story.save()
    services.transition(story, "submit", by=editor)
    story.refresh_from_db()
    assert story.status == State.IN_REVIEW


def test_transition_releases_the_actors_edit_lock(story_in, writer, editor):
    story = story_in(State.DRAFT)
    services.open_for_editing(story, user=writer)
    services.transition(story, "submit", by=writer)
    assert services.open_for_editing(story, user=editor) == []

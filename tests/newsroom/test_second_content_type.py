"""The workflow is shared: a second content type, unknown to it, goes through the
same rules, audit trail, revisions, scheduling and previews."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.http import HttpResponse

from tests.factories import UserFactory
from workflow import registry, services
from workflow.models import Publishable, Revision, Transition
from workflow.states import CUSTOM_PERMISSIONS, State


class Memo(Publishable):
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "workflow_tests"

    def __str__(self):
        return self.title

    def revision_data(self):
        return {"title": self.title}

    def apply_revision_data(self, data):
        self.title = data["title"]
        self.save()


@pytest.fixture
def memo_table(transactional_db):
    """Memo's table and permissions, created for these tests only."""
    with connection.schema_editor() as editor:
        editor.create_model(Memo)
    content_type = ContentType.objects.get_for_model(Memo)
    for action in ["add", "change", "view", *CUSTOM_PERMISSIONS]:
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_memo",
            defaults={"name": f"Can {action} memo"},
        )
    registry.register(
        Memo,
        registry.Adapter(
            render_preview=lambda request, item, **kw: HttpResponse(item.title)
        ),
    )
    yield
    registry._registry.pop(Memo, None)
    with connection.schema_editor() as editor:
        editor.delete_model(Memo)


def grant(user, *actions):
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=[f"{a}_memo" for a in actions])
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_memo_goes_through_the_same_workflow(memo_table, now):
    author = grant(UserFactory(is_staff=True, username="mo"), "add", "change", "view")
    chief = grant(
        UserFactory(is_staff=True, username="chief"),
        "change",
        "view",
        *CUSTOM_PERMISSIONS,
    )
    memo = Memo.objects.create(title="Launch window memo", created_by=author)

    services.transition(memo, "submit", by=author)
    with pytest.raises(services.WorkflowPermissionDenied):
        services.transition(memo, "approve", by=author)
    memo.refresh_from_db()
    assert (memo.status, Transition.for_item(memo).count()) == (State.IN_REVIEW, 1)

    services.transition(memo, "approve", by=chief)
    # The clock is stopped: on a slow run, two minutes ahead (rounded down to
    # the minute) could be in the past by the time the schedule is checked.
    services.transition(memo, "schedule", by=chief, at=now + dt.timedelta(minutes=2))
    assert not Memo.objects.public().exists()
    report = services.publish_due(now=now + dt.timedelta(minutes=3))
    assert report.published == [memo]

    trail = list(
        Transition.for_item(memo).order_by("at", "id").values_list("action", flat=True)
    )
    assert trail == ["submit", "approve", "schedule", "publish"]
    memo.refresh_from_db()
    assert memo.status == State.PUBLISHED


def test_memo_revisions_and_restore(memo_table):
    chief = grant(
        UserFactory(is_staff=True, username="chief2"), "change", "edit_others"
    )
    memo = Memo.objects.create(title="First", created_by=chief)
    services.save_revision(memo, by=chief)
    memo.title = "Second"
    memo.save()
    services.save_revision(memo, by=chief)
    services.restore_revision(
        memo, Revision.for_item(memo).get(number=1), by=chief, version=memo.version
    )
    memo.refresh_from_db()
    assert memo.title == "First"
    assert Revision.for_item(memo).count() == 3

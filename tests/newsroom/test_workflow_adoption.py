"""A database from before the workflow had its own app keeps its revisions,
audit rows and permissions: the workflow's first migration adopts the
`newsroom_*` tables rather than starting empty beside them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The project's last migration before the move; going back to before the
# workflow's first one unapplies newsroom 0006 too.
OLD = ("newsroom", "0005_drafts_and_versions")


def migrate(targets, state_at):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_at).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def back_to_latest():
    yield
    MigrationExecutor(connection).migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_old_tables_are_adopted_with_their_rows_and_permissions(back_to_latest):
    old = migrate([("workflow", None)], OLD)
    tables = connection.introspection.table_names()
    assert "newsroom_transition" in tables and "workflow_transition" not in tables
    ContentType = old.get_model("contenttypes", "ContentType")
    story_type, _ = ContentType.objects.get_or_create(
        app_label="articles", model="article"
    )
    audit_type, _ = ContentType.objects.get_or_create(
        app_label="newsroom", model="transition"
    )
    Permission = old.get_model("auth", "Permission")
    view_audit, _ = Permission.objects.get_or_create(
        content_type=audit_type,
        codename="view_transition",
        defaults={"name": "Can view transition"},
    )
    editors = old.get_model("auth", "Group").objects.create(name="Old editors")
    editors.permissions.add(view_audit)
    old.get_model("newsroom", "Transition").objects.create(
        content_type=story_type,
        object_id=7,
        action="submit",
        from_state="draft",
        to_state="in_review",
        comment="kept",
    )
    old.get_model("newsroom", "Revision").objects.create(
        content_type=story_type, object_id=7, number=1, data={"title": "Sky crane"}
    )

    new = migrate(latest(), latest())

    tables = connection.introspection.table_names()
    assert "newsroom_transition" not in tables
    assert new.get_model("workflow", "Transition").objects.get().comment == "kept"
    Revision = new.get_model("workflow", "Revision")
    assert Revision.objects.get().data == {"title": "Sky crane"}
    # New rows take ids after the adopted ones (PostgreSQL's sequence came along).
    later = Revision.objects.create(
        content_type_id=story_type.pk, object_id=7, number=2, data={}
    )
    assert later.pk > Revision.objects.get(number=1).pk
    relabelled = new.get_model("contenttypes", "ContentType").objects.get(
        pk=audit_type.pk
    )
    assert (relabelled.app_label, relabelled.model) == ("workflow", "transition")
    group = new.get_model("auth", "Group").objects.get(name="Old editors")
    assert list(
        group.permissions.values_list("content_type__app_label", "codename")
    ) == [("workflow", "view_transition")]


@pytest.mark.django_db(transaction=True)
def test_a_fresh_database_gets_the_tables_under_the_workflow_label():
    tables = connection.introspection.table_names()
    assert {"workflow_transition", "workflow_revision", "workflow_draft"} <= set(tables)
    assert not [t for t in tables if t.startswith("newsroom_")]

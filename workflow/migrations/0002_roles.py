"""Editors read and manage the audit trail, revisions and share links
(workflow.roles.GRANTS)."""

from django.db import migrations

from workflow.roles import GRANTS, granting


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(granting(GRANTS), migrations.RunPython.noop)]

"""The workflow's models moved to the workflow app, which renamed their tables
(workflow/migrations/0001_initial.py); the project forgets them here without
touching the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_drafts_and_versions"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name=name)
                for name in ["ShareLink", "Draft", "EditLock", "Revision", "Transition"]
            ]
        )
    ]

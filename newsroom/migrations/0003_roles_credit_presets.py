"""Editors manage the image library's credit presets; writers may see them."""

from django.db import migrations

from newsroom.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_roles"),
        ("media_library", "0003_credit_presets"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]

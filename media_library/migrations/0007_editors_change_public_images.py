"""Editors may change what readers see of a picture on the site; writers may
not (the permission goes to the Editors group through newsroom.roles)."""

from django.db import migrations

from newsroom.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_drafts_and_versions"),
        ("media_library", "0006_private_library_files"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]

"""Writers make galleries; editors review and publish them."""

from django.db import migrations

from newsroom.roles import sync_roles_migration


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_roles_credit_presets"),
        ("media_library", "0004_galleries"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]

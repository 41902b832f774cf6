"""The roles' rights on live entries (live.roles), granted by this app."""

from django.db import migrations

from live.roles import GRANTS
from workflow.roles import granting


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(granting(GRANTS), migrations.RunPython.noop)]

"""The roles' permissions on the space desk's entities (space.roles), granted
by this app rather than by the project."""

from django.db import migrations

from space.roles import GRANTS
from workflow.roles import granting


class Migration(migrations.Migration):
    dependencies = [
        ("space", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(granting(GRANTS), migrations.RunPython.noop)]

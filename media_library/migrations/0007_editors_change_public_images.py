"""The roles' permissions on the library: editors may change what readers see
of a picture on the site; writers may not (media_library.roles)."""

from django.db import migrations

from media_library.roles import GRANTS
from workflow.roles import granting


class Migration(migrations.Migration):
    dependencies = [
        ("media_library", "0006_private_library_files"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(granting(GRANTS), migrations.RunPython.noop)]

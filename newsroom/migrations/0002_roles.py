"""Create the Writers and Editors groups with their permissions.

Permissions are normally created after all migrations run (post_migrate), so
they are created here first for the apps whose models the roles cover.
"""

from django.db import migrations

from newsroom.roles import ROLES, sync_roles_migration


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("articles", "0002_alter_article_options_and_more"),
        ("authors", "0001_initial"),
        ("media_library", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_roles_migration, remove_roles)]

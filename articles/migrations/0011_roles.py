"""The roles' permissions on stories, bylines, corrections, sections and tags
(articles.roles), granted by this app rather than by the project."""

from django.db import migrations

from articles.roles import GRANTS
from workflow.roles import granting


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_versions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(granting(GRANTS), migrations.RunPython.noop)]

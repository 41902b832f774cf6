"""Editors may feature a story (articles.feature_article, new in 0012): give the
roles again exactly what articles.roles grants on stories, so Editors ("*" on
articles.article) get it and Writers do not."""

from django.db import migrations

from articles.roles import GRANTS
from workflow.roles import granting


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_feature_permission"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(granting(GRANTS), migrations.RunPython.noop)]

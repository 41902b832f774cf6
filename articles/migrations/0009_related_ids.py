# Related stories kept on each story (articles.related), and worked out for the
# stories already there.

from django.db import migrations, models


def work_out_related(apps, schema_editor):
    from articles import related

    Article = apps.get_model("articles", "Article")
    related.refresh(Article.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_inline_images'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='related_ids',
            field=models.JSONField(editable=False, null=True),
        ),
        migrations.RunPython(work_out_related, migrations.RunPython.noop),
    ]

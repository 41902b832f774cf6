"""Full-text search on PostgreSQL: a tsvector column kept current by a trigger
(so bulk inserts and .update() stay searchable too) and a GIN index on it.
Nothing but the empty column on other databases."""

import django.contrib.postgres.search
from django.db import migrations

FORWARD = """
CREATE FUNCTION articles_article_search_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.dek, '')), 'B') ||
    setweight(to_tsvector('english',
      coalesce(regexp_replace(NEW.body, '<[^>]+>', ' ', 'g'), '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER articles_article_search
  BEFORE INSERT OR UPDATE OF headline, dek, body ON articles_article
  FOR EACH ROW EXECUTE FUNCTION articles_article_search_update();

UPDATE articles_article SET headline = headline;

CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS articles_article_search_gin;
DROP TRIGGER IF EXISTS articles_article_search ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_update();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_alter_article_options_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEX = "member_name_upper_trgm"


def create_trigram_index(apps, schema_editor):
    """``name__icontains`` is ``UPPER(name::text) LIKE UPPER('%…%')`` on PostgreSQL: a GIN
    trigram index on that expression serves it. SQLite has no such index (nothing to do)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON members_member USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0001_initial"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["organization", "name", "id"], name="member_list_order"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]

"""Seed the six initial honour titles (the municipal admin edits them afterwards)."""

from django.db import migrations

from apps.honours.titles import seed_titles


def forwards(apps, schema_editor):
    seed_titles(apps.get_model("honours", "HonourTitle"))


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

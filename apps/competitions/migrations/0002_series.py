from django.db import migrations

from apps.competitions.series import seed_series


def add_series(apps, schema_editor):
    seed_series(apps.get_model("competitions", "Series"))


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial")]
    operations = [migrations.RunPython(add_series, migrations.RunPython.noop)]

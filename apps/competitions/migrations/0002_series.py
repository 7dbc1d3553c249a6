from django.db import migrations

from apps.competitions.services.series import series_seed


def add_series(apps, schema_editor):
    series_seed(model=apps.get_model("competitions", "Series"))


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial")]
    operations = [migrations.RunPython(add_series, migrations.RunPython.noop)]

"""Categories, deadline rules and the working calendar the chinese-calendar package knows
(from 2020). Idempotent; the admin corrects and extends them afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.petitions.reference import load_reference

    load_reference(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_cases_calendar_accounts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

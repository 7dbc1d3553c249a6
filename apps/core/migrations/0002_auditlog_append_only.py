"""On PostgreSQL the audit log refuses UPDATE and DELETE at the database too."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

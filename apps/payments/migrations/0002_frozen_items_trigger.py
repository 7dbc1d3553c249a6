"""On PostgreSQL, items of an approved (or later) batch are frozen at the database too:
no INSERT or DELETE, and no UPDATE of batch, member, amount or the frozen bank fields.
(Status, failure reason and timestamps still move as the disbursement runs.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payments_item_frozen() RETURNS trigger AS $$
DECLARE
    batch_status text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT status INTO batch_status FROM payments_paymentbatch WHERE id = NEW.batch_id;
    ELSE
        SELECT status INTO batch_status FROM payments_paymentbatch WHERE id = OLD.batch_id;
    END IF;
    IF batch_status IN ('approved', 'disbursing', 'completed', 'completed_with_failures') THEN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION 'payment items of an approved batch are frozen (%)', TG_OP;
        END IF;
        IF NEW.batch_id IS DISTINCT FROM OLD.batch_id
           OR NEW.member_id IS DISTINCT FROM OLD.member_id
           OR NEW.amount IS DISTINCT FROM OLD.amount
           OR NEW.bank_name IS DISTINCT FROM OLD.bank_name
           OR NEW.bank_account IS DISTINCT FROM OLD.bank_account
           OR NEW.bank_reference IS DISTINCT FROM OLD.bank_reference THEN
            RAISE EXCEPTION 'payment items of an approved batch are frozen (amount, payee and account)';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_item_frozen BEFORE INSERT OR UPDATE OR DELETE ON payments_paymentitem
    FOR EACH ROW EXECUTE FUNCTION payments_item_frozen();
"""
DROP = """
DROP TRIGGER IF EXISTS payments_item_frozen ON payments_paymentitem;
DROP FUNCTION IF EXISTS payments_item_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

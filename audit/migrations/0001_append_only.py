"""
On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks: the app, the Django admin, a script.
(SQLite, for development and tests only, relies on the app never offering either.)

Deleting a person would have to update their entries (django-auditlog's ``actor`` link), so it is refused
too: people are deactivated, never deleted, while entries name them.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_entries_are_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit entries cannot be changed or removed (% on auditlog_logentry refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entries_append_only ON auditlog_logentry;
CREATE TRIGGER audit_entries_append_only
    BEFORE UPDATE OR DELETE ON auditlog_logentry
    FOR EACH ROW EXECUTE FUNCTION audit_entries_are_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_entries_append_only ON auditlog_logentry;
DROP FUNCTION IF EXISTS audit_entries_are_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(forwards, backwards)]

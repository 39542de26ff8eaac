"""
An index on the child that each audit entry is about (``additional_data -> 'child_pk'``), so a child's
audit trail is found without reading the whole audit log. The log is django-auditlog's table, so the index
is added here, where the lookup is made (``children.selectors.audit_trail``).
"""
from django.db import migrations, models
from django.db.models.fields.json import KeyTransform

INDEX_NAME = "auditlog_entry_child_pk"


def child_index():
    return models.Index(KeyTransform("child_pk", "additional_data"), name=INDEX_NAME)


def add_index(apps, schema_editor):
    log_entry = apps.get_model("auditlog", "LogEntry")
    schema_editor.add_index(log_entry, child_index())
    if schema_editor.connection.vendor == "postgresql":
        # Statistics for the new expression now, so the planner uses the index before autovacuum runs.
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(log_entry._meta.db_table)}")


def remove_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("auditlog", "LogEntry"), child_index())


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0003_codes_up_to_ten_characters"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]

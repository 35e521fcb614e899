"""On PostgreSQL, refuse UPDATE and DELETE on the audit log in the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION civport_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'civport_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER civport_audit_append_only
    BEFORE UPDATE OR DELETE ON civport_auditentry
    FOR EACH ROW EXECUTE FUNCTION civport_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS civport_audit_append_only ON civport_auditentry;
DROP FUNCTION IF EXISTS civport_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("civport", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

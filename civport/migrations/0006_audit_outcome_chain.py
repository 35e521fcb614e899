"""The audit log's outcome, its SM3 hash chain (sealed by civport.auditchain) and archives, the
indexes of the audit search screens, and on PostgreSQL a trigger that lets the chain be sealed
and archived but nothing else be changed.

The trigger replaces 0002's, which refused every UPDATE and DELETE:
- UPDATE only sets `chain_seq` and `chain_hash`, once (from NULL to a value), every other column
  unchanged;
- DELETE only of sealed entries at least 180 days old (the retention of GB/T 22239-2019), and
  only in a transaction that ran `SET LOCAL civport.audit_archive = 'on'` (what `audit_archive`
  does after writing its file).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GUARD = """
CREATE OR REPLACE FUNCTION civport_audit_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('civport.audit_archive', true) = 'on'
                AND OLD.chain_seq IS NOT NULL
                AND OLD.at < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'civport_auditentry is append-only: only audit_archive deletes '
                        'sealed entries older than 180 days';
    END IF;
    IF OLD.chain_seq IS NULL AND OLD.chain_hash IS NULL
            AND NEW.chain_seq IS NOT NULL AND NEW.chain_hash IS NOT NULL
            AND (to_jsonb(OLD) - 'chain_seq' - 'chain_hash')
                = (to_jsonb(NEW) - 'chain_seq' - 'chain_hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'civport_auditentry is append-only: an entry is only sealed, once';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS civport_audit_append_only ON civport_auditentry;
DROP FUNCTION IF EXISTS civport_audit_append_only();
CREATE TRIGGER civport_audit_guard
    BEFORE UPDATE OR DELETE ON civport_auditentry
    FOR EACH ROW EXECUTE FUNCTION civport_audit_guard();
"""

# Back to 0002's rule: nothing is updated or deleted.
UNGUARD = """
DROP TRIGGER IF EXISTS civport_audit_guard ON civport_auditentry;
DROP FUNCTION IF EXISTS civport_audit_guard();
CREATE OR REPLACE FUNCTION civport_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'civport_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER civport_audit_append_only
    BEFORE UPDATE OR DELETE ON civport_auditentry
    FOR EACH ROW EXECUTE FUNCTION civport_audit_append_only();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [
        ("civport", "0005_login_events"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file_name",
                    models.CharField(max_length=255, unique=True, verbose_name="file name"),
                ),
                ("first_seq", models.BigIntegerField(verbose_name="first chain position")),
                (
                    "last_seq",
                    models.BigIntegerField(unique=True, verbose_name="last chain position"),
                ),
                (
                    "previous_hash",
                    models.CharField(max_length=64, verbose_name="hash before the first entry"),
                ),
                (
                    "last_hash",
                    models.CharField(max_length=64, verbose_name="hash of the last entry"),
                ),
                ("entry_count", models.PositiveIntegerField(verbose_name="entries")),
                ("before", models.DateField(verbose_name="entries older than")),
                ("file_digest", models.CharField(max_length=64, verbose_name="file digest (SM3)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="archived at")),
            ],
            options={
                "verbose_name": "audit archive",
                "verbose_name_plural": "audit archives",
                "ordering": ["-last_seq"],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain_hash",
            field=models.CharField(blank=True, max_length=64, null=True, verbose_name="chain hash"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain_seq",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="chain position"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="outcome",
            field=models.CharField(
                choices=[("success", "success"), ("failure", "failure")],
                default="success",
                max_length=10,
                verbose_name="outcome",
            ),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor", "-at"], name="auditentry_actor_recent"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["ip_address", "-at"], name="auditentry_ip_recent"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["outcome", "-at"], name="auditentry_outcome_recent"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("chain_seq__isnull", True)),
                fields=["id"],
                name="auditentry_unsealed",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("chain_seq__isnull", False)),
                fields=("chain_seq",),
                name="auditentry_chain_seq_unique",
            ),
        ),
        # The (actor, -at) index serves the foreign key's lookups as well.
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.RunPython(guard, unguard),
    ]

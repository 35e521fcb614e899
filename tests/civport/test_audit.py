"""The audit log is append-only: in the ORM, in the admin and (on PostgreSQL) in the database."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError

from campaigns import services
from civport.audit import audit_record
from civport.models import AuditEntry


def test_service_write_records_actor_ip_and_changes(client, national_admin, world):
    from civport.request_context import current_ip

    token = current_ip.set("10.1.2.3")
    try:
        services.unit_update(actor=national_admin, unit=world.sz.units[0], name="深圳海关")
    finally:
        current_ip.reset(token)
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "campaigns.unit.updated"
    assert entry.actor_repr == "national"
    assert entry.ip_address == "10.1.2.3"
    assert entry.object_id == str(world.sz.units[0].pk)
    assert entry.changes["name"][1] == "深圳海关"


def test_entries_cannot_be_changed_or_deleted_through_the_orm(db):
    entry = audit_record(actor=None, action="civport.test.done")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(action="x")
    assert AuditEntry.objects.filter(pk=entry.pk, action="civport.test.done").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_database_refuses_update_and_delete(db):
    entry = audit_record(actor=None, action="civport.test.done")
    for sql in (
        "UPDATE civport_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM civport_auditentry WHERE id = %s",
    ):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action="civport.test.done").exists()


def test_admin_is_read_only(client, db):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="x-long-password-1")
    entry = audit_record(actor=admin, action="civport.test.done")
    client.force_login(admin)
    assert client.get("/admin/civport/auditentry/").status_code == 200
    assert client.get(f"/admin/civport/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/civport/auditentry/add/").status_code == 403
    response = client.post(f"/admin/civport/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()

"""The append-only audit log. Every service calls `audit_record` inside its transaction."""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from civport.models import AuditEntry
from civport.request_context import current_ip


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(instance, fields):
    """The current values of `fields` on `instance`, for a later `diff`."""
    return {name: _plain(getattr(instance, _attname(instance, name))) for name in fields}


def diff(before, instance, fields):
    """{field: [old, new]} for each field whose value changed since `before`."""
    after = snapshot(instance, fields)
    return {
        name: [before.get(name), after[name]] for name in fields if before.get(name) != after[name]
    }


def _attname(instance, name):
    field = instance._meta.get_field(name)
    return field.attname


def _entry(*, actor, action, obj, changes, ip):
    known = actor is not None and actor.is_authenticated
    entry = AuditEntry(
        actor=actor if known else None,
        actor_repr=actor.get_username() if known else "",
        ip_address=ip,
        action=action,
        changes=_plain(changes or {}),
    )
    if obj is not None:
        # ContentType lookups are cached by Django after the first one per model.
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:255]
    return entry


def audit_record(*, actor, action, obj=None, changes=None):
    """Append one entry; the IP address comes from the current request, if there is one."""
    entry = _entry(actor=actor, action=action, obj=obj, changes=changes, ip=current_ip.get())
    entry.save()
    return entry


def audit_record_many(*, actor, action, objects, changes_for=None):
    """Append one entry per object with a single insert (imports touch thousands of rows)."""
    ip = current_ip.get()
    entries = [
        _entry(
            actor=actor,
            action=action,
            obj=obj,
            changes=changes_for(obj) if changes_for else None,
            ip=ip,
        )
        for obj in objects
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return entries

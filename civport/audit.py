"""The append-only audit log. Every service calls `audit_record` inside its transaction; the
logins, failed logins, lockouts and logouts are recorded from the auth and axes signals
(`connect`, called by CivportConfig.ready). civport.auditchain seals the entries in a hash
chain."""

import datetime
import decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models

from civport.client import client_address
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


def _entry(*, actor, action, obj, changes, ip, outcome=None, actor_repr=None):
    known = actor is not None and actor.is_authenticated
    entry = AuditEntry(
        actor=actor if known else None,
        actor_repr=actor.get_username() if known else (actor_repr or "")[:150],
        ip_address=ip,
        action=action,
        changes=_plain(changes or {}),
    )
    if outcome is not None:
        entry.outcome = outcome
    if obj is not None:
        # ContentType lookups are cached by Django after the first one per model.
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:255]
    return entry


def audit_record(*, actor, action, obj=None, changes=None, outcome=None, actor_repr=None, ip=None):
    """Append one entry; the IP address comes from the current request, if there is one.

    `outcome` is success unless told; `actor_repr` names an actor that is not a logged-in user
    (the user name a failed login tried); `ip` overrides the current request's address."""
    entry = _entry(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        ip=ip or current_ip.get(),
        outcome=outcome,
        actor_repr=actor_repr,
    )
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


def audit_export(*, actor, action, fmt, obj=None, rows=None, details=None):
    """Record an export of data (a download of records, scores, codes or certificates): who,
    what, in which format and how many rows, when known. Views call it once the file is made.
    Exports of personal information go through their own service, with a stated purpose."""
    changes = {"format": fmt, **({"rows": rows} if rows is not None else {}), **(details or {})}
    return audit_record(actor=actor, action=action, obj=obj, changes=changes)


# --- logins ----------------------------------------------------------------------------------
# GB/T 22239-2019 8.1.4.3 a)/b): every login, failed login, lockout and logout is an audit entry
# with its time, user, client address and outcome, beside the login log (civport.sessions).


def _address(request):
    return client_address(request) if request is not None else None


def _account(username):
    """The account a failed login or lockout was aimed at, as the entry's object."""
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def on_logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="civport.login.succeeded", obj=user, ip=_address(request))


def on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    end = getattr(request, "_civport_session_end", "logout")
    audit_record(
        actor=user,
        action="civport.logout",
        obj=user,
        changes={"end": str(end)},
        ip=_address(request),
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    audit_record(
        actor=None,
        actor_repr=username,
        action="civport.login.failed",
        obj=_account(username),
        outcome=AuditEntry.Outcome.FAILURE,
        ip=_address(request),
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    audit_record(
        actor=None,
        actor_repr=username,
        action="civport.lockout",
        obj=_account(username),
        outcome=AuditEntry.Outcome.FAILURE,
        ip=ip_address or _address(request),
    )


def connect():
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="civport-audit-login")
    user_logged_out.connect(on_logged_out, dispatch_uid="civport-audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="civport-audit-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="civport-audit-locked-out")

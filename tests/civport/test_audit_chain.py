"""Tamper evidence of the audit log: the SM3 chain sealed after the fact, its verification, the
trigger that lets entries be sealed once and archived but not changed, and the archives."""

import datetime
import gzip
import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import InternalError
from django.utils import timezone

from campaigns.management.commands.schedules_install import declared_schedules
from civport import auditchain
from civport.audit import audit_record
from civport.auditchain import (
    GENESIS,
    GmSM3,
    archive_key,
    audit_seal,
    audit_verify,
    audit_verify_archive,
    link,
    sm3_hex,
)
from civport.models import AuditArchive, AuditEntry
from civport.tasks import audit_seal_task
from tests.conftest import require_postgresql

# GB/T 32905-2016, appendix A, example 1: SM3("abc").
ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
TABLE = "civport_auditentry"


def _record(count, action="civport.test.done", **kwargs):
    return [
        audit_record(actor=None, action=action, changes={"n": n}, **kwargs) for n in range(count)
    ]


def _old(count, days):
    """Entries made `days` ago."""
    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() - datetime.timedelta(days=days)
    ):
        return _record(count, action="civport.test.old")


def _sql(sql, params=()):
    """Run SQL past the trigger, as someone with the database's owner rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


def _verify_command(*args):
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


# --- SM3 -------------------------------------------------------------------------------------


def test_sm3_is_the_standards_and_gmssl_agrees():
    assert GmSM3(b"abc").hexdigest() == ABC
    assert sm3_hex(b"abc") == ABC
    data = "文明口岸".encode() * 40
    assert sm3_hex(data) == GmSM3(data).hexdigest()


# --- sealing ---------------------------------------------------------------------------------


def test_the_sealer_chains_entries_in_id_order_from_the_start(db):
    entries = _record(5)
    assert audit_seal() == 5
    sealed = list(AuditEntry.objects.order_by("chain_seq").values())
    assert [e["id"] for e in sealed] == [e.pk for e in entries]
    assert [e["chain_seq"] for e in sealed] == [1, 2, 3, 4, 5]
    previous = GENESIS
    for row in sealed:
        assert row["chain_hash"] == link(previous, row, row["chain_seq"])
        previous = row["chain_hash"]
    assert audit_seal() == 0
    result = audit_verify()
    assert result.ok and result.checked == 5 and result.unsealed == 0


def test_the_sealer_goes_on_from_the_head_in_batches(db):
    _record(3)
    audit_seal()
    _record(7)
    assert audit_seal(batch_size=2) == 7
    assert list(
        AuditEntry.objects.order_by("chain_seq").values_list("chain_seq", flat=True)
    ) == list(range(1, 11))
    assert audit_verify().ok


def test_the_sealing_task_runs_every_minute(db):
    _record(2)
    assert audit_seal_task.apply().get() == 2
    schedules = {task: (hour, minute) for task, hour, minute, _ in declared_schedules()}
    assert schedules["civport.audit_seal"] == ("*", "*")


def test_the_orm_still_refuses_to_change_a_sealed_entry(db):
    (entry,) = _record(1)
    audit_seal()
    entry = AuditEntry.objects.get(pk=entry.pk)
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(chain_seq=None)


# --- verification ----------------------------------------------------------------------------


def test_verify_reports_the_chain_and_the_unsealed_entries(db):
    _record(3)
    audit_seal()
    _record(2)
    out = _verify_command()
    assert "3 entries (positions 1 to 3); 2 not sealed yet" in out


def test_verify_names_the_first_changed_entry_and_fails(db):
    entries = _record(4)
    audit_seal()
    _sql(f"UPDATE {TABLE} SET object_repr = 'changed' WHERE id = %s", [entries[2].pk])
    _sql(f"UPDATE {TABLE} SET action = 'civport.test.other' WHERE id = %s", [entries[3].pk])
    result = audit_verify()
    assert (result.broken.id, result.broken.seq, result.checked) == (entries[2].pk, 3, 2)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=out)
    assert f"Broken at entry {entries[2].pk} (position 3, " in out.getvalue()
    assert "civport.test.done" in out.getvalue()


def test_verify_reads_the_chain_a_page_at_a_time(db, django_assert_num_queries):
    entries = _record(5)
    audit_seal()
    # 1 unsealed count + 1 archives' chain + 1 archive head + 3 pages of 2 (the last short)
    with django_assert_num_queries(6):
        assert audit_verify(page=2).checked == 5
    _sql(f"UPDATE {TABLE} SET object_repr = 'changed' WHERE id = %s", [entries[4].pk])
    assert audit_verify(page=2).broken.id == entries[4].pk


def test_verify_notices_a_removed_entry(db):
    entries = _record(4)
    audit_seal()
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].pk])
    result = audit_verify()
    assert (result.broken.id, result.broken.seq) == (entries[2].pk, 3)
    assert "missing" in result.broken.reason


def test_verify_notices_a_rewritten_hash(db):
    entries = _record(3)
    audit_seal()
    _sql(f"UPDATE {TABLE} SET chain_hash = %s WHERE id = %s", [GENESIS, entries[0].pk])
    assert audit_verify().broken.id == entries[0].pk


# --- the trigger (PostgreSQL) ----------------------------------------------------------------


@pytest.fixture
def postgresql(db):
    require_postgresql("the trigger on the audit log")


def _refused(sql, params=()):
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_trigger_allows_sealing_once_and_nothing_else(postgresql):
    (entry,) = _record(1)
    seal = f"UPDATE {TABLE} SET chain_seq = %s, chain_hash = %s WHERE id = %s"
    _refused(
        f"UPDATE {TABLE} SET chain_seq = 1, chain_hash = 'a', action = 'x' WHERE id = %s",
        [entry.pk],
    )
    _refused(f"UPDATE {TABLE} SET chain_seq = 1 WHERE id = %s", [entry.pk])
    with connection.cursor() as cursor:
        cursor.execute(seal, [1, "a" * 64, entry.pk])
    _refused(seal, [2, "b" * 64, entry.pk])
    _refused(f"UPDATE {TABLE} SET chain_seq = NULL, chain_hash = NULL WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, chain_seq=1, action="civport.test.done").exists()


def test_the_trigger_allows_deleting_old_sealed_entries_only_for_the_archive(postgresql):
    old_sealed, old_unsealed = _old(2, days=181)
    (recent,) = _record(1)
    seal = f"UPDATE {TABLE} SET chain_seq = %s, chain_hash = %s WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(seal, [1, "a" * 64, old_sealed.pk])
        cursor.execute(seal, [2, "b" * 64, recent.pk])
    delete = f"DELETE FROM {TABLE} WHERE id = %s"
    _refused(delete, [old_sealed.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL civport.audit_archive = 'on'")
        for kept in (old_unsealed, recent):  # not sealed; younger than 180 days
            with pytest.raises(InternalError), transaction.atomic():
                cursor.execute(delete, [kept.pk])
        cursor.execute(delete, [old_sealed.pk])
    # The setting was local to that transaction.
    _refused(delete, [old_unsealed.pk])
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {old_unsealed.pk, recent.pk}


# --- two writers, one late (PostgreSQL, two connections) --------------------------------------


def _other_connection():
    other = connection.Database.connect(**connection.get_connection_params())
    other.autocommit = False
    return other


@pytest.mark.django_db(transaction=True)
def test_an_entry_committed_after_a_later_one_was_sealed_is_sealed_next():
    require_postgresql("two connections, one holding its transaction")
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (actor_repr, at, action, object_id, object_repr, changes, "
                "outcome) VALUES ('', now(), 'civport.test.late', '', '', '{}', 'success') "
                "RETURNING id"
            )
            late_id = cursor.fetchone()[0]
        # Held open: the entry has the lower id but is not committed.
        (early,) = _record(1)
        assert early.pk > late_id
        assert audit_seal() == 1
        other.commit()
        assert audit_seal() == 1
    finally:
        other.close()
    order = list(AuditEntry.objects.order_by("chain_seq").values_list("id", "chain_seq"))
    assert order == [(early.pk, 1), (late_id, 2)]
    result = audit_verify()
    assert result.ok and result.checked == 2 and result.unsealed == 0


@pytest.mark.django_db(transaction=True)
def test_one_sealer_at_a_time():
    require_postgresql("an advisory lock held by another connection")
    _record(2)
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [auditchain.LOCK_KEY])
        assert audit_seal() == 0
        other.rollback()
        assert audit_seal() == 2
    finally:
        other.close()


# --- archives --------------------------------------------------------------------------------


@pytest.fixture
def archive_dir(tmp_path, settings):
    settings.CIVPORT_AUDIT_ARCHIVE_DIR = tmp_path
    return tmp_path


def _before(days=200):
    return timezone.localdate() - datetime.timedelta(days=days)


def _archive_command(*args):
    out = io.StringIO()
    call_command("audit_archive", *args, stdout=out)
    return out.getvalue()


def test_the_archive_keeps_180_days(db, archive_dir):
    with pytest.raises(CommandError, match="180 days"):
        _archive_command("--before", _before(179).isoformat())
    assert not list(archive_dir.iterdir())


def test_a_dry_run_writes_and_deletes_nothing(db, archive_dir):
    _old(3, days=400)
    audit_seal()
    out = _archive_command("--before", _before().isoformat(), "--dry-run")
    assert "would archive 3 entries (positions 1 to 3)" in out
    assert not list(archive_dir.iterdir())
    assert AuditEntry.objects.count() == 3 and not AuditArchive.objects.exists()


def test_the_archive_moves_old_sealed_entries_and_the_chain_still_verifies(db, archive_dir):
    old = _old(4, days=400)
    recent = _record(2)
    _old(1, days=300)  # old, but made after the recent ones in the chain: it stays
    audit_seal()
    out = _archive_command("--before", _before().isoformat())
    assert "Archived 4 entries (positions 1 to 4)" in out
    archive = AuditArchive.objects.get()
    path = archive_dir / archive.file_name
    assert (archive.first_seq, archive.last_seq, archive.entry_count) == (1, 4, 4)
    assert archive.previous_hash == GENESIS
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    # The archive itself is audited (and sealed by the next run).
    assert AuditEntry.objects.filter(action="civport.audit.archived", chain_seq=None).exists()
    audit_seal()
    result = audit_verify()
    assert result.ok and (result.first_seq, result.checked) == (5, 4)
    assert "signature and chain verified, 4 entries (positions 1 to 4)" in _verify_command(
        "--archive", str(path)
    )
    with gzip.open(path, "rt") as lines:
        records = [json.loads(line) for line in lines]
    assert records[0]["format"] == "civport-audit-archive"
    assert [r["entry"]["id"] for r in records[1:-1]] == [e.pk for e in old]
    assert records[-1]["entries"] == 4
    # Nothing more to archive; a later archive goes on from this one.
    assert "Nothing to archive" in _archive_command("--before", _before().isoformat())


def test_a_second_archive_chains_on_from_the_first(db, archive_dir):
    _old(2, days=500)
    _old(3, days=400)
    audit_seal()
    assert "Archived 2 entries" in _archive_command("--before", _before(450).isoformat())
    assert "Archived 3 entries" in _archive_command("--before", _before().isoformat())
    first, second = AuditArchive.objects.order_by("last_seq")
    assert (second.first_seq, second.previous_hash) == (first.last_seq + 1, first.last_hash)
    audit_seal()
    assert audit_verify().ok
    for archive in (first, second):
        assert audit_verify_archive(archive_dir / archive.file_name).ok


def test_a_changed_archive_file_is_caught(db, archive_dir):
    _old(3, days=400)
    audit_seal()
    _archive_command("--before", _before().isoformat())
    path = archive_dir / AuditArchive.objects.get().file_name
    with gzip.open(path, "rt") as lines:
        records = [json.loads(line) for line in lines]
    records[2]["entry"]["object_repr"] = "changed"
    with gzip.open(path, "wt") as out:
        out.writelines(json.dumps(r) + "\n" for r in records)
    check = audit_verify_archive(path)
    assert not check.ok
    assert any("hash does not match" in p for p in check.problems)
    assert any("signature does not match" in p for p in check.problems)
    assert any("digest differs" in p for p in check.problems)
    with pytest.raises(CommandError):
        _verify_command("--archive", str(path))


def test_an_archive_signed_with_another_key_is_caught(db, archive_dir, settings):
    _old(2, days=400)
    audit_seal()
    _archive_command("--before", _before().isoformat())
    path = archive_dir / AuditArchive.objects.get().file_name
    key = archive_key()
    settings.CIVPORT_AUDIT_ARCHIVE_KEY = "another-key"
    assert archive_key() != key
    check = audit_verify_archive(path)
    assert check.problems == [
        "the signature does not match: the file was changed or the key differs"
    ]


def test_the_archive_refuses_a_broken_chain(db, archive_dir):
    entries = _old(3, days=400)
    audit_seal()
    _sql(f"UPDATE {TABLE} SET object_repr = 'changed' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"broken at entry {entries[1].pk}"):
        _archive_command("--before", _before().isoformat())
    assert AuditEntry.objects.count() == 3 and not list(archive_dir.iterdir())

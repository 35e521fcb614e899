"""Tamper evidence of the audit log (GB/T 22239-2019 level 3, 安全审计: 审计记录的保护): an SM3
(GB/T 32905-2016) hash chain, sealed after the fact, verified on demand, archived after the
retention period.

Writers only insert entries; they never wait on the chain. The sealing job (`audit_seal`, the
task `civport.audit_seal` every minute) takes the entries that are not sealed yet in id order and
gives each the next position in the chain (`chain_seq`) and

    chain_hash = SM3(previous entry's chain_hash || canonical serialisation of the entry)

The job selects "not sealed" rather than "id above the last sealed id": an entry whose
transaction commits after a later id was sealed is sealed by the next run, in the chain after
it. One sealer at a time: a transaction-level advisory lock on PostgreSQL (a second sealer
finds it taken and leaves the work to the next run); the unique `chain_seq` backs it up anywhere.

`audit_verify` walks the chain in position order, a page at a time, and names the first entry
whose hash does not match (changed) or whose position does not follow (removed).
`audit_archive` moves the oldest sealed entries, never younger than `RETENTION_DAYS`, to a signed
gzip file of JSON lines (HMAC-SM3) recorded as an `AuditArchive`; the chain left in the
database goes on from the archive's last hash.
"""

import datetime
import gzip
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from gmssl import func as gmssl_func
from gmssl import sm3 as gmssl_sm3

from civport.audit import audit_record
from civport.models import AuditArchive, AuditEntry

GENESIS = "0" * 64
SEAL_BATCH = 2000
VERIFY_PAGE = 5000
# GB/T 22239-2019 8.1.4.3 c): audit records kept at least six months (网络安全法 第二十一条).
RETENTION_DAYS = 180
ARCHIVE_FORMAT = "civport-audit-archive"
# pg_advisory_xact_lock key shared by the sealer and the archive ("civport audit" in ASCII).
LOCK_KEY = 0x63697670617564
# The entry's fields in the hash, in this order of keys (the serialisation sorts them anyway).
FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_repr",
    "ip_address",
    "action",
    "outcome",
    "content_type_id",
    "object_id",
    "object_repr",
    "changes",
)


# --- SM3 -------------------------------------------------------------------------------------


class GmSM3:
    """SM3 of the gmssl package behind the hashlib interface (what `hmac` needs)."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data=b""):
        self._data = bytearray(data)

    def update(self, data):
        self._data += data

    def copy(self):
        return GmSM3(self._data)

    def hexdigest(self):
        return gmssl_sm3.sm3_hash(gmssl_func.bytes_to_list(bytes(self._data)))

    def digest(self):
        return bytes.fromhex(self.hexdigest())


def _openssl_sm3():
    try:
        hashlib.new("sm3", b"abc")
    except ValueError:
        return None
    return lambda data=b"": hashlib.new("sm3", data)


# OpenSSL's SM3, when Python's OpenSSL has it, computes the same digest as gmssl's pure-Python
# one (tested against the standard's example) some hundred times faster; gmssl otherwise.
_FAST_SM3 = _openssl_sm3()


def sm3_new(data=b""):
    return _FAST_SM3(data) if _FAST_SM3 is not None else GmSM3(data)


def sm3_hex(data: bytes) -> str:
    return sm3_new(data).hexdigest()


def canonical(entry: dict, seq: int) -> bytes:
    """The bytes hashed for an entry at position `seq`: its fields as compact JSON with sorted
    keys, times in UTC with microseconds."""
    fields = {name: entry[name] for name in FIELDS}
    at = fields["at"]
    if isinstance(at, datetime.datetime):
        fields["at"] = at.astimezone(datetime.UTC).isoformat()
    fields["seq"] = seq
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(previous_hash: str, entry: dict, seq: int) -> str:
    return sm3_hex(bytes.fromhex(previous_hash) + canonical(entry, seq))


# --- sealing ---------------------------------------------------------------------------------


def _locked() -> bool:
    """Take the sealer's lock for the current transaction; False when another sealer has it."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        return bool(cursor.fetchone()[0])


def archive_head() -> tuple[int, str]:
    """Position and hash the database's chain starts after: the last archive's, or the start."""
    last = AuditArchive.objects.order_by("-last_seq").values_list("last_seq", "last_hash").first()
    return last if last is not None else (0, GENESIS)


def chain_head() -> tuple[int, str]:
    last = (
        AuditEntry.objects.filter(chain_seq__isnull=False)
        .order_by("-chain_seq")
        .values_list("chain_seq", "chain_hash")
        .first()
    )
    return last if last is not None else archive_head()


def _write_seals(seals: list[tuple[int, int, str]]) -> None:
    """Set (id, seq, hash) on unsealed entries, a thousand per statement. Raw SQL: the ORM's
    guards refuse every update, and the trigger allows exactly this one."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    cast = "::bigint" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(seals), 1000):
            chunk = seals[start : start + 1000]
            values = ", ".join([f"(%s{cast}, %s{cast}, %s)"] * len(chunk))
            sql = (
                f"UPDATE {table} SET chain_seq = v.seq, chain_hash = v.hash "  # noqa: S608 (ours)
                f"FROM (SELECT column1 AS id, column2 AS seq, column3 AS hash "
                f"FROM (VALUES {values}) AS t) AS v "
                f"WHERE {table}.id = v.id AND {table}.chain_seq IS NULL"
            )
            cursor.execute(sql, [value for seal in chunk for value in seal])
            if cursor.rowcount != len(chunk):
                raise RuntimeError("audit entries were sealed by someone else meanwhile")


def _seal_batch(batch_size: int) -> int | None:
    with transaction.atomic():
        if not _locked():
            return None
        seq, previous = chain_head()
        rows = list(
            AuditEntry.objects.filter(chain_seq__isnull=True)
            .order_by("id")
            .values(*FIELDS)[:batch_size]
        )
        seals = []
        for row in rows:
            seq += 1
            previous = link(previous, row, seq)
            seals.append((row["id"], seq, previous))
        _write_seals(seals)
    return len(rows)


def audit_seal(*, batch_size: int = SEAL_BATCH, max_batches: int | None = None) -> int:
    """Seal the committed entries not sealed yet, `batch_size` per transaction; the number
    sealed (0 when another sealer holds the lock)."""
    sealed = batches = 0
    while max_batches is None or batches < max_batches:
        count = _seal_batch(batch_size)
        batches += 1
        if not count:
            break
        sealed += count
        if count < batch_size:
            break
    return sealed


# --- verification ----------------------------------------------------------------------------


@dataclass
class Break:
    id: int
    at: datetime.datetime | None
    action: str
    seq: int | None
    reason: str


@dataclass
class Verification:
    checked: int
    unsealed: int
    first_seq: int | None
    last_seq: int | None
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _archives_broken() -> Break | None:
    seq, previous = 0, GENESIS
    for archive in AuditArchive.objects.order_by("last_seq"):
        if archive.first_seq != seq + 1 or archive.previous_hash != previous:
            return Break(
                0, None, "", archive.first_seq, f"archive {archive.file_name} does not chain"
            )
        seq, previous = archive.last_seq, archive.last_hash
    return None


def audit_verify(*, page: int = VERIFY_PAGE) -> Verification:
    """Walk the chain in the database from the last archive on, `page` entries per query."""
    unsealed = AuditEntry.objects.filter(chain_seq__isnull=True).count()
    broken = _archives_broken()
    seq, previous = archive_head()
    start, checked = seq, 0
    while broken is None:
        rows = list(
            AuditEntry.objects.filter(chain_seq__gt=seq)
            .order_by("chain_seq")
            .values(*FIELDS, "chain_seq", "chain_hash")[:page]
        )
        for row in rows:
            reason = None
            if row["chain_seq"] != seq + 1:
                reason = f"entries {seq + 1} to {row['chain_seq'] - 1} of the chain are missing"
            elif link(previous, row, row["chain_seq"]) != row["chain_hash"]:
                reason = "its hash does not match its content and the previous hash"
            if reason:
                broken = Break(row["id"], row["at"], row["action"], row["chain_seq"], reason)
                break
            seq, previous = row["chain_seq"], row["chain_hash"]
            checked += 1
        if len(rows) < page:
            break
    return Verification(
        checked=checked,
        unsealed=unsealed,
        first_seq=start + 1 if checked else None,
        last_seq=seq if checked else None,
        broken=broken,
    )


# --- archives --------------------------------------------------------------------------------


def archive_key() -> bytes:
    key = getattr(settings, "CIVPORT_AUDIT_ARCHIVE_KEY", "")
    if key:
        return key.encode()
    return bytes.fromhex(sm3_hex(b"civport.audit-archive:" + settings.SECRET_KEY.encode()))


def archive_directory() -> Path:
    configured = getattr(settings, "CIVPORT_AUDIT_ARCHIVE_DIR", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "audit-archive"


def earliest_archivable(today: datetime.date | None = None) -> datetime.date:
    """The latest `--before` date allowed: entries younger than RETENTION_DAYS stay."""
    return (today or timezone.localdate()) - datetime.timedelta(days=RETENTION_DAYS)


@dataclass
class Archived:
    file_name: str
    path: Path | None
    first_seq: int
    last_seq: int
    count: int
    last_hash: str
    digest: str


def _json_line(value) -> bytes:
    return (
        json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        + "\n"
    ).encode()


def _archive_range(before: datetime.date) -> tuple[int, int]:
    """(first, last) positions to archive: from after the last archive up to the entry before
    the first one (in chain order) made on or after `before`, so the range is a prefix."""
    start, _hash = archive_head()
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    sealed = AuditEntry.objects.filter(chain_seq__gt=start)
    boundary = (
        sealed.filter(at__gte=cutoff).order_by("chain_seq").values_list("chain_seq", flat=True)
    ).first()
    if boundary is None:
        last = sealed.order_by("-chain_seq").values_list("chain_seq", flat=True).first() or start
    else:
        last = boundary - 1
    return start + 1, last


def audit_archive(
    *, before: datetime.date, directory: Path | None = None, dry_run: bool = False
) -> Archived | None:
    """Move the sealed entries made before `before` (at least RETENTION_DAYS ago) to a signed
    archive file; None when there is nothing to archive. Refuses a chain that does not verify."""
    if before > earliest_archivable():
        raise ValueError(
            f"entries are kept {RETENTION_DAYS} days: --before must be "
            f"{earliest_archivable().isoformat()} or earlier"
        )
    directory = directory or archive_directory()
    with transaction.atomic():
        # The sealer's lock: the chain's head does not move while the archive is cut.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        first, last = _archive_range(before)
        if last < first:
            return None
        _seq, previous_hash = archive_head()
        name = f"civport-audit-{first:012d}-{last:012d}.jsonl.gz"
        path = directory / name
        signer = hmac.new(archive_key(), digestmod=sm3_new)
        seq, previous, count = first - 1, previous_hash, 0
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".{name}.partial"
        try:
            with gzip.open(partial, "wb") as out:
                header = _json_line(
                    {
                        "format": ARCHIVE_FORMAT,
                        "version": 1,
                        "first_seq": first,
                        "last_seq": last,
                        "previous_hash": previous_hash,
                        "before": before.isoformat(),
                    }
                )
                out.write(header)
                signer.update(header)
                while seq < last:
                    rows = (
                        AuditEntry.objects.filter(chain_seq__gt=seq, chain_seq__lte=last)
                        .order_by("chain_seq")
                        .values(*FIELDS, "chain_seq", "chain_hash")[:VERIFY_PAGE]
                    )
                    rows = list(rows)
                    if not rows:
                        raise ValueError(f"entries {seq + 1} to {last} of the chain are missing")
                    for row in rows:
                        if row["chain_seq"] != seq + 1 or (
                            link(previous, row, row["chain_seq"]) != row["chain_hash"]
                        ):
                            raise ValueError(
                                f"the chain is broken at entry {row['id']}: run audit_verify"
                            )
                        seq, previous = row["chain_seq"], row["chain_hash"]
                        fields = {n: row[n] for n in FIELDS}
                        fields["at"] = row["at"].astimezone(datetime.UTC).isoformat()
                        line = _json_line({"seq": seq, "hash": previous, "entry": fields})
                        out.write(line)
                        signer.update(line)
                        count += 1
                out.write(_json_line({"signature": signer.hexdigest(), "entries": count}))
            # On disk before the entries are deleted from the database.
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            digest = _file_digest(partial)
            archived = Archived(
                name, None if dry_run else path, first, last, count, previous, digest
            )
            if dry_run:
                partial.unlink()
                transaction.set_rollback(True)
                return archived
            _delete_archived(first, last, count)
            AuditArchive.objects.create(
                file_name=name,
                first_seq=first,
                last_seq=last,
                previous_hash=previous_hash,
                last_hash=previous,
                entry_count=count,
                before=before,
                file_digest=digest,
            )
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    audit_record(
        actor=None,
        action="civport.audit.archived",
        changes={"file": name, "first_seq": first, "last_seq": last, "entries": count},
    )
    return archived


def _delete_archived(first: int, last: int, count: int) -> None:
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The trigger lets sealed entries go in this transaction only.
            cursor.execute("SET LOCAL civport.audit_archive = 'on'")
        sql = f"DELETE FROM {table} WHERE chain_seq BETWEEN %s AND %s"  # noqa: S608 (ours)
        cursor.execute(sql, [first, last])
        if cursor.rowcount != count:
            raise RuntimeError("the archived entries changed while the file was written")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL civport.audit_archive = 'off'")


def _file_digest(path: Path) -> str:
    digest = sm3_new()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class ArchiveCheck:
    file_name: str
    count: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify_archive(path: Path) -> ArchiveCheck:
    """Check an archive file: its signature, its chain, and that it is the file recorded."""
    problems: list[str] = []
    signer = hmac.new(archive_key(), digestmod=sm3_new)
    header = trailer = None
    seq = previous = None
    count = 0
    with gzip.open(path, "rb") as lines:
        for raw in lines:
            if trailer is not None:
                problems.append("lines after the signature")
                break
            record = json.loads(raw)
            if header is None:
                header = record
                if record.get("format") != ARCHIVE_FORMAT:
                    return ArchiveCheck(path.name, 0, None, None, None, ["not an audit archive"])
                seq, previous = record["first_seq"] - 1, record["previous_hash"]
            elif "signature" in record:
                trailer = record
                continue
            elif not problems:
                entry = record["entry"]
                if record["seq"] != seq + 1:
                    problems.append(f"entry {entry['id']}: position {record['seq']} out of order")
                elif link(previous, entry, record["seq"]) != record["hash"]:
                    problems.append(
                        f"entry {entry['id']} ({entry['at']}, {entry['action']}): "
                        "its hash does not match"
                    )
                seq, previous = record["seq"], record["hash"]
                count += 1
            signer.update(raw)
    if header is None:
        return ArchiveCheck(path.name, 0, None, None, None, ["empty file"])
    if trailer is None:
        problems.append("no signature: the file is cut short")
    elif not hmac.compare_digest(signer.hexdigest(), trailer["signature"]):
        problems.append("the signature does not match: the file was changed or the key differs")
    if seq != header["last_seq"]:
        problems.append(f"the file ends at position {seq}, not {header['last_seq']}")
    recorded = AuditArchive.objects.filter(file_name=path.name).first()
    if recorded is not None:
        if recorded.file_digest != _file_digest(path):
            problems.append("the file's digest differs from the one recorded when archived")
        if recorded.last_hash != previous:
            problems.append("the last hash differs from the one recorded when archived")
    return ArchiveCheck(path.name, count, header["first_seq"], seq, previous, problems)

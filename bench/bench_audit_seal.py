"""Sealing 20,000 audit entries in the SM3 hash chain (civport.auditchain.audit_seal).

Each repetition bulk-inserts 20,000 entries (the baseline: what writing them cost in the first
place, timed in the same run), then seals them with `audit_seal`, all inside one transaction
that is rolled back, so the database is left as it was. Entries left unsealed in the database
before the run (the seeding's) are sealed once first, for good, as the every-minute task would.
The chain of the whole database is then verified once (`audit_verify`).

Standalone: `python bench/bench_audit_seal.py` (uses DATABASE_URL, or the embedded SQLite
default; the database must be migrated).
"""

import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ENTRIES = 20000


class _Rollback(Exception):
    pass


def _entries():
    from civport.models import AuditEntry

    return [
        AuditEntry(
            actor_repr="bench",
            ip_address="10.0.0.1",
            action="civport.bench.sealed",
            object_id=str(i),
            object_repr=f"基准审计记录 {i}",
            changes={"n": i, "name": ["旧名称", "新名称"]},
        )
        for i in range(ENTRIES)
    ]


def _one_round():
    from django.db import transaction

    from civport.auditchain import audit_seal
    from civport.models import AuditEntry

    timings = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            AuditEntry.objects.bulk_create(_entries(), batch_size=1000)
            timings["insert"] = time.perf_counter() - started
            started = time.perf_counter()
            sealed = audit_seal()
            timings["seal"] = time.perf_counter() - started
            if sealed != ENTRIES:
                raise RuntimeError(f"sealed {sealed} entries, not {ENTRIES}")
            raise _Rollback
    except _Rollback:
        pass
    return timings


def run(ctx):
    from civport.auditchain import audit_seal, audit_verify

    repeat = max(1, int(getattr(ctx, "repeat", 3)))
    audit_seal()  # what the seeding left unsealed, for good
    _one_round()  # warm-up
    samples = [_one_round() for _ in range(repeat)]
    insert = statistics.median(s["insert"] for s in samples)
    seal = statistics.median(s["seal"] for s in samples)
    started = time.perf_counter()
    verified = audit_verify()
    verify = time.perf_counter() - started
    if not verified.ok:
        raise RuntimeError(f"the audit chain does not verify: {verified.broken}")
    results = [
        ("audit.seal_20000.seconds", seal, "s"),
        ("audit.insert_20000.seconds", insert, "s"),
        ("audit.seal_20000.ratio_vs_insert", seal / insert, "x"),
        ("audit.verify.seconds", verify, "s"),
    ]
    return [{"name": n, "value": round(v, 3), "unit": u} for n, v, u in results]


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civport.settings")
    import django

    django.setup()
    for entry in run(SimpleNamespace(repeat=int(os.environ.get("BENCH_REPEAT", "3")))):
        print(f"{entry['name']:45} {entry['value']:>10} {entry['unit']}")

"""Importing 6,000 participating units (DESIGN §9: within 3x of a bare bulk insert).

The same 6,000 rows are written as an XLSX workbook and as a GB18030 CSV file (what Excel on
Chinese Windows saves) and imported through `campaigns.imports.import_records`, the engine behind
the portal, the admin and `import_records`: reading, header mapping, validation with scope
checks, `bulk_create` and one audit entry per row. The baseline is `Unit.objects.bulk_create` of
the same rows with their foreign keys already resolved (building the instances included), timed
in the same run. Every repetition runs inside a transaction that is rolled back, so the database
is left as it was; the value is the median of the repetitions.

Standalone: `python bench/bench_imports.py` (uses DATABASE_URL, or the embedded SQLite default;
the database must be migrated).
"""

import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROWS = 6000
PREFIX = "BIMP-"
HEADERS = [
    "代码",
    "名称",
    "英文名称",
    "单位类别",
    "所属部门代码",
    "所在口岸代码",
    "所属口岸管理机构代码",
]
CATEGORIES = ["检查检验", "运营服务", "设施管理", "其他"]
CATEGORY_VALUES = {
    "检查检验": "inspection",
    "运营服务": "operation",
    "设施管理": "facility",
    "其他": "other",
}


class _Rollback(Exception):
    pass


def _hierarchy():
    """A province, a port authority and a port of its own, created through the services once."""
    from campaigns import services
    from campaigns.models import Agency, Authority, Port

    national = Authority.objects.filter(level=Authority.Level.NATIONAL).first()
    if national is None:
        national = services.authority_create(
            actor=None, code="CN", name="国家口岸管理办公室", level="national", parent=None
        )
    province = Authority.objects.filter(code="BIMP-PROV").first() or services.authority_create(
        actor=None, code="BIMP-PROV", name="导入基准省", level="provincial", parent=national
    )
    authority = Authority.objects.filter(code="BIMP-AUTH").first() or services.authority_create(
        actor=None, code="BIMP-AUTH", name="导入基准口岸办", level="port", parent=province
    )
    port = Port.objects.filter(code="BIMP-PORT").first() or services.port_create(
        actor=None,
        code="BIMP-PORT",
        name="导入基准港口岸",
        port_type="water",
        subtype="sea",
        authority=authority,
    )
    agency = Agency.objects.order_by("code").first()
    return authority, port, agency


def _rows(authority, port, agency):
    rows = []
    for i in range(ROWS):
        category = CATEGORIES[i % len(CATEGORIES)]
        rows.append(
            [
                f"{PREFIX}{i:06d}",
                f"导入基准参与单位{i:06d}",
                f"Benchmark unit {i}",
                category,
                agency.code if (agency and i % 4 == 0) else "",
                port.code if i % 2 == 0 else "",
                authority.code,
            ]
        )
    return rows


def _write_files(directory, rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    xlsx = Path(directory) / "units.xlsx"
    workbook.save(xlsx)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    gb = Path(directory) / "units-gb18030.csv"
    gb.write_bytes(text.getvalue().encode("gb18030"))
    return xlsx, gb


def _timed_in_rollback(fn):
    from django.db import transaction

    elapsed = None
    try:
        with transaction.atomic():
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def run(ctx):
    from campaigns.imports import NATIONAL_SCOPE, import_records
    from campaigns.models import Unit

    repeat = max(1, int(getattr(ctx, "repeat", 3)))
    authority, port, agency = _hierarchy()
    if Unit.objects.filter(code__startswith=PREFIX).exists():
        raise RuntimeError(f"units with codes {PREFIX}* already exist; delete them first")
    rows = _rows(authority, port, agency)

    def bulk():
        Unit.objects.bulk_create(
            [
                Unit(
                    code=row[0],
                    name=row[1],
                    name_en=row[2],
                    category=CATEGORY_VALUES[row[3]],
                    agency=agency if row[4] else None,
                    port=port if row[5] else None,
                    authority=authority,
                )
                for row in rows
            ],
            batch_size=1000,
        )

    def importer(path):
        def go():
            result = import_records(
                kind="units",
                data=path.read_bytes(),
                filename=path.name,
                actor=None,
                scope=NATIONAL_SCOPE,
            )
            if not result.applied or result.counts["create"] != ROWS:
                raise RuntimeError(f"import failed: {result.file_errors} {result.errors[:3]}")

        return go

    results = []
    with tempfile.TemporaryDirectory(prefix="civport-bench-imports-") as directory:
        xlsx, gb = _write_files(directory, rows)
        cases = {
            "bulk": bulk,
            "units_xlsx_6000": importer(xlsx),
            "units_csv_gb18030_6000": importer(gb),
        }
        for fn in cases.values():  # warm-up: imports, caches, connection
            _timed_in_rollback(fn)
        # Interleaved, so that the dead rows each rolled-back insert leaves weigh on all alike.
        samples = {name: [] for name in cases}
        for _ in range(repeat):
            for name, fn in cases.items():
                samples[name].append(_timed_in_rollback(fn))
    baseline = statistics.median(samples.pop("bulk"))
    for name, values in samples.items():
        seconds = statistics.median(values)
        results.append({"name": f"import.{name}.seconds", "value": seconds, "unit": "s"})
        results.append(
            {"name": f"import.{name}.ratio_vs_bulk", "value": seconds / baseline, "unit": "x"}
        )
    results.append(
        {"name": "import.units_bulk_create_6000.seconds", "value": baseline, "unit": "s"}
    )
    return [r | {"value": round(r["value"], 3)} for r in results]


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civport.settings")
    import django

    django.setup()
    for entry in run(SimpleNamespace(repeat=int(os.environ.get("BENCH_REPEAT", "3")))):
        print(f"{entry['name']:45} {entry['value']:>10} {entry['unit']}")

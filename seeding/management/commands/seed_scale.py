"""Build the national-scale benchmark data set (DESIGN §9)."""

from django.core.management.base import BaseCommand

from seeding import scale_assessments, scale_awards
from seeding.scale_campaigns import TOTAL_PORTS, seed_scale

# The parts built on campaigns' scale data, in order: (label, build, removal).
PARTS = (
    ("assessments", scale_assessments.seed_scale, scale_assessments.delete_synthetic),
    ("awards", scale_awards.seed_scale, scale_awards.delete_synthetic),
)


def _positive(value):
    number = int(value)
    if number <= 0:
        raise ValueError(value)
    return number


def _summary(result):
    return ", ".join(f"{name} {n}" for name, n in result.counts.items())


class Command(BaseCommand):
    help = (
        "Build the national-scale benchmark data set: the real hierarchy and ports, synthetic "
        "port authorities and ports up to --ports, --units units and --people people, then the "
        "assessments' scored review round and the awards' round on top of them. Synthetic rows "
        "(codes starting with SYN-) are "
        "bulk-inserted without audit entries; use a dedicated benchmark database. Each part "
        "skips when its synthetic data exists, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=_positive, default=6000)
        parser.add_argument("--people", type=_positive, default=20000)
        parser.add_argument("--ports", type=_positive, default=TOTAL_PORTS)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the synthetic rows first and rebuild."
        )

    def handle(self, *args, units, people, ports, reset, **options):
        if reset:
            # The parts' rows point at the synthetic units and people: remove them first,
            # the last part first.
            for _label, _build, delete in reversed(PARTS):
                delete()
        result = seed_scale(units=units, people=people, ports=ports, reset=reset)
        if result.skipped:
            self.stdout.write(
                f"Scale data already present ({_summary(result)} synthetic); nothing done. "
                "Use --reset to rebuild."
            )
        else:
            steps = ", ".join(f"{name} {s:.1f}s" for name, s in result.timings.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale data built in {result.seconds:.1f}s: {_summary(result)} synthetic "
                    f"({steps})."
                )
            )
        for label, build, _delete in PARTS:
            part = build()
            if part.skipped:
                self.stdout.write(f"{label}: scale data already present ({_summary(part)}).")
                continue
            steps = ", ".join(f"{name} {s:.1f}s" for name, s in part.timings.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"{label}: scale data built in {part.seconds:.1f}s: {_summary(part)} ({steps})."
                )
            )

"""Build the national-scale benchmark data set (DESIGN §9)."""

from django.core.management.base import BaseCommand

from campaigns.scale import TOTAL_PORTS, seed_scale


def _positive(value):
    number = int(value)
    if number <= 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Build the national-scale benchmark data set: the real hierarchy and ports, synthetic "
        "port authorities and ports up to --ports, --units units and --people people. Synthetic "
        "rows (codes starting with SYN-) are bulk-inserted without audit entries; use a "
        "dedicated benchmark database. Skips when synthetic data exists, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=_positive, default=6000)
        parser.add_argument("--people", type=_positive, default=20000)
        parser.add_argument("--ports", type=_positive, default=TOTAL_PORTS)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the synthetic rows first and rebuild."
        )

    def handle(self, *args, units, people, ports, reset, **options):
        result = seed_scale(units=units, people=people, ports=ports, reset=reset)
        counts = ", ".join(f"{name} {n}" for name, n in result.counts.items())
        if result.skipped:
            self.stdout.write(
                f"Scale data already present ({counts} synthetic); nothing done. "
                "Use --reset to rebuild."
            )
            return
        steps = ", ".join(f"{name} {s:.1f}s" for name, s in result.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data built in {result.seconds:.1f}s: {counts} synthetic ({steps})."
            )
        )

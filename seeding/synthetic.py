"""What the national-scale modules share. A row of the data set is synthetic when its code starts
with `PREFIX`, which is how `seed_scale --reset` finds the rows to remove. Its own module so that
every scale module can import it while `scale_campaigns` imports `scale_work`, one way only."""

import time
from functools import partial

from django.db import connection

PREFIX = "SYN-"


def steps_timed(steps):
    """Run `(name, function)` steps in order; how long each took, in seconds by name."""
    timings = {}
    for name, step in steps:
        started = time.monotonic()
        step()
        timings[name] = time.monotonic() - started
    return timings


def run_steps(steps, run):
    """Run each `step_<name>(run)` in order; how long each took, in seconds by `<name>`."""
    return steps_timed((step.__name__.removeprefix("step_"), partial(step, run)) for step in steps)


def analyze(models):
    """Refresh the planner's statistics of the models' tables on PostgreSQL: right after a bulk
    load they describe empty tables."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

"""Demo data for assessments: none yet (the hook `seed_demo` is in place)."""


def seed_demo(*, password, stats):
    return []

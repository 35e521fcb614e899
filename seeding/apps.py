from django.apps import AppConfig


class SeedingConfig(AppConfig):
    """The demo and scale data sets and their commands (`seed_demo`, `seed_scale`). It sits on
    top of every domain app, which keeps no demo code; it has no models."""

    name = "seeding"

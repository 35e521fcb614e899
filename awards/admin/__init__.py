"""The national office runs the award round from here: one module per part of the round."""

from awards.admin import honours, notice, rounds  # noqa: F401

"""Writes to a province's recommendation list, within the quota."""

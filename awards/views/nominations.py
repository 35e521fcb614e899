"""Screens (filled in per part of the round)."""

urlpatterns = []

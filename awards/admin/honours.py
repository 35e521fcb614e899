"""Admin pages (filled in per part of the round)."""

"""Forms for the scoring screens."""

"""Forms for the cycles screens."""

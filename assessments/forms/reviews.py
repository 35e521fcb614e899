"""Forms for the reviews screens."""

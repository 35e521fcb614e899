"""work services."""

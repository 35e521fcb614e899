"""work selectors."""

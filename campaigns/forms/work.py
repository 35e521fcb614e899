"""work forms."""

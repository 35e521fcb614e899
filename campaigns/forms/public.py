"""public forms."""

"""public services."""

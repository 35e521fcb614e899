"""public selectors."""

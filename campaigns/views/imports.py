"""Import and export screens for provincial and port officers."""

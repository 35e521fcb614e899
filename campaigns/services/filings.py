"""filings services."""

"""filings forms."""

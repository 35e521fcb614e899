"""filings selectors."""

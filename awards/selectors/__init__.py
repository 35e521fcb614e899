"""Reads for awards, one module per part of the round; each returns querysets with their joins
made, scoped to the user where the rows are sensitive."""

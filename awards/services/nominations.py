"""Writes to nominations: the dossier, submission, withdrawal and the chain of opinions."""

"""work models of the campaign's day-to-day work."""

__all__ = []

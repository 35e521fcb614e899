"""The decision: honours granted with certificate numbers and verification codes, their PDFs and
the commendation decision rendered by tasks, revocation."""


def honours_grant(*, actor, round):
    """Grant the title to every remaining candidate of `round`; queue the PDFs after commit."""
    raise NotImplementedError


def documents_ready(round):
    """(done, total, problems) for the round's certificates and decision document."""
    raise NotImplementedError

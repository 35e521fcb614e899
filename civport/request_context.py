from contextvars import ContextVar

# The client address of the current request (civport.client.client_address), for the audit log.
current_ip: ContextVar[str | None] = ContextVar("civport_current_ip", default=None)

import ipaddress
from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("civport_current_ip", default=None)


def client_ip(request):
    """The address the request came from; REMOTE_ADDR only, as the proxy sets it."""
    value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None

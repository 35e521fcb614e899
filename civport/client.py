"""The client's network address: the one value the rate limits, the login lockout (django-axes)
and the audit log all use.

Behind the HTTPS proxy every request reaches gunicorn from the proxy's own address. The proxy
appends the address it was reached from to `X-Forwarded-For`; everything to the left of that was
sent by the client and may be forged. So the header is read only when REMOTE_ADDR is one of
`CIVPORT_TRUSTED_PROXIES`, and then from the right: the right-most address that is not itself a
trusted proxy is the client. A header that is malformed there is ignored (REMOTE_ADDR is used).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted_networks() -> tuple[IPNetwork, ...]:
    return _networks(tuple(getattr(settings, "CIVPORT_TRUSTED_PROXIES", ())))


def _parse(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; it is the same client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request reached the portal through one of the trusted proxies."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and _is_trusted(remote, _trusted_networks())


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent the request, or None when the server gave none."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _trusted_networks()
    if not _is_trusted(remote, networks):
        return str(remote)
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not header.strip():
        return str(remote)
    client = remote
    for value in reversed(header.split(",")):
        address = _parse(value)
        if address is None:
            return str(remote)
        client = address
        if not _is_trusted(address, networks):
            break
    # Every hop was a trusted proxy: the left-most is where the request started.
    return str(client)

"""
The address a request came from, as the sign-in throttle and the audit trail record it.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the request reached
us through one of ``TRUSTED_PROXIES`` (addresses or networks, from the environment). Walking the header from
the right, each hop that is itself a trusted proxy is skipped; the first that is not is the visitor. With no
trusted proxies configured the header is ignored and the connecting address is used.
"""
import ipaddress

from django.conf import settings


def _networks():
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_address(request):
    """The visitor's address (a string), believing X-Forwarded-For only from trusted proxies."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or None
    networks = _networks()
    if remote is None or not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return _valid(hop)  # a malformed entry names nobody: recorded as unknown, not as the proxy
    return remote

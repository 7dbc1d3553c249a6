"""The client's IP address, honouring X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(ip: str) -> str | None:
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with N trusted proxies the N-th address from the right of X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so only the
    rightmost N entries can be believed; anything left of them is client-supplied.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < hops:
        return remote
    return _valid(forwarded[-hops]) or remote

"""Who sent a request: the one place that reads the client's address."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The visitor's IP address: REMOTE_ADDR, or the trusted reverse proxy's header.

    Behind a reverse proxy REMOTE_ADDR is the proxy, the same for every visitor. When
    QUAESTIO_TRUSTED_PROXY_HEADER names the header the proxy sets (X-Forwarded-For), the client
    is the entry QUAESTIO_TRUSTED_PROXY_COUNT places from the right: each trusted proxy appends
    the address it was called from, and anything further left was written by the client and
    cannot be believed. A missing or malformed header falls back to REMOTE_ADDR.
    """
    cached = getattr(request, "_client_address", None)
    if cached is None:
        cached = request._client_address = _from_proxy_header(request) or request.META.get(
            "REMOTE_ADDR", ""
        )
    return cached


def _from_proxy_header(request) -> str | None:
    header = settings.QUAESTIO_TRUSTED_PROXY_HEADER
    if not header:
        return None
    raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    if not entries:
        return None
    candidate = entries[-min(settings.QUAESTIO_TRUSTED_PROXY_COUNT, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None

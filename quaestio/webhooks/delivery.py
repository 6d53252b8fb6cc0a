"""Sending one request: signed, with a timeout, no redirects followed, the response read only
so far, and never to this machine or a private network unless a setting allows it (a hook's
address is the site owner's to choose, but an address that resolves inside the network would
let the site be used to probe it)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 10
RESPONSE_CAP = 64 * 1024
USER_AGENT = "Quaestio-Webhooks/1"


@dataclass(frozen=True)
class Attempt:
    ok: bool
    status: int | None
    error: str


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the time inside the signed text
    lets a receiver refuse a replayed request."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def address_refusal(url: str) -> str:
    """Why the site will not send to this URL, or "" when it will."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "A webhook address must be an http:// or https:// URL."
    if settings.QUAESTIO_WEBHOOKS_ALLOW_PRIVATE:
        return ""
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        return f"The host {parts.hostname} cannot be resolved."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return (
                f"{parts.hostname} resolves to a private or local address ({address}); "
                "webhooks go to the public internet only (QUAESTIO_WEBHOOKS_ALLOW_PRIVATE=1 "
                "allows a trusted internal network)."
            )
    return ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is reported as the outcome, never followed


_opener = urllib.request.build_opener(_NoRedirects)


def send(url: str, secret: str, body: str, event: str, delivery_id: str) -> Attempt:
    refusal = address_refusal(url)
    if refusal:
        return Attempt(False, None, refusal)
    raw = body.encode()
    request = urllib.request.Request(url, data=raw, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", USER_AGENT)
    request.add_header("X-Quaestio-Event", event)
    request.add_header("X-Quaestio-Delivery", delivery_id)
    request.add_header("X-Quaestio-Signature", signature(secret, int(time.time()), raw))
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(RESPONSE_CAP)
            return Attempt(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as error:
        return Attempt(False, error.code, f"HTTP {error.code} {error.reason}"[:500])
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Attempt(False, None, f"{type(error).__name__}: {reason}"[:500])

"""Sending one request: signed, with a timeout, no redirects followed, the response read only
so far, and never to this machine or a private network unless a setting allows it (a hook's
address is the site owner's to choose, but an address that resolves inside the network would
let the site be used to probe it). The address is vetted and pinned by core/outbound.py, as the
link checker's are."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from quaestio.core.outbound import Refused, pinned_connection, request_target

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
    """Why the site will not send to this URL, or "" when it will (checked when a hook is
    saved, so the owner hears it at once; `send` checks again at each delivery)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "A webhook address must be an http:// or https:// URL."
    try:
        pinned_connection(parts, TIMEOUT_SECONDS, settings.QUAESTIO_WEBHOOKS_ALLOW_PRIVATE)
    except Refused as error:
        return _private_refusal(error)
    except (ConnectionError, ValueError):
        return f"The host {parts.hostname} cannot be resolved."
    return ""


def _private_refusal(error: Refused) -> str:
    return (
        f"{error}; webhooks go to the public internet only "
        "(QUAESTIO_WEBHOOKS_ALLOW_PRIVATE=1 allows a trusted internal network)."
    )


def send(url: str, secret: str, body: str, event: str, delivery_id: str) -> Attempt:
    """POST the body to the address the host resolved to when it was vetted (so a host that
    changes its answer between the check and the connection reaches nothing private); a
    redirect is the outcome, never followed; the response is read up to RESPONSE_CAP."""
    parts = urlsplit(url)
    raw = body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Quaestio-Event": event,
        "X-Quaestio-Delivery": delivery_id,
        "X-Quaestio-Signature": signature(secret, int(time.time()), raw),
    }
    try:
        connection = pinned_connection(
            parts, TIMEOUT_SECONDS, settings.QUAESTIO_WEBHOOKS_ALLOW_PRIVATE
        )
    except Refused as error:
        return Attempt(False, None, _private_refusal(error))
    except (ConnectionError, ValueError):
        return Attempt(False, None, address_refusal(url) or f"{url} cannot be reached")
    try:
        connection.request("POST", request_target(parts), body=raw, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_CAP)
    except (OSError, http.client.HTTPException) as error:
        return Attempt(False, None, f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()  # never drain the rest of a huge answer
    if 200 <= response.status < 300:
        return Attempt(True, response.status, "")
    return Attempt(False, response.status, f"HTTP {response.status} {response.reason}"[:500])

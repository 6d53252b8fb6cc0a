"""The live process's ASGI application: /live/stream is answered here, on the event loop, and
everything else goes to Django (the state JSON, and any page, should a router send one here).

Why not a Django async view: measured with bench/live_streams.py, a stream held by Django's
ASGI handler cost about 440 KiB and took a trip through the sync middleware thread to open; a
stream here is a subscription, one task and the connection's buffers. What the stream needs of
Django (the session's user, the event log) it reads on the hub's thread.
"""

from __future__ import annotations

import asyncio
from importlib import import_module

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from quaestio.live import fanout, streams

STREAM_PATH = "/live/stream"


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _session_user_id(session_key: str) -> int | None:
    """Django's own check of a session (its user, the password hash it was made with)."""
    from django.contrib.auth import get_user
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(request)
    return user.id if user.is_authenticated else None


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def _host_allowed(headers: dict[str, str]) -> bool:
    domain, _port = split_domain_port(headers.get("host", ""))
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def stream(scope, receive, send) -> None:
    headers = _headers(scope)
    if scope["method"] != "GET":
        return await _refuse(send, 405, "GET only.\n")
    if not _host_allowed(headers):
        return await _refuse(send, 400, "Bad host.\n")
    hub = await fanout.hub()
    query = scope.get("query_string", b"").decode("latin-1")
    session_key = _cookie(headers.get("cookie", ""), settings.SESSION_COOKIE_NAME)
    user_id = await hub.read(_session_user_id, session_key) if session_key else None
    wanted = streams.wanted_channels(query, user_id)
    subscription = hub.subscribe(wanted)  # before the replay, so nothing falls between
    try:
        after = streams.last_event_id(headers.get("last-event-id", ""), query)
        frames, replayed = await hub.read(streams.replay, after, wanted)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (k.lower().encode(), v.encode())
                    for k, v in streams.response_headers(headers.get("origin", ""))
                ],
            }
        )
        opening = f"retry: {streams.RECONNECT_MS}\n\n".encode() + b"".join(frames)
        await send({"type": "http.response.body", "body": opening, "more_body": True})
        await _relay(subscription, replayed, receive, send)
    except OSError:
        pass  # the client went away mid-send
    finally:
        hub.unsubscribe(subscription)


async def _relay(subscription, replayed: set[int], receive, send) -> None:
    """Events as they come, a keep-alive comment when there are none, until the client goes."""
    gone = asyncio.ensure_future(_disconnected(receive))
    try:
        while True:
            waiting = asyncio.ensure_future(subscription.queue.get())
            done, _ = await asyncio.wait(
                {waiting, gone},
                timeout=streams.HEARTBEAT_SECONDS,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if gone in done:
                waiting.cancel()
                return
            if waiting not in done:
                waiting.cancel()
                await send(
                    {"type": "http.response.body", "body": b": keep-alive\n\n", "more_body": True}
                )
                continue
            item = waiting.result()
            if item is None:  # fell too far behind: end, the browser reconnects and replays
                await send({"type": "http.response.body", "body": b""})
                return
            event_id, data = item
            if event_id not in replayed:  # the hub may bring again what the replay sent
                await send({"type": "http.response.body", "body": data, "more_body": True})
    finally:
        gone.cancel()


async def _disconnected(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


class LiveApplication:
    """Streams here, everything else to Django's ASGI handler."""

    def __init__(self, django_application) -> None:
        self.django = django_application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == STREAM_PATH:
            return await stream(scope, receive, send)
        return await self.django(scope, receive, send)

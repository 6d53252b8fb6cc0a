"""What a stream is made of, shared by the ASGI endpoint (live/asgi.py) and the WSGI fallback
(live/views.py): which channels a request asks for, and the replay of what it missed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from quaestio.live import channels, fanout, selectors

HEARTBEAT_SECONDS = 20.0
RECONNECT_MS = 2000  # what the browser waits before reconnecting
FALLBACK_RECONNECT_MS = 3000  # the WSGI fallback: its polling period


def wanted_channels(query: str, user_id: int | None) -> frozenset[str]:
    """The channels a page asked for (?question=12&room=3&questions=1) and the viewer's own."""
    params = parse_qs(query)
    wanted = set()
    for name, channel in (("question", channels.question), ("room", channels.room)):
        value = params.get(name, [""])[0]
        if value.isdigit():
            wanted.add(channel(int(value)))
    if params.get("questions", [""])[0] == "1":
        wanted.add(channels.QUESTIONS)
    if user_id is not None:
        wanted.add(channels.user(user_id))
    return frozenset(wanted)


def last_event_id(header: str, query: str) -> int | None:
    text = header or parse_qs(query).get("last_event_id", [""])[0]
    return int(text) if text.isdigit() else None


def replay(after: int | None, wanted: frozenset[str]) -> tuple[list[bytes], set[int]]:
    """The frames a reconnecting stream missed, and their ids. A stream that has been away
    past the log's retention (or too long to replay) is told to re-read its state instead.
    A new stream is only told the head's id, its Last-Event-ID should it reconnect."""
    head = selectors.head()
    if after is None:
        return [f"id: {head}\n\n".encode()], set()
    oldest = selectors.oldest_kept()
    events = selectors.events_after(after)
    stale = (oldest is not None and after < oldest - 1) or len(events) >= selectors.REPLAY_LIMIT
    if stale:
        return [f"id: {head}\nevent: reset\ndata: {{}}\n\n".encode()], set()
    missed = [e for e in events if wanted.intersection(channels.audiences(e.channel))]
    return [fanout.frame(e) for e in missed], {e.id for e in missed}


def site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def response_headers(origin: str) -> list[tuple[str, str]]:
    """`quaestio serve` runs the live process on a port of its own: the site's pages open
    their stream there, cross-origin, with the session cookie (cookies ignore the port)."""
    headers = [
        ("Content-Type", "text/event-stream"),
        ("Cache-Control", "no-store"),
        ("X-Accel-Buffering", "no"),  # nginx: pass each event through at once
        ("X-Content-Type-Options", "nosniff"),
    ]
    if origin and origin == site_origin():
        headers += [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
        ]
    return headers

"""The stream: GET /live/stream?question=12&questions=1&room=3 (text/event-stream).

Served for real by the ASGI process (`quaestio live`, started by serve/demo/cluster; nginx or the
dev proxy route /live/ to it): the response stays open and carries each event as it comes.
A WSGI worker that gets the request (no router in front) answers what is waiting and closes with
a `retry` hint, so the browser comes back with Last-Event-ID: polling, never a held worker.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from quaestio.live import channels, fanout, selectors
from quaestio.live.thread_state import thread_state

HEARTBEAT_SECONDS = 20.0
RECONNECT_MS = 2000  # what the browser waits before reconnecting (and a WSGI poll's period)
FALLBACK_RECONNECT_MS = 3000


def _wanted(request) -> frozenset[str]:
    """The channels this page asked for, and the viewer's own (inbox, reputation)."""
    wanted = set()
    for name, channel in (("question", channels.question), ("room", channels.room)):
        value = request.GET.get(name, "")
        if value.isdigit():
            wanted.add(channel(int(value)))
    if request.GET.get("questions") == "1":
        wanted.add(channels.QUESTIONS)
    user = request.user
    if user.is_authenticated:
        wanted.add(channels.user(user.id))
    return frozenset(wanted)


def _last_event_id(request) -> int | None:
    text = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id", "")
    return int(text) if text.isdigit() else None


def _replay(after: int | None, wanted: frozenset[str]) -> tuple[list[bytes], set[int]]:
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


def _sse_headers(request, response) -> None:
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    # `quaestio serve` runs the live process on a port of its own: the site's pages open their
    # stream there, cross-origin, with the session cookie (cookies do not depend on the port).
    origin = request.headers.get("Origin", "")
    if origin and origin == site_origin():
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
        response["Vary"] = "Origin"


def site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


@require_GET
async def stream(request):
    wanted, after = await sync_to_async(_opening)(request)
    if not isinstance(request, ASGIRequest) or not getattr(settings, "QUAESTIO_LIVE", True):
        frames, _ = await sync_to_async(_replay)(after, wanted)
        body = f"retry: {FALLBACK_RECONNECT_MS}\n\n".encode() + b"".join(frames)
        response = HttpResponse(body, content_type="text/event-stream")
        _sse_headers(request, response)
        return response
    hub = await fanout.hub()
    subscription = hub.subscribe(wanted)  # before the replay, so nothing falls between
    try:
        frames, replayed = await sync_to_async(_replay)(after, wanted)
    except BaseException:
        hub.unsubscribe(subscription)
        raise
    response = StreamingHttpResponse(
        _events(hub, subscription, frames, replayed), content_type="text/event-stream"
    )
    _sse_headers(request, response)
    return response


def _opening(request) -> tuple[frozenset[str], int | None]:
    return _wanted(request), _last_event_id(request)


async def _events(hub, subscription, replay: list[bytes], replayed: set[int]):
    try:
        yield f"retry: {RECONNECT_MS}\n\n".encode() + b"".join(replay)
        while True:
            try:
                item = await asyncio.wait_for(subscription.queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if item is None:
                return  # fell too far behind: the browser reconnects and replays
            event_id, data = item
            if event_id not in replayed:  # the hub may bring again what the replay sent
                yield data
    finally:
        hub.unsubscribe(subscription)


@require_GET
def question_state(request, question_id: int):
    """What a live question page compares with what it shows (live/thread_state.py)."""
    state = thread_state(question_id, request.user)
    if state is None:
        raise Http404("No question with that id")
    response = JsonResponse(state)
    response["Cache-Control"] = "no-store"
    return response


def stream_status(request):
    """For the benchmark and operators: how many streams this process holds."""
    hub = fanout.current_hub()
    body = {"streams": hub.streams if hub else 0, "source": hub.source if hub else None}
    return HttpResponse(json.dumps(body), content_type="application/json")

"""The stream's fallback and the live pages' JSON.

GET /live/stream is answered by the live process's own ASGI endpoint (live/asgi.py), which
nginx or the cluster's proxy route /live/ to, or pages reach on the live process's port under
`quaestio serve`. A WSGI worker that gets the request anyway (`quaestio serve --no-live`, or no
router in front) answers what is waiting and closes with a `retry` hint, so the
browser comes back with Last-Event-ID: polling, never a worker held by an open stream.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from quaestio.live import fanout, streams
from quaestio.live.thread_state import thread_state


@require_GET
def stream(request):
    user_id = request.user.id if request.user.is_authenticated else None
    query = request.META.get("QUERY_STRING", "")
    wanted = streams.wanted_channels(query, user_id)
    after = streams.last_event_id(request.headers.get("Last-Event-ID", ""), query)
    frames, _ = streams.replay(after, wanted)
    body = f"retry: {streams.FALLBACK_RECONNECT_MS}\n\n".encode() + b"".join(frames)
    response = HttpResponse(body)
    for name, value in streams.response_headers(request.headers.get("Origin", "")):
        response[name] = value
    return response


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

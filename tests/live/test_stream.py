"""The stream as the ASGI process serves it: open, hear a committed write, in order, through
the hub's wake-up source of the database in use (PostgreSQL LISTEN/NOTIFY, else the SQLite
poll and the in-process channel)."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.test import AsyncClient

from quaestio.live import channels, fanout
from quaestio.live.services import publish

pytestmark = pytest.mark.django_db(transaction=True)


def _publish_committed(channel: str, data: dict) -> int:
    try:
        with transaction.atomic():
            return publish(channel, "thread", data)
    finally:
        connections.close_all()  # this worker thread's connection, so the test database can go


async def _finish(response) -> None:
    """Close the stream, the hub, and the connection the view's sync parts used."""
    await response.streaming_content.aclose()
    await fanout.stop_hub()
    await sync_to_async(connections.close_all)()


async def _next_event(stream, seconds: float = 10) -> str:
    """The next chunk that is an event (keep-alive comments skipped)."""
    while True:
        chunk = (await asyncio.wait_for(anext(stream), seconds)).decode()
        if "event:" in chunk or "id:" in chunk:
            return chunk


def test_an_open_stream_hears_a_committed_event_on_its_channel():
    """A stream for question 7 receives the event of a write committed after it opened, and
    not the events of another question."""

    async def scenario():
        response = await AsyncClient().get("/live/stream?question=7")
        assert response["Content-Type"].startswith("text/event-stream")
        stream = aiter(response.streaming_content)
        opening = await _next_event(stream)
        assert opening.startswith("retry: ")
        await sync_to_async(_publish_committed, thread_sensitive=False)(
            channels.question(8), {"q": 8}
        )
        wanted = await sync_to_async(_publish_committed, thread_sensitive=False)(
            channels.question(7), {"q": 7}
        )
        chunk = await _next_event(stream)
        assert chunk.startswith(f"id: {wanted}\nevent: thread\n")
        assert '"q":7' in chunk
        await _finish(response)

    asyncio.run(scenario())


def test_a_reconnect_with_last_event_id_replays_then_goes_on_live():
    """Reconnecting with Last-Event-ID: first the events missed while away, then new ones."""

    async def scenario():
        publish_ = sync_to_async(_publish_committed, thread_sensitive=False)
        seen = await publish_(channels.question(5), {"q": 5, "n": 1})
        missed = await publish_(channels.question(5), {"q": 5, "n": 2})
        response = await AsyncClient().get(
            "/live/stream?question=5", headers={"Last-Event-ID": str(seen)}
        )
        stream = aiter(response.streaming_content)
        replay = await _next_event(stream)
        assert f"id: {missed}\n" in replay and f"id: {seen}\n" not in replay
        after = await publish_(channels.question(5), {"q": 5, "n": 3})
        assert f"id: {after}\n" in await _next_event(stream)
        await _finish(response)

    asyncio.run(scenario())

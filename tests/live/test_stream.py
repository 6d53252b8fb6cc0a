"""The stream as the live process serves it (quaestio.asgi.application, driven here as an ASGI
server would): it hears a committed write, in order, through the hub's wake-up source of the
database in use (PostgreSQL LISTEN/NOTIFY, else the SQLite poll and the in-process channel),
replays on reconnect, and knows the signed-in viewer's own channel."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction

from quaestio.live import channels, fanout
from quaestio.live.services import publish

pytestmark = pytest.mark.django_db(transaction=True)


def _publish_committed(channel: str, data: dict) -> int:
    try:
        with transaction.atomic():
            return publish(channel, "thread", data)
    finally:
        connections.close_all()  # this worker thread's connection, so the test database can go


publish_committed = sync_to_async(_publish_committed, thread_sensitive=False)


class Stream:
    """One request to the ASGI application, read chunk by chunk."""

    def __init__(self, query: str, headers: dict[str, str] | None = None) -> None:
        from quaestio.asgi import application

        self.sent: asyncio.Queue = asyncio.Queue()
        self.incoming: asyncio.Queue = asyncio.Queue()
        self.incoming.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/live/stream",
            "query_string": query.encode(),
            "headers": [(b"host", b"testserver")]
            + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        }
        self.task = asyncio.ensure_future(application(scope, self.incoming.get, self.sent.put))

    async def start(self) -> dict:
        return await asyncio.wait_for(self.sent.get(), 10)

    async def next_event(self) -> str:
        """The next body chunk that carries an event id (keep-alive comments skipped)."""
        while True:
            message = await asyncio.wait_for(self.sent.get(), 10)
            chunk = message.get("body", b"").decode()
            if "id:" in chunk:
                return chunk

    async def close(self) -> None:
        self.incoming.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 10)
        await fanout.stop_hub()


def test_an_open_stream_hears_a_committed_event_on_its_channel_only():
    """A stream for question 7 receives the event of a write committed after it opened, and
    not the event of question 8 committed just before."""

    async def scenario():
        stream = Stream("question=7")
        start = await stream.start()
        assert (b"content-type", b"text/event-stream") in start["headers"]
        opening = await stream.next_event()
        assert opening.startswith("retry: ")
        await publish_committed(channels.question(8), {"q": 8})
        wanted = await publish_committed(channels.question(7), {"q": 7})
        chunk = await stream.next_event()
        assert chunk.startswith(f"id: {wanted}\nevent: thread\n") and '"q":7' in chunk
        await stream.close()

    asyncio.run(scenario())


def test_a_reconnect_with_last_event_id_replays_then_goes_on_live():
    """Reconnecting with Last-Event-ID: first the events missed while away, then new ones."""

    async def scenario():
        seen = await publish_committed(channels.question(5), {"q": 5, "n": 1})
        missed = await publish_committed(channels.question(5), {"q": 5, "n": 2})
        stream = Stream("question=5", {"Last-Event-ID": str(seen)})
        await stream.start()
        replay = await stream.next_event()
        assert f"id: {missed}\n" in replay and f"id: {seen}\n" not in replay
        after = await publish_committed(channels.question(5), {"q": 5, "n": 3})
        assert f"id: {after}\n" in await stream.next_event()
        await stream.close()

    asyncio.run(scenario())


def test_a_signed_in_viewer_hears_their_own_channel(make_user):
    """The session cookie is checked as Django checks it; the viewer's user channel is added
    (inbox and reputation events), and a stranger's cookie-less stream does not get it."""
    from django.test import Client

    user = make_user(reputation=10)
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connections.close_all()

    async def scenario():
        mine = Stream("", {"Cookie": cookie})
        await mine.start()
        await mine.next_event()
        event = await sync_to_async(_publish_user_event, thread_sensitive=False)(user.id)
        assert f"id: {event}\nevent: inbox\n" in await mine.next_event()
        await mine.close()

    asyncio.run(scenario())


def _publish_user_event(user_id: int) -> int:
    try:
        with transaction.atomic():
            return publish(channels.user(user_id), "inbox", {})
    finally:
        connections.close_all()

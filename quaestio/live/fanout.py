"""The hub of a streaming process: one per process, shared by all its open streams.

It learns that events were committed from one wake-up source, reads the new rows of the event
log in one query and hands each to the streams subscribed to its channel. The sources, by what
the deployment has (chosen once, in `_listen`):

* PostgreSQL: LISTEN on one connection (services.publish NOTIFYs in the writing transaction);
* Redis pub/sub when REDIS_URL is set (published after commit);
* neither (SQLite): the in-process channel when this process wrote the event itself, and a poll
  of the table every POLL_SECONDS for the writes of the WSGI workers.

Every source is also backed by a slower poll, so a lost hint (a restarted Redis) only delays.
Ids are assigned at insert, not at commit, so a transaction may commit an id lower than one
already seen: each read looks SLACK ids back and skips the ids it has already delivered.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, connection

from quaestio.live import channels, selectors, wakeups

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # SQLite: how soon a WSGI worker's write reaches the streams
SAFETY_POLL_SECONDS = 5.0  # with a wake-up source, in case a hint was lost
SLACK = 100
QUEUE_SIZE = 200  # a stream this far behind is closed; it reconnects and replays


def frame(event: selectors.Event) -> bytes:
    """The event as the text/event-stream protocol sends it."""
    data = json.dumps({"channel": event.channel, **event.data}, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.kind}\ndata: {data}\n\n".encode()


class Subscription:
    __slots__ = ("channels", "queue")

    def __init__(self, wanted: frozenset[str]) -> None:
        self.channels = wanted
        self.queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)


class Hub:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.by_channel: dict[str, set[Subscription]] = defaultdict(set)
        self.last_id = 0
        self.delivered: deque[int] = deque(maxlen=4 * SLACK)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self.source = "poll"
        # The hub's reads run on a thread of its own, with its own database connection: not on
        # a request's thread, which ends with the request that happened to start the hub.
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="live-hub")

    async def read(self, function, *args):
        return await self.loop.run_in_executor(self._reader, _with_fresh_connection, function, args)

    async def start(self) -> None:
        self.last_id = await self.read(selectors.head)
        # What was committed before the hub started is history, not news.
        for event in await self.read(_read_after, max(self.last_id - SLACK, 0)):
            self.delivered.append(event.id)
        if connection.vendor == "postgresql":
            self.source = "postgresql"
        elif settings.REDIS_URL:
            self.source = "redis"
        # Tasks of their own context: they outlive the request whose stream started the hub.
        for work in (self._deliver_forever(), self._listen()):
            self._tasks.append(asyncio.create_task(work, context=contextvars.Context()))
        wakeups.register_local_hub(self)

    async def stop(self) -> None:
        """Stop listening and close the hub's database connections (tests; a server process
        just ends)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.read(_close_connection)
        self._reader.shutdown(wait=True)
        wakeups.register_local_hub(None)

    def subscribe(self, wanted: frozenset[str]) -> Subscription:
        subscription = Subscription(wanted)
        for channel in wanted:
            self.by_channel[channel].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            listeners = self.by_channel.get(channel)
            if listeners is not None:
                listeners.discard(subscription)
                if not listeners:
                    del self.by_channel[channel]

    @property
    def streams(self) -> int:
        return len({s for subs in self.by_channel.values() for s in subs})

    def wake_threadsafe(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self._wake.set)
        except RuntimeError:  # the loop has closed (a test's asyncio.run ended)
            pass

    def wake(self) -> None:
        self._wake.set()

    async def _deliver_forever(self) -> None:
        while True:
            timeout = POLL_SECONDS if self.source == "poll" else SAFETY_POLL_SECONDS
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self._deliver_new()
            except Exception:  # a database hiccup: the next round reads the same rows again
                log.warning("live hub could not read the event log", exc_info=True)
                await asyncio.sleep(1)

    async def _deliver_new(self) -> None:
        events = await self.read(_read_after, max(self.last_id - SLACK, 0))
        seen = set(self.delivered)
        for event in events:
            if event.id in seen:
                continue
            self.delivered.append(event.id)
            self.last_id = max(self.last_id, event.id)
            self.dispatch(event)

    def dispatch(self, event: selectors.Event) -> None:
        data = frame(event)
        for audience in channels.audiences(event.channel):
            for subscription in list(self.by_channel.get(audience, ())):
                try:
                    subscription.queue.put_nowait((event.id, data))
                except asyncio.QueueFull:
                    self.unsubscribe(subscription)
                    subscription.queue = _closed_queue()

    async def _listen(self) -> None:
        if self.source == "postgresql":
            await _forever(self._listen_postgres)
        elif self.source == "redis":
            await _forever(self._listen_redis)
        # else: the poll of _deliver_forever, plus the in-process wake-ups

    async def _listen_postgres(self) -> None:
        import psycopg

        conninfo = _pg_conninfo(connection.settings_dict)
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as listener:
            await listener.execute(f"LISTEN {wakeups.pg_channel()}")
            self.wake()  # catch up on what was committed while (re)connecting
            async for _ in listener.notifies():
                self._wake.set()

    async def _listen_redis(self) -> None:
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        try:
            pubsub = client.pubsub()
            await pubsub.subscribe(wakeups.redis_channel())
            self.wake()
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self._wake.set()
        finally:
            await client.aclose()


def _with_fresh_connection(function, args):
    """Runs on the hub's thread, which keeps one connection open between reads (a read every
    POLL_SECONDS must not pay for connecting); one the database dropped is replaced."""
    try:
        return function(*args)
    except DatabaseError:
        connection.close()
        raise


def _close_connection() -> None:
    connection.close()  # the connection of the thread this runs on: the hub's


def _read_after(after_id: int) -> list[selectors.Event]:
    return selectors.events_after(after_id, limit=selectors.REPLAY_LIMIT)


def _closed_queue() -> asyncio.Queue:
    """What an overflowed stream reads next: the end, after which its browser reconnects."""
    queue: asyncio.Queue = asyncio.Queue(1)
    queue.put_nowait(None)
    return queue


async def _forever(listen) -> None:
    while True:
        try:
            await listen()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("live wake-up source lost; reconnecting", exc_info=True)
        await asyncio.sleep(1)


def _pg_conninfo(settings_dict: dict) -> str:
    from psycopg.conninfo import make_conninfo

    options = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    return make_conninfo(**{k: v for k, v in options.items() if v})


_hub: Hub | None = None
_starting: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None


async def hub() -> Hub:
    """This process's hub, started on the first stream. A server process has one event loop;
    tests run several one after another, each getting a hub of its own."""
    global _hub, _starting
    loop = asyncio.get_running_loop()
    if _hub is not None and _hub.loop is loop:
        return _hub
    if _starting is None or _starting[0] is not loop:
        _starting = (loop, asyncio.Lock())
    async with _starting[1]:
        if _hub is None or _hub.loop is not loop:
            started = Hub()
            await started.start()
            _hub = started
    return _hub


async def stop_hub() -> None:
    global _hub
    if _hub is not None:
        stopping, _hub = _hub, None
        await stopping.stop()


def current_hub() -> Hub | None:
    """This process's hub if a stream started it (for status pages); None otherwise."""
    return _hub

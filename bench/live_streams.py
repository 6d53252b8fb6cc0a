"""1,000 open live-update streams on the live process (`quaestio serve`'s ASGI process), and
what they cost: memory per idle stream, CPU while idle, and the delay from a committed write to
its event at the 1,000th (the last) stream.

    .venv/bin/python bench/live_streams.py                 # SQLite (poll of the event log)
    DATABASE_URL=postgres://... .venv/bin/python bench/live_streams.py   # LISTEN/NOTIFY

The site is `quaestio demo` in a fresh data directory (on PostgreSQL: a fresh database beside
DATABASE_URL's, `<name>_bench_live`). Streams are raw HTTP/1.1 sockets from this process, all
on one question's channel. Memory is the RSS of the live process's tree (Granian's main process
and its worker) with 1 stream open, then with all; CPU is its user+system time over an idle
window; the delay is from just before the writing transaction commits (a `publish` in this
process, as any WSGI worker's write does) to the moment each stream has read the event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

EVENT_ID = re.compile(rb"id: (\d+)\nevent: thread")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_postgres(url: str) -> str:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_bench_live"
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path="/" + name))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for child in _children(pid):
        pids += _tree(child)
    return pids


def _live_root(server_pid: int) -> int:
    """The live process: the Granian started with the ASGI interface under the server."""
    for pid in _tree(server_pid):
        try:
            if b"asginl" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise SystemExit("no live process found under the server")


def _rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


class Streams:
    def __init__(self) -> None:
        self.arrivals: dict[int, list[float]] = {}
        self.opened = 0
        self.writers = []

    async def open_one(self, host: str, port: int, path: str) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        await writer.drain()
        self.writers.append(writer)
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            raise SystemExit(f"stream refused: {head[:200]!r}")
        self.opened += 1
        asyncio.ensure_future(self._read(reader))

    async def _read(self, reader) -> None:
        while chunk := await reader.read(4096):
            now = time.perf_counter()
            for match in EVENT_ID.finditer(chunk):
                self.arrivals.setdefault(int(match.group(1)), []).append(now)


def _start_site(port: int, live_port: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "quaestio.cli", "demo", "--port", str(port)]
    command += ["--live-port", str(live_port), "--workers", "1"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{live_port}/live/status.json", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the site did not start")


async def measure(args, live_port: int, live_pids: list[int]) -> None:
    from django.db import transaction

    from quaestio.live import channels
    from quaestio.live.services import publish

    question = 1
    path = f"/live/stream?question={question}"
    streams = Streams()
    await streams.open_one("127.0.0.1", live_port, path)  # starts the hub
    await asyncio.sleep(2)
    rss_one = _rss_kib(live_pids)
    started = time.perf_counter()
    for batch in range(0, args.streams - 1, 100):
        count = min(100, args.streams - 1 - batch)
        await asyncio.gather(
            *(streams.open_one("127.0.0.1", live_port, path) for _ in range(count))
        )
    opening = time.perf_counter() - started
    await asyncio.sleep(3)
    rss_all = _rss_kib(live_pids)
    status = urllib.request.urlopen(f"http://127.0.0.1:{live_port}/live/status.json").read()
    print(f"streams open: {streams.opened} (server says {status.decode()}), in {opening:.1f} s")
    per_stream = (rss_all - rss_one) / max(streams.opened - 1, 1)
    print(
        f"live process RSS: {rss_one / 1024:.1f} MiB with 1 stream, {rss_all / 1024:.1f} MiB "
        f"with {streams.opened}: {per_stream:.1f} KiB per idle stream"
    )

    cpu_before, wall = _cpu_seconds(live_pids), time.perf_counter()
    await asyncio.sleep(args.idle_seconds)
    cpu = _cpu_seconds(live_pids) - cpu_before
    wall = time.perf_counter() - wall
    print(
        f"idle CPU over {wall:.0f} s with {streams.opened} streams: {cpu:.2f} s "
        f"= {100 * cpu / wall:.1f}% of one core"
    )

    firsts, lasts, missing = [], [], 0
    for _ in range(args.writes):

        def write():
            with transaction.atomic():
                event_id = publish(channels.question(question), "thread", {"q": question})
                moment = time.perf_counter()
            return event_id, moment

        event_id, committed = await asyncio.to_thread(write)
        deadline = time.perf_counter() + 10
        while len(streams.arrivals.get(event_id, ())) < streams.opened:
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.002)
        got = streams.arrivals.get(event_id, [])
        missing += streams.opened - len(got)
        if got:
            firsts.append((min(got) - committed) * 1000)
            lasts.append((max(got) - committed) * 1000)
        await asyncio.sleep(args.pause)
    print(
        f"write → event over {args.writes} writes: first stream median {statistics.median(firsts):.1f} ms; "
        f"{streams.opened}th stream median {statistics.median(lasts):.1f} ms, "
        f"max {max(lasts):.1f} ms; events missing: {missing}"
    )
    for writer in streams.writers:
        writer.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.7, help="seconds between writes")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="quaestio-bench-live-")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["QUAESTIO_DATA_DIR"] = data_dir
    database = "SQLite (the live process polls the event log)"
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = _fresh_postgres(os.environ["DATABASE_URL"])
        database = "PostgreSQL (LISTEN/NOTIFY)"
    os.environ.update(env)
    port, live_port = _free_port(), _free_port()
    server = _start_site(port, live_port, env)
    try:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
        django.setup()
        live_pids = _tree(_live_root(server.pid))
        print(f"{os.cpu_count()} cores (shared machine); {database}")
        asyncio.run(measure(args, live_port, live_pids))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

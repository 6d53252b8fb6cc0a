"""A small round-robin HTTP reverse proxy for `quaestio cluster`: development only.

Production puts nginx in front of the web processes (docs/deployment.md has the configuration);
this stands in for it on a developer's machine, where nginx may not be installed, and does the
few things of nginx's the cluster relies on:

* each request goes to the next web process in turn (round robin);
* a process that refuses the connection (down, restarting) is skipped for a moment and the
  request goes to the next one; a request that got no answer at all is retried elsewhere only
  when it is safe to repeat (GET, HEAD, OPTIONS), as nginx's `proxy_next_upstream` does;
* a request for /live/ (the pages' event streams) goes to the live-updates process instead,
  as nginx's `location /live/` does, and its response is passed on as it comes;
* the client's address is appended to X-Forwarded-For, which the web processes trust
  (QUAESTIO_TRUSTED_PROXY_HEADER), so rate limits see the visitor and not the proxy.

One request per client connection (the response says `Connection: close`); request bodies need a
Content-Length. Run: python -m quaestio.cluster.proxy --listen 127.0.0.1:8000 --backend
127.0.0.1:8001 --backend 127.0.0.1:8002
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time

HEAD_LIMIT = 64 * 1024
BODY_LIMIT = 64 * 1024 * 1024
HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
}
SAFE_TO_RETRY = {b"GET", b"HEAD", b"OPTIONS"}
DOWN_SECONDS = 2.0  # a backend that refused a connection is skipped this long
TIMEOUT_SECONDS = 120.0


class Backends:
    """The web processes, taken in turn, skipping those that failed a moment ago."""

    def __init__(self, addresses: list[tuple[str, int]]) -> None:
        self.addresses = addresses
        self._turn = itertools.cycle(range(len(addresses)))
        self._down_until = [0.0] * len(addresses)

    def order(self) -> list[int]:
        """Every backend once, starting with the next in turn; those marked down go last."""
        first = next(self._turn)
        ring = [(first + n) % len(self.addresses) for n in range(len(self.addresses))]
        now = time.monotonic()
        return sorted(ring, key=lambda index: self._down_until[index] > now)

    def mark_down(self, index: int) -> None:
        self._down_until[index] = time.monotonic() + DOWN_SECONDS


def _error(status: str, text: str) -> bytes:
    body = text.encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


async def _read_request(reader: asyncio.StreamReader, client_ip: str) -> tuple[bytes, bytes]:
    """The request to forward (head rewritten) and its request line's method and target;
    raises ValueError if malformed."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    method, _, rest = lines[0].partition(b" ")
    target = rest.partition(b" ")[0]
    headers, forwarded_for, length = [], b"", 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        lower, value = name.strip().lower(), value.strip()
        if lower == b"transfer-encoding":
            raise ValueError("chunked request bodies are not supported; send Content-Length")
        if lower == b"content-length":
            length = int(value)
            if length < 0 or length > BODY_LIMIT:
                raise ValueError("request body too large")
        if lower == b"x-forwarded-for":
            forwarded_for = value + b", "
            continue
        if lower in HOP_BY_HOP or lower == b"x-forwarded-proto":
            continue
        headers.append(line)
    body = await reader.readexactly(length) if length else b""
    headers += [
        b"X-Forwarded-For: " + forwarded_for + client_ip.encode(),
        b"X-Forwarded-Proto: http",
        b"Connection: close",
    ]
    return b"\r\n".join([lines[0], *headers]) + b"\r\n\r\n" + body, method, target


async def _forward(request: bytes, method: bytes, backends: Backends, client) -> None:
    for index in backends.order():
        host, port = backends.addresses[index]
        try:
            upstream_reader, upstream_writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), 5
            )
        except (TimeoutError, OSError):
            backends.mark_down(index)
            continue  # nothing was sent: any request may go to the next backend
        try:
            upstream_writer.write(request)
            await upstream_writer.drain()
            first = await asyncio.wait_for(upstream_reader.read(65536), TIMEOUT_SECONDS)
        except (TimeoutError, OSError):
            first = b""
        if not first:
            upstream_writer.close()
            backends.mark_down(index)
            if method in SAFE_TO_RETRY:
                continue
            client.write(_error("502 Bad Gateway", "The web process closed the connection.\n"))
            return
        client.write(first)
        try:
            while chunk := await asyncio.wait_for(upstream_reader.read(65536), TIMEOUT_SECONDS):
                client.write(chunk)
                await client.drain()
        except (TimeoutError, OSError):
            pass  # the response is cut short; the client sees the connection close
        finally:
            upstream_writer.close()
        return
    client.write(_error("502 Bad Gateway", "No web process is answering.\n"))


LIVE_PREFIX = b"/live/"


def handler(backends: Backends, live: Backends | None = None):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client_ip = (writer.get_extra_info("peername") or ("unknown",))[0]
        try:
            try:
                request, method, target = await asyncio.wait_for(
                    _read_request(reader, client_ip), TIMEOUT_SECONDS
                )
            except (ValueError, asyncio.LimitOverrunError, asyncio.IncompleteReadError) as error:
                writer.write(_error("400 Bad Request", f"{error}\n"))
                return
            chosen = live if live is not None and target.startswith(LIVE_PREFIX) else backends
            await _forward(request, method, chosen, writer)
            await writer.drain()
        except (TimeoutError, OSError):
            pass
        finally:
            writer.close()

    return handle


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def serve(
    listen: tuple[str, int], backends: list[tuple[str, int]], live: list[tuple[str, int]] = ()
) -> None:
    server = await asyncio.start_server(
        handler(Backends(backends), Backends(list(live)) if live else None),
        listen[0],
        listen[1],
        limit=HEAD_LIMIT,
        backlog=1024,
    )
    names = ", ".join(f"{h}:{p}" for h, p in backends)
    print(f"proxy on http://{listen[0]}:{listen[1]}/ → {names} (round robin)", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=_address, required=True)
    parser.add_argument("--backend", type=_address, action="append", required=True)
    parser.add_argument("--live-backend", type=_address, action="append", default=[])
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.listen, args.backend, args.live_backend))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

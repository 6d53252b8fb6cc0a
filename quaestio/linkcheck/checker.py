"""Checking one URL politely and safely; no database here.

Polite: a clear User-Agent, robots.txt obeyed (read once per host per run, with
urllib.robotparser), at most one request per host every `host_interval` seconds (or the
robots.txt Crawl-delay, up to MAX_CRAWL_DELAY), HEAD first
and GET only when HEAD is refused, a GET read only up to `max_bytes`, timeouts on every socket
operation and on the whole request.

Safe (the checker fetches URLs anyone can write in a post, so it must not become a way to probe
the site's own network): the host is resolved and *every* address checked with `ipaddress`; a
private, loopback, link-local, multicast, reserved or unspecified address is refused unless
QUAESTIO_LINKCHECK_ALLOW_PRIVATE is on, or the address is in QUAESTIO_LINKCHECK_ALLOW_NETWORKS
(tests' loopback servers, or a site whose links point into its intranet).
The connection is then made to the address that was checked, not to a second resolution, so a
host cannot answer the check with a public address and the connection with a private one.
Redirects are followed by hand, each hop checked the same way.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from django.conf import settings

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"  # robots.txt forbids it, or its address is refused: says nothing of the link

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 256 * 1024
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this would stall the daily run
CHUNK = 16 * 1024
AGENT_TOKEN = "Quaestio-LinkCheck"
# 404 and 410 mean the same to GET; any other refusal of HEAD is tried again with GET, as many
# servers answer HEAD with 403, 405 or 501.
DEFINITE_MISSING = {404, 410}


@dataclass(frozen=True)
class Outcome:
    outcome: str  # OK | FAILED | SKIPPED
    status: int | None = None
    error: str = ""
    final_url: str = ""
    truncated: bool = False  # the GET stopped reading at max_bytes


class Refused(Exception):
    """The address is not one the checker may contact."""


@dataclass
class _Response:
    status: int
    location: str
    body: bytes = b""
    truncated: bool = False


def user_agent() -> str:
    return f"{AGENT_TOKEN}/1 (+{settings.SITE_URL})"


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
    )


def vetted_address(host: str, port: int, allow_private: bool, networks: tuple = ()) -> str:
    """The address to connect to, after checking every address the host resolves to; the
    `networks` are allowed even when private (a test's loopback server)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ConnectionError(f"{host} cannot be resolved ({error})") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ConnectionError(f"{host} cannot be resolved")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not address_allowed(address) and not any(ip in net for net in networks):
                raise Refused(f"{host} resolves to a private or local address ({address})")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Checker:
    """One run's checker: it remembers each host's robots.txt and its last request."""

    timeout: float = 10.0
    max_bytes: int = 1024 * 1024
    host_interval: float = 2.0
    allow_private: bool = False
    allowed_networks: tuple = ()
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _robots: dict[str, RobotFileParser | None] = field(default_factory=dict)
    _last_request: dict[str, float] = field(default_factory=dict)
    _crawl_delay: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, **overrides) -> Checker:
        options = {
            "timeout": settings.QUAESTIO_LINKCHECK_TIMEOUT,
            "max_bytes": settings.QUAESTIO_LINKCHECK_MAX_BYTES,
            "host_interval": settings.QUAESTIO_LINKCHECK_HOST_INTERVAL,
            "allow_private": settings.QUAESTIO_LINKCHECK_ALLOW_PRIVATE,
            "allowed_networks": tuple(
                ipaddress.ip_network(n, strict=False)
                for n in settings.QUAESTIO_LINKCHECK_ALLOW_NETWORKS
            ),
        }
        return cls(**{**options, **overrides})

    # --- one request ----------------------------------------------------------------------

    def _wait_for(self, netloc: str) -> None:
        last = self._last_request.get(netloc)
        if last is not None:
            interval = max(self.host_interval, self._crawl_delay.get(netloc, 0.0))
            wait = last + interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_request[netloc] = self.clock()

    def request(self, method: str, url: str, read_cap: int = 0) -> _Response:
        """One request, no redirect followed; the body read up to `read_cap` bytes."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("not an http or https URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = vetted_address(parts.hostname, port, self.allow_private, self.allowed_networks)
        self._wait_for(f"{parts.hostname}:{port}")
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, self.timeout)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        deadline = self.clock() + self.timeout * 3  # a trickle of bytes cannot hold the run
        try:
            connection.request(
                method, target, headers={"User-Agent": user_agent(), "Accept": "*/*"}
            )
            response = connection.getresponse()
            result = _Response(response.status, response.getheader("Location") or "")
            if method == "GET" and read_cap:
                chunks, size = [], 0
                while size < read_cap:
                    if self.clock() > deadline:
                        raise TimeoutError("the response came too slowly")
                    chunk = response.read(min(CHUNK, read_cap - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                result.body = b"".join(chunks)
                result.truncated = size >= read_cap and bool(response.read(1))
            return result
        finally:
            connection.close()  # never drain the rest of a huge body

    # --- robots.txt -----------------------------------------------------------------------

    def _robots_for(self, url: str) -> RobotFileParser | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._robots:
            return self._robots[origin]
        parser: RobotFileParser | None = RobotFileParser()
        try:
            response = self.request("GET", origin + "/robots.txt", ROBOTS_MAX_BYTES)
        except (OSError, http.client.HTTPException, ValueError, Refused):
            parser = None  # unreadable: the link check itself will say what is wrong
        else:
            # As urllib.robotparser reads it: 401/403 forbid everything, other 4xx nothing.
            if response.status in (401, 403):
                parser.disallow_all = True
            elif response.status >= 300:
                parser.allow_all = True
            else:
                parser.parse(response.body.decode("utf-8", "replace").splitlines())
                delay = parser.crawl_delay(AGENT_TOKEN)
                if delay:
                    port = parts.port or (443 if parts.scheme == "https" else 80)
                    key = f"{parts.hostname}:{port}"
                    self._crawl_delay[key] = min(float(delay), MAX_CRAWL_DELAY)
        self._robots[origin] = parser
        return parser

    def robots_allow(self, url: str) -> bool:
        parser = self._robots_for(url)
        return parser is None or parser.can_fetch(AGENT_TOKEN, url)

    # --- a link ---------------------------------------------------------------------------

    def _follow(self, method: str, url: str) -> tuple[_Response, str]:
        seen = {url}
        for _hop in range(MAX_REDIRECTS + 1):
            if not self.robots_allow(url):
                raise PermissionError(f"robots.txt of {urlsplit(url).netloc} disallows {url}")
            response = self.request(method, url, self.max_bytes if method == "GET" else 0)
            if response.status not in (301, 302, 303, 307, 308) or not response.location:
                return response, url
            url = urljoin(url, response.location)
            if url in seen:
                raise RedirectLoop(f"redirect loop at {url}")
            seen.add(url)
        raise RedirectLoop(f"more than {MAX_REDIRECTS} redirects")

    def check(self, url: str) -> Outcome:
        try:
            response, final = self._follow("HEAD", url)
            if response.status >= 400 and response.status not in DEFINITE_MISSING:
                response, final = self._follow("GET", url)
        except Refused as error:
            return Outcome(SKIPPED, error=str(error)[:300])
        except PermissionError as error:
            return Outcome(SKIPPED, error=str(error)[:300])
        except RedirectLoop as error:
            return Outcome(FAILED, error=str(error)[:300])
        except TimeoutError:
            return Outcome(FAILED, error=f"no answer within {self.timeout:g} seconds")
        except (OSError, http.client.HTTPException, ValueError) as error:
            return Outcome(FAILED, error=f"{type(error).__name__}: {error}"[:300])
        if response.status >= 400:
            return Outcome(FAILED, response.status, f"HTTP {response.status}", final)
        return Outcome(OK, response.status, "", final, response.truncated)


class RedirectLoop(Exception):
    pass

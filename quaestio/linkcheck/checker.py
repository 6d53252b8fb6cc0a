"""Checking one URL politely and safely; no database here.

Polite: a clear User-Agent, robots.txt obeyed (read once per host per run, with
urllib.robotparser), at most one request per host every `host_interval` seconds (or the
robots.txt Crawl-delay, up to MAX_CRAWL_DELAY), HEAD first
and GET only when HEAD is refused, a GET read only up to `max_bytes`, timeouts on every socket
operation and on the whole request.

Safe (the checker fetches URLs anyone can write in a post, so it must not become a way to probe
the site's own network): every request goes through core/outbound.py, which checks every
address the host resolves to and connects to the checked one. Private addresses are refused
unless QUAESTIO_LINKCHECK_ALLOW_PRIVATE is on, or the address is in
QUAESTIO_LINKCHECK_ALLOW_NETWORKS (tests' loopback servers, or a site whose links point into its
intranet). Redirects are followed by hand, each hop checked the same way.
"""

from __future__ import annotations

import http.client
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from django.conf import settings

from quaestio.core.outbound import Refused, default_port, pinned_connection, request_target

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


@dataclass
class _Response:
    status: int
    location: str
    body: bytes = b""
    truncated: bool = False


def user_agent() -> str:
    return f"{AGENT_TOKEN}/1 (+{settings.SITE_URL})"


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
        connection = pinned_connection(
            parts, self.timeout, self.allow_private, self.allowed_networks
        )
        self._wait_for(f"{parts.hostname}:{default_port(parts)}")
        target = request_target(parts)
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
                    key = f"{parts.hostname}:{default_port(parts)}"
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

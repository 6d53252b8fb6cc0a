"""A careful client of a Stack Exchange API 2.3 endpoint, for `quaestio import-api`.

What the API asks of a client (spec Part B, and api.stackexchange.com/docs/throttle):
* `backoff`: a response carrying it means "do not call this method again for that many
  seconds"; the client sleeps before its next call of the same method.
* `quota_remaining`: the requests left today. At 0 the client stops cleanly (QuotaSpent); the
  import resumes from its work directory once the quota is renewed.
* `throttle_violation` (error 502) and 5xx answers are retried, waiting the `backoff` the error
  carries, or an exponentially growing pause.
* Responses are gzip-compressed when asked (Stack Exchange always compresses them).

Responses are untrusted: anything but a JSON object with a list of items is an ApiImportError
naming the method, with the API's own error_name and message when it sent them.
"""

from __future__ import annotations

import gzip
import json
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from urllib.parse import urlencode

from quaestio.dumps.errors import DumpError

DEFAULT_BASE_URL = "https://api.stackexchange.com/2.3"
TEAMS_BASE_URL = "https://api.stackoverflowteams.com/2.3"
TIMEOUT_SECONDS = 60
RETRIES = 5
FIRST_PAUSE = 2.0  # seconds before the first retry of a failed request; doubled each time
LONGEST_PAUSE = 300.0  # a `backoff` or a pause longer than this is refused: stop, resume later
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a page of 100 items is far smaller; guards memory
THROTTLE_VIOLATION = 502


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the error it is: following it would send the access token
    and key to whatever address the answer names."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


class ApiImportError(DumpError):
    """The API refused a request or answered something unusable; nothing was imported."""


class QuotaSpent(ApiImportError):
    """The day's quota is used up: what was fetched is kept, the run resumes later."""


class ApiClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        site: str | None = None,
        team: str | None = None,
        key: str | None = None,
        access_token: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        say: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.site, self.team = site, team
        self.key, self.access_token = key, access_token
        self.timeout = timeout
        self.sleep = sleep
        self.say = say
        self.not_before: dict[str, float] = {}  # method → monotonic time its backoff ends
        self.quota_remaining: int | None = None
        self.requests = 0
        self.slept = 0.0

    # --- one call ------------------------------------------------------------------------

    def get(self, method: str, params: dict | None = None) -> dict:
        """The wrapper object of one successful call of `method` (e.g. "questions")."""
        query = dict(params or {})
        if self.team:
            query["team"] = self.team  # Stack Overflow for Teams names the team, not a site
        elif self.site:
            query["site"] = self.site
        if self.key:
            query["key"] = self.key
        if self.access_token and not self.team:
            query["access_token"] = self.access_token
        url = f"{self.base_url}/{method.strip('/')}?{urlencode(query)}"
        pause = FIRST_PAUSE
        for attempt in range(RETRIES + 1):
            self._wait_for_backoff(method)
            status, payload = self._fetch(url, method)
            error_id = payload.get("error_id") if isinstance(payload, dict) else None
            retryable = status >= 500 or error_id == THROTTLE_VIOLATION
            if not retryable or attempt == RETRIES:
                break
            wait = _seconds(payload.get("backoff") if isinstance(payload, dict) else None)
            wait = max(wait or 0, pause)
            self._refuse_long_wait(method, wait, payload)
            self.say(f"  {method}: {_describe(status, payload)}; retrying in {wait:.0f} s")
            self._sleep(wait)
            pause *= 2
        return self._checked(method, status, payload)

    def _fetch(self, url: str, method: str) -> tuple[int, object]:
        headers = {"Accept-Encoding": "gzip", "User-Agent": "quaestio-import-api"}
        if self.access_token and self.team:
            headers["X-API-Access-Token"] = self.access_token
        request = urllib.request.Request(url, headers=headers)
        self.requests += 1
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                status, encoding = response.status, response.headers.get("Content-Encoding", "")
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:  # SE answers its errors with 400 and a body
            status, encoding = error.code, error.headers.get("Content-Encoding", "")
            raw = error.read(MAX_RESPONSE_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            reason = getattr(error, "reason", error)
            return 599, {"error_message": f"no answer from {self.base_url} ({reason})"}
        if 300 <= status < 400:
            raise ApiImportError(
                f"{method}: the API answered with a redirect (HTTP {status}), which is not "
                "followed (it would carry the key and token elsewhere): check --base-url"
            )
        if len(raw) > MAX_RESPONSE_BYTES:
            raise ApiImportError(
                f"{method}: the response is larger than {MAX_RESPONSE_BYTES:,} bytes"
            )
        return status, _decode(raw, encoding, method, status)

    def _checked(self, method: str, status: int, payload: object) -> dict:
        if not isinstance(payload, dict):
            raise ApiImportError(f"{method}: the API answered something other than a JSON object")
        if "error_id" in payload or status >= 400:
            raise ApiImportError(
                f"{method}: the API refused the request: {_describe(status, payload)}"
            )
        items = payload.get("items")
        if not isinstance(items, list):
            raise ApiImportError(f"{method}: the response has no list of items")
        has_more = payload.get("has_more", False)
        if not isinstance(has_more, bool):
            raise ApiImportError(f"{method}: has_more is not true or false")
        backoff = _seconds(payload.get("backoff"))
        if payload.get("backoff") is not None and backoff is None:
            raise ApiImportError(f"{method}: backoff is not a number of seconds")
        if backoff:
            self._refuse_long_wait(method, backoff, payload)
            self.not_before[method] = time.monotonic() + backoff
            self.say(f"  {method}: the API asks for a pause of {backoff} s before the next call")
        remaining = payload.get("quota_remaining")
        if remaining is not None:
            if isinstance(remaining, bool) or not isinstance(remaining, int):
                raise ApiImportError(f"{method}: quota_remaining is not a number")
            self.quota_remaining = remaining
        return payload

    # --- waiting -------------------------------------------------------------------------

    def _wait_for_backoff(self, method: str) -> None:
        wait = self.not_before.get(method, 0) - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    def _sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.sleep(seconds)

    def _refuse_long_wait(self, method: str, seconds: float, payload: object) -> None:
        if seconds > LONGEST_PAUSE:
            raise QuotaSpent(
                f"{method}: the API asks to wait {seconds:.0f} s "
                f"({_describe(0, payload)}); what was fetched is kept: run the same command "
                "again later to resume"
            )


def _seconds(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return int(value)


def _decode(raw: bytes, encoding: str, method: str, status: int) -> object:
    try:
        if "gzip" in encoding.lower() or raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        elif "deflate" in encoding.lower():
            raw = zlib.decompress(raw)
    except (OSError, EOFError, zlib.error):
        raise ApiImportError(f"{method}: the response's compression is broken") from None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        if status >= 500:
            return {"error_message": f"HTTP {status} without a JSON body"}
        raise ApiImportError(f"{method}: the response is not JSON (HTTP {status})") from None


def _describe(status: int, payload: object) -> str:
    if not isinstance(payload, dict):
        return f"HTTP {status}"
    parts = [
        str(payload.get(name)) for name in ("error_name", "error_message") if payload.get(name)
    ]
    if payload.get("error_id") is not None:
        parts.insert(0, f"error {_printable(str(payload.get('error_id')), 20)}")
    return ", ".join(parts) or f"HTTP {status}"


def _printable(text: str, limit: int = 300) -> str:
    """The API's own words, shown on a terminal: no control characters, not too long."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= limit else text[:limit] + "…"

"""Where a dead link's archived copy is: a pluggable resolver, chosen by the dotted path in
QUAESTIO_LINKCHECK_RESOLVER.

A resolver is any class whose instances have `archived_copy(url) -> str` ("" when it knows of
none). `WaybackResolver` asks the Internet Archive's availability API
(https://archive.org/wayback/available?url=…), for a deployment that reaches it;
`NullResolver` does nothing, for one that is offline.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from quaestio.core.outbound import Refused
from quaestio.linkcheck.checker import Checker

ANSWER_MAX_BYTES = 64 * 1024


class NullResolver:
    def archived_copy(self, url: str) -> str:
        return ""


class WaybackResolver:
    """The availability API answers `{"archived_snapshots": {"closest": {"available": true,
    "url": "http://web.archive.org/web/<timestamp>/<url>", "status": "200", ...}}}`, or an
    empty `archived_snapshots` when it holds no copy."""

    def __init__(self, endpoint: str | None = None, checker: Checker | None = None) -> None:
        self.endpoint = endpoint or settings.QUAESTIO_LINKCHECK_ARCHIVE_API
        # The endpoint is the operator's choice, not a post's: its address is not vetted.
        self.checker = checker or Checker.from_settings(allow_private=True, host_interval=1.0)

    def archived_copy(self, url: str) -> str:
        separator = "&" if "?" in self.endpoint else "?"
        query = f"{self.endpoint}{separator}url={quote(url, safe='')}"
        try:
            response = self.checker.request("GET", query, ANSWER_MAX_BYTES)
            if response.status != 200:
                return ""
            closest = json.loads(response.body.decode("utf-8"))["archived_snapshots"]["closest"]
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError, Refused):
            return ""  # no copy known today; the next check asks again
        if not isinstance(closest, dict):
            return ""
        copy = str(closest.get("url") or "")
        if not closest.get("available", True) or str(closest.get("status", "200")) != "200":
            return ""
        # Only a plain web address is shown to readers (never javascript: or the like).
        if urlsplit(copy).scheme not in {"http", "https"} or len(copy) > 2000:
            return ""
        return copy


def resolver():
    return import_string(settings.QUAESTIO_LINKCHECK_RESOLVER)()

"""Every API method, declared once: the URL routes and the OpenAPI document are built from it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

ENDPOINTS: list[Endpoint] = []


@dataclass(frozen=True)
class Endpoint:
    path: str  # "questions/{ids}/answers"
    view: Callable
    item_type: str
    summary: str
    sorts: tuple[str, ...] = ()
    params: tuple[str, ...] = ()  # method-specific query parameters
    http_method: str = "GET"
    paged: bool = True
    token: bool | str = False  # True: needs an access token; "write": one with write_access
    required: tuple[str, ...] = field(default=())

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def regex(self) -> str:
        pattern = re.sub(r"{(\w+)}", lambda m: f"(?P<{m.group(1)}>[^/]+)", self.path)
        return rf"^{pattern}/?$"


def endpoint(path: str, item_type: str, summary: str, **options) -> Callable:
    def register(view: Callable) -> Callable:
        ENDPOINTS.append(Endpoint(path, view, item_type, summary, **options))
        return view

    return register

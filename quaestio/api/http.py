"""The one place API requests become responses: quota and throttling, the filter, the wrapper
object, errors as Stack Exchange sends them, gzip and JSONP."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.text import compress_string

from quaestio.api import filters as api_filters
from quaestio.api.errors import (
    AccessDenied,
    ApiError,
    BadParameter,
    InternalError,
    NoMethod,
    ThrottleViolation,
    WriteFailed,
)
from quaestio.api.params import Paging, paging
from quaestio.api.throttling import admit
from quaestio.api.types import Out
from quaestio.core import links
from quaestio.core.errors import DomainError, NotFound, PermissionDenied, RateLimited

logger = logging.getLogger(__name__)
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


@dataclass
class Result:
    """What a method returns: a page of serialised items and how to count them all."""

    items: list[dict]
    has_more: bool = False
    total: Callable[[], int] | int | None = None


@dataclass
class ApiRequest:
    http: HttpRequest
    query: QueryDict
    out: Out
    method: str  # the method's path template, e.g. "/questions/{ids}"
    item_type: str = ""
    user: object = None  # the access token's user on authenticated calls
    scopes: frozenset[str] = field(default_factory=frozenset)
    _paging: Paging | None = None

    @property
    def filter(self) -> api_filters.Filter:
        return self.out.filter

    def wants(self, type_: str, name: str) -> bool:
        return self.out.wants(type_, name)

    def paging(self, max_page_size: int = 100) -> Paging:
        if self._paging is None:
            self._paging = paging(self.query, max_page_size)
        return self._paging


def _json_response(request: HttpRequest, payload: dict, status: int) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    callback = request.GET.get("callback")
    if callback and _CALLBACK.match(callback):
        # JSONP always answers 200 (the browser would not run the script otherwise).
        response = HttpResponse(
            callback.encode() + b"(" + body + b")", content_type="application/javascript"
        )
    else:
        response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Accept-Encoding"
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower():
        response.content = compress_string(response.content)
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(response.content))
    return response


def _wrap(api: ApiRequest, result: Result, allowance) -> dict:
    wants = api.filter.wants
    payload: dict = {}
    if wants("", "items"):
        payload["items"] = result.items
    if wants("", "has_more"):
        payload["has_more"] = result.has_more
    if wants("", "quota_max"):
        payload["quota_max"] = allowance.quota_max
    if wants("", "quota_remaining"):
        payload["quota_remaining"] = allowance.quota_remaining
    if allowance.backoff and wants("", "backoff"):
        payload["backoff"] = allowance.backoff
    if wants("", "page") or wants("", "page_size"):
        page = api.paging()
        if wants("", "page"):
            payload["page"] = page.page
        if wants("", "page_size"):
            payload["page_size"] = page.page_size
    if wants("", "total"):
        total = result.total
        if callable(total):
            total = total()
        payload["total"] = total if total is not None else len(result.items)
    if wants("", "type"):
        payload["type"] = api.item_type
    return payload


def _reject_nul_bytes(query: QueryDict, path_values: dict) -> None:
    """No text column takes a NUL byte (PostgreSQL refuses them): refuse them at the door."""
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise BadParameter(name, f"{name} contains a NUL byte")
    for name, value in path_values.items():
        if "\x00" in value:
            raise BadParameter(name, f"{name} contains a NUL byte")


def _error_response(request: HttpRequest, error: ApiError) -> HttpResponse:
    payload = error.as_dict()
    if error.backoff:
        payload["backoff"] = error.backoff
    # Stack Exchange answers every error with 400; an internal error stays a 500 here so that
    # monitoring and the schema fuzzer see it.
    status = 500 if isinstance(error, InternalError) else 400
    return _json_response(request, payload, status)


def domain_to_api(error: DomainError) -> ApiError:
    if isinstance(error, PermissionDenied):
        return AccessDenied(error.message)
    if isinstance(error, NotFound):
        return BadParameter("ids", error.message)
    if isinstance(error, RateLimited):
        return ThrottleViolation(error.message, backoff=error.retry_after or None)
    return WriteFailed(error.message)


def handle(
    request: HttpRequest,
    *,
    method: str,
    item_type: str,
    view: Callable[..., Result],
    http_method: str = "GET",
    authenticate: Callable[[ApiRequest], None] | None = None,
    kwargs: dict,
) -> HttpResponse:
    allowed = http_method.split("|")
    if "GET" in allowed:
        allowed.append("HEAD")
    if request.method not in allowed:
        # Writes also answer GET with an explanation, as Stack Exchange does.
        return _error_response(request, NoMethod(f"{method} must be called with {http_method}"))
    query = request.GET
    if request.method == "POST":
        query = request.GET.copy()
        query.update(request.POST)
    try:
        _reject_nul_bytes(query, kwargs)
        allowance = admit(request, method, query.get("key"))
        out = Out(
            api_filters.resolve(query.get("filter") or api_filters.legacy_name(query)),
            origin=links.origin(request),
        )
        api = ApiRequest(http=request, query=query, out=out, method=method, item_type=item_type)
        if authenticate is not None:
            authenticate(api)
        result = view(api, **kwargs)
        return _json_response(request, _wrap(api, result, allowance), 200)
    except ApiError as error:
        return _error_response(request, error)
    except DomainError as error:
        return _error_response(request, domain_to_api(error))
    except Exception:
        logger.exception("API method %s failed", method)
        return _error_response(request, InternalError(ERRORS_INTERNAL))


ERRORS_INTERNAL = "An unexpected error occurred in the API. It has been logged."


def no_method(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _error_response(request, NoMethod("no method found with this name"))

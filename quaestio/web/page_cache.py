"""The anonymous page cache: load shedding for visitors, as Discourse's anonymous cache.

A visitor without a signed-in user (no cookie but, at most, the CSRF one and a session holding no
user and no flash message, as Discourse and Stack Exchange count them) asking for a question page,
the home page, /questions or a tag's list gets the bytes another visitor's request rendered,
from Redis when the site has it, else from the shared cache table (core/shared_cache.py), so
the demo needs no Redis. A hit costs one indexed read (the page generation) and one cache read (and
the session's read, for a visitor who has one): no user, no thread query, no template.

Exact, not only timed: the key holds the page generation (core/page_generation.py), which every
write that changes what these pages show bumps as it commits, before it answers. The generation
is read before anything the page shows, so a page stored under generation g shows at least the
state of g, and a request that starts after a write was acknowledged reads a newer generation
and misses. The
TTL (QUAESTIO_PAGE_CACHE_SECONDS) only bounds how old a relative time ("asked 5 mins ago") and
the view count (views do not bump the generation, as on Stack Exchange) can get, and lets old
generations' pages expire.

Never served from the cache: a session with a user id in it (signed in, or a stale sign-in
Django will refuse), a pending flash message, any other cookie. Never stored: what a request
with a session cookie rendered (it is served to them, but only cookie-less renders are kept), a
response that sets a cookie (a page that put a CSRF token in a form sets the CSRF cookie, so
pages with forms are never stored), a response that is not a plain 200, that varies on more than
the cookie, or that says private/no-store; a query with parameters the pages do not read (so a
cache-busting parameter renders as usual and stores nothing). QUAESTIO_PAGE_CACHE turns it off.
"""

from __future__ import annotations

import hashlib
from importlib import import_module

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, get_script_prefix, resolve

from quaestio.core.client import client_address
from quaestio.core.page_generation import page_generation
from quaestio.posts.services import count_question_view

CACHED_PAGES = frozenset({"home", "questions", "question", "tagged", "tag"})
READ_PARAMETERS = frozenset({"tab", "page", "pagesize", "sort", "answertab", "filter"})
KEPT_VARY = frozenset({"cookie", "accept-encoding"})
NOT_STORED_HEADERS = frozenset({"set-cookie", "server-timing", "date"})


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        page = _cacheable_page(request)
        if page is None:
            return self.get_response(request)
        key = _key(request, page_generation())
        store = caches["default"]
        entry = store.get(key)
        if entry is not None:
            request.page_cache = "hit"
            _count_view_of(request, page)
            return _response_from(entry)
        request.page_cache = "miss"
        response = self.get_response(request)
        # Only a visitor with no session stores: a page rendered with one might, some day, show
        # something of it. One with a session but no user is only served what others stored.
        if not _has_session_cookie(request) and _storable(request, response):
            store.set(key, _entry_of(response), settings.QUAESTIO_PAGE_CACHE_SECONDS)
        return response


def _cacheable_page(request):
    """The resolved page when this request may be answered from the cache, else None."""
    if not settings.QUAESTIO_PAGE_CACHE or request.method != "GET":
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    cookies = set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}
    if cookies - {settings.SESSION_COOKIE_NAME}:
        return None  # a pending flash message, or anything else a page might read
    if cookies and not _session_is_anonymous(request.COOKIES[settings.SESSION_COOKIE_NAME]):
        return None
    if set(request.GET) - READ_PARAMETERS:
        return None
    try:
        page = resolve(request.path_info)
    except Resolver404:
        return None
    return page if page.url_name in CACHED_PAGES else None


def _has_session_cookie(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _session_is_anonymous(session_key: str) -> bool:
    """Whether the session holds nothing a page shows: no signed-in user (valid or not: Django
    decides that later, so any user id renders as usual) and no flash message waiting in it.
    What else a visitor's session holds (a sign-in flow's state, where to go after logging in)
    is on no cached page. An unknown or expired key loads as an empty session: a visitor."""
    from django.contrib.auth import SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return SESSION_KEY not in session and "_messages" not in session


def _key(request, generation: int) -> str:
    # Everything a page's links are built from: scheme and host (absolute canonical links),
    # the script prefix (a site under /qa/), the path and the query.
    host = request.META.get("HTTP_HOST", "")
    query = request.META.get("QUERY_STRING", "")
    address = f"{request.scheme}://{host}{get_script_prefix()}{request.path}?{query}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"anonpage:{generation}:{digest}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token (belt and braces: it also sets the cookie)
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - KEPT_VARY:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return "private" not in cache_control and "no-store" not in cache_control


def _entry_of(response) -> dict:
    headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED_HEADERS]
    return {"status": response.status_code, "headers": headers, "body": response.content}


def _response_from(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"], status=entry["status"])
    for name in list(response.headers):
        del response.headers[name]
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _count_view_of(request, page) -> None:
    """A question page served from the cache is still a view (spec §10.3): counted as the view
    counts it for a visitor, by address, once per window."""
    if page.url_name == "question":
        count_question_view(page.kwargs["question_id"], client_address(request))

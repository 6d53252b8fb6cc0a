"""Every page route, driven with generated path values and query parameters (issue 15.14): no
input gives a server error or takes more than two seconds.

The routes are read from the URL configuration, so a route added later is fuzzed too. Values are
drawn per converter (ids of every length and sign, slugs, free text including characters that
need escaping) and mixed with ids the demo really has, so the generated requests reach the views'
real work and not only their 404s. The API has its own fuzzer (test_api_schema.py).
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quaestio.accounts.models import User
from quaestio.web import converters  # noqa: F401  (registers <id:...>)

SLOWEST = 2.0  # seconds of this process's CPU time per request
DEMO_IDS = ["38738", "38739", "70010", "70020", "70040", "5", "101", "-1", "1", "0"]
DEMO_NAMES = ["leon-trotsky", "soviet-union", "Teacher", "Good Answer", "tom-au", "how-to-ask"]
TRICKY_TEXT = ["", " ", "..", "%", "%00", "\x00", "'", '"', "<script>", "ß", "☃", "a" * 300]
LIST_TABS = ["active", "newest", "bounties", "score", "unanswered", "votes", "Newest", "x"]
BIG_NUMBERS = ["9223372036854775808", "-9223372036854775809", "1e9", "99999999999999999999"]


def _site_routes() -> list[str]:
    """Every route outside the API, as its full route string ("questions/<id:question_id>")."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
                found.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "")
    return sorted(route for route in set(found) if not route.startswith("2.3/"))


ROUTES = _site_routes()

ids = st.one_of(
    st.sampled_from(DEMO_IDS),
    st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1).map(str),
)
free_text = st.one_of(
    st.sampled_from(DEMO_NAMES + TRICKY_TEXT),
    st.text(st.characters(exclude_characters="/", exclude_categories=["Cs"]), max_size=40),
)
slugs = st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)
SEGMENTS = {"id": ids, "int": st.integers(0, 10**18).map(str), "slug": slugs, "str": free_text}

numbers = st.one_of(
    st.sampled_from(BIG_NUMBERS + ["0", "1", "2", "-5", "15", "30", "50", "100", "1_0", " 3"]),
    st.integers().map(str),
)
queries = st.fixed_dictionaries(
    {},
    optional={
        "page": st.one_of(numbers, free_text),
        "pagesize": st.one_of(numbers, free_text),
        "tab": st.one_of(st.sampled_from(LIST_TABS), free_text),
        "sort": st.one_of(st.sampled_from(LIST_TABS), free_text),
        "answertab": st.one_of(
            st.sampled_from(["votes", "active", "oldest", "trending"]), free_text
        ),
        "q": free_text,
        "next": free_text,
        "amount": st.one_of(numbers, free_text),
        "body": free_text,
        "title": free_text,
        "tags": free_text,
    },
)


def filled(route: str):
    """Paths for one route: each <converter:name> drawn and percent-encoded."""
    parts = []
    for literal, converter in _split(route):
        parts.append(st.just(literal))
        if converter:
            parts.append(SEGMENTS.get(converter, free_text).map(lambda v: quote(v, safe="")))
    return st.tuples(*parts).map(lambda drawn: "/" + "".join(drawn))


def _split(route: str) -> list[tuple[str, str]]:
    pieces, rest = [], route
    while "<" in rest:
        literal, _, rest = rest.partition("<")
        spec, _, rest = rest.partition(">")
        pieces.append((literal, spec.split(":")[0] if ":" in spec else "str"))
    pieces.append((rest, ""))
    return pieces


EXAMPLES_PER_ROUTE = 20


def _fuzz_every_route(client: Client, methods: list[str]) -> None:
    for route in ROUTES:

        @given(path=filled(route), params=queries, method=st.sampled_from(methods))
        @settings(
            max_examples=EXAMPLES_PER_ROUTE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(path, params, method):
            _assert_served(client, method, path, params)

        fuzz()


@pytest.fixture
def signed_in(demo) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.filter(id__gt=0).order_by("-reputation").first())
    return client


def _assert_served(client: Client, method: str, path: str, params: dict) -> None:
    started = time.process_time()
    if method == "GET":
        response = client.get(path, params)
    else:
        response = client.post(path, params)
    took = time.process_time() - started
    assert response.status_code < 500, (method, path, params, response.status_code)
    assert took < SLOWEST, (method, path, params, took)


def test_the_fuzzer_sees_the_sites_routes():
    """The route list is read from the URL configuration, the API excepted."""
    assert "questions/<id:question_id>/<str:slug>" in ROUTES
    assert "questions" in ROUTES and "users/<id:user_id>" in ROUTES
    assert not [route for route in ROUTES if "<int:" in route]  # every id takes <id:...>


def test_anonymous_requests_never_fail(demo):
    """GET of every route with generated path values and query parameters, signed out."""
    _fuzz_every_route(Client(raise_request_exception=False), ["GET"])


def test_signed_in_requests_never_fail(signed_in):
    """GET or POST (form fields from the same generator) of every route, signed in as the
    demo's highest-reputation user, whose privileges reach the most code."""
    _fuzz_every_route(signed_in, ["GET", "POST"])

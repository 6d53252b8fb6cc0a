"""Limits hold for the whole site, not per web process (issue 20.4): two real `quaestio serve`
processes on one database (and, in one case, one Redis) share the API quota and the search
rate limit. With the old local-memory cache each process counted alone, so alternating between
them doubled every limit."""

from __future__ import annotations

import pytest

from tests.cluster.servers import (
    Browser,
    create_user,
    get,
    get_json,
    redis_or_skip,
    site_environment,
    web_processes,
)

QUOTA = 6


@pytest.mark.parametrize("store", ["database", "redis"])
def test_the_api_quota_is_counted_once_for_all_processes(tmp_path, store):
    redis_url = redis_or_skip() if store == "redis" else None
    env = site_environment(
        tmp_path,
        "procs",
        redis_url,
        QUAESTIO_API_QUOTA_ANONYMOUS=str(QUOTA),
        QUAESTIO_API_REQUESTS_PER_SECOND="1000",
    )
    with web_processes(env, 2) as (first, second):
        # Waiting for the processes spent some of the quota: read where it stands.
        _, body = get_json(f"{first}/2.3/info?site=history")
        remaining = [body["quota_remaining"]]
        servers = [second, first] * QUOTA
        while remaining[-1] > 0:
            status, body = get_json(f"{servers[len(remaining)]}/2.3/info?site=history")
            assert status == 200, body
            remaining.append(body["quota_remaining"])
        assert remaining == list(range(remaining[0], -1, -1)), (
            "each request, whichever process served it, took one from the same quota"
        )
        for server in (first, second):
            status, body = get_json(f"{server}/2.3/info?site=history")
            assert status == 400
            assert body["error_name"] == "throttle_violation"


def test_the_search_rate_limit_holds_across_processes(tmp_path):
    env = site_environment(tmp_path, "procs")
    with web_processes(env, 2) as (first, second):
        statuses = [get(f"{(first, second)[n % 2]}/search?q=stalin+{n}")[0] for n in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429, "the 31st search in a minute is refused, though each process saw 15"


def test_a_log_out_through_one_process_ends_the_session_in_every_process(tmp_path):
    """Sessions are shared: signed in through one process, out through another, and the first
    no longer knows the session (one cached in a process's memory would outlive the log-out)."""
    env = site_environment(tmp_path, "procs")
    with web_processes(env, 2) as (first, second):
        create_user(env, "two@example.org", "two", "correct horse battery")
        browser = Browser()
        browser.log_in(first, "two@example.org", "correct horse battery")
        for server in (first, second):
            status, _, _ = browser.send(f"{server}/users/edit")
            assert status == 200, "signed in, whichever process answers"
        session = browser.cookies["sessionid"]
        status, _, _ = browser.send(f"{second}/users/logout", {})
        assert status == 302
        # The browser forgot its cookie; a copy of it (another tab's request in flight, a stolen
        # cookie) must be worthless too, in the process that signed it in as in the other.
        browser.cookies["sessionid"] = session
        for server in (first, second):
            status, location, _ = browser.send(f"{server}/users/edit")
            assert status == 302 and "/users/login" in location, "signed out everywhere"

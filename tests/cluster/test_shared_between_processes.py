"""Limits hold for the whole site, not per web process (issue 20.4): two real `quaestio serve`
processes on one database (and, in one case, one Redis) share the API quota and the search
rate limit. With the old local-memory cache each process counted alone, so alternating between
them doubled every limit."""

from __future__ import annotations

import pytest

from tests.cluster.servers import get, get_json, redis_or_skip, site_environment, web_processes

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

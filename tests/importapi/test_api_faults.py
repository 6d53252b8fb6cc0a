"""What a live API sends now and then, through a real HTTP proxy in front of the source server:
`backoff`, throttle violations, server errors, a spent quota, and answers that cannot be used
(each refused with a clear message, nothing imported, the next run resumes)."""

from __future__ import annotations

import io
import json

import pytest

from quaestio.dumps.api_client import ApiImportError, QuotaSpent
from quaestio.dumps.api_fetch import QuotaStop
from quaestio.dumps.api_import import import_api
from quaestio.dumps.models import DumpImport
from quaestio.posts.models import Post
from tests.importapi.test_import_api import assert_seed_facts, assert_whole_copy

pytestmark = pytest.mark.django_db


def run(proxy, work, **options):
    return import_api(work, base_url=proxy.url, site="history", out=io.StringIO(), **options)


def test_backoff_is_honoured_before_the_next_call_of_that_method(proxy, tmp_path, client):
    def backoff_on_questions(method, number, payload):
        if method == "questions":
            payload["backoff"] = 1
        return payload

    proxy.script = backoff_on_questions
    run(proxy, tmp_path / "work", page_size=2)
    calls = [when for when, method in proxy.calls if method == "questions"]
    assert len(calls) >= 3
    assert all(later - earlier >= 1 for earlier, later in zip(calls, calls[1:], strict=False))
    assert_whole_copy(proxy.upstream)
    assert_seed_facts(client)


def test_throttle_violation_and_server_errors_are_retried(proxy, tmp_path, client):
    throttle = {
        "error_id": 502,
        "error_name": "throttle_violation",
        "error_message": "too many requests from this IP, more requests available in 1 seconds",
        "backoff": 1,
    }

    def faults(method, number, payload):
        if method == "answers" and number == 1:
            return 400, json.dumps(throttle).encode()
        if method == "comments" and number == 1:
            return 503, b"<html>Service Unavailable</html>"
        return payload

    proxy.script = faults
    run(proxy, tmp_path / "work")
    assert proxy.count("answers") == 2 and proxy.count("comments") == 2
    assert_whole_copy(proxy.upstream)
    assert_seed_facts(client)


def test_spent_quota_stops_cleanly_and_the_next_run_resumes(proxy, tmp_path, client):
    def quota(method, number, payload):
        if method == "answers" and number == 2:
            payload["quota_remaining"] = 0
        return payload

    proxy.script = quota
    work = tmp_path / "work"
    with pytest.raises(QuotaStop, match="quota is spent.*run the same command again"):
        run(proxy, work, page_size=3)
    assert not Post.objects.exists()
    state = json.loads((work / "state.json").read_text())
    assert state["methods"]["answers"]["pages"] == 2 and not state["methods"]["answers"]["done"]
    answers_before, questions_before = proxy.count("answers"), proxy.count("questions")
    proxy.script = None  # a new day
    run(proxy, work, page_size=3)
    # The run went on from the third page of answers: no page was fetched twice, and the
    # questions, all fetched already, were not asked for again.
    state = json.loads((work / "state.json").read_text())
    assert state["methods"]["answers"]["pages"] == proxy.count("answers")
    assert proxy.count("answers") > answers_before
    assert proxy.count("questions") == questions_before
    assert_whole_copy(proxy.upstream)
    assert_seed_facts(client)


def test_a_backoff_too_long_to_wait_stops_like_a_spent_quota(proxy, tmp_path):
    def long_backoff(method, number, payload):
        if method == "tags":
            payload["backoff"] = 86_400
        return payload

    proxy.script = long_backoff
    with pytest.raises(QuotaSpent, match="wait 86400 s.*run the same command again later"):
        run(proxy, tmp_path / "work")
    assert not Post.objects.exists()


def _bad_score(method, number, payload):
    if method == "questions":
        payload["items"][1]["score"] = "lots"
    return payload


def _no_items(method, number, payload):
    return {"quota_remaining": 10} if method == "comments" else payload


def _refusal(method, number, payload):
    if method == "users":
        return 400, json.dumps(
            {"error_id": 403, "error_name": "access_denied", "error_message": "no <b>entry</b>"}
        ).encode()
    return payload


def _not_json(method, number, payload):
    return (200, b"<html>a login page</html>") if method == "answers" else payload


def _broken_gzip(method, number, payload):
    return (200, b"\x1f\x8b\x08\x00broken") if method == "tags" else payload


def _nul_in_title(method, number, payload):
    if method == "questions":
        payload["items"][0]["title"] = "a\x00b"
    return payload


def _bad_tag(method, number, payload):
    if method == "questions":
        payload["items"][0]["tags"] = ["two words"]
    return payload


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (_bad_score, "questions, page 1, item 2: score is not a whole number"),
        (_no_items, "comments: the response has no list of items"),
        (_refusal, "users: the API refused the request: error 403, access_denied, no <b>entry"),
        (_not_json, "answers: the response is not JSON"),
        (_broken_gzip, "tags: the response's compression is broken"),
        (_nul_in_title, "questions, page 1, item 1: title holds a NUL character"),
        (_bad_tag, "questions, page 1, item 1: tags holds a malformed tag name"),
    ],
)
def test_unusable_answers_are_refused_and_change_nothing(proxy, tmp_path, script, message):
    proxy.script = script
    with pytest.raises(ApiImportError) as refused:
        run(proxy, tmp_path / "work")
    assert message in refused.value.message
    assert not Post.objects.exists() and not DumpImport.objects.exists()


def test_the_refused_page_is_not_kept_and_a_fixed_source_resumes(proxy, tmp_path, client):
    proxy.script = _bad_score
    work = tmp_path / "work"
    with pytest.raises(ApiImportError):
        run(proxy, work)
    assert not (work / "items" / "questions").exists()
    proxy.script = None
    run(proxy, work)
    assert_whole_copy(proxy.upstream)
    assert_seed_facts(client)


def test_a_work_directory_serves_one_source(proxy, tmp_path):
    work = tmp_path / "work"
    run(proxy, work)
    with pytest.raises(ApiImportError, match="already imported here as history"):
        run(proxy, work)
    with pytest.raises(ApiImportError, match="holds an import of"):
        import_api(work, base_url=proxy.url, site="beer", out=io.StringIO())


def test_a_teams_import_names_the_team_and_sends_the_token_as_a_header(proxy, tmp_path, client):
    import_api(
        tmp_path / "work",
        base_url=proxy.url,
        team="history-team",
        access_token="secret-token",
        key="app-key",
        out=io.StringIO(),
    )
    for path, headers in proxy.requests:
        assert "team=history-team" in path and "key=app-key" in path
        assert "site=" not in path and "secret-token" not in path  # never in a logged URL
        assert headers.get("X-API-Access-Token") == "secret-token"
        assert "gzip" in headers.get("Accept-Encoding", "")
    assert DumpImport.objects.get().site == "history-team"
    assert_seed_facts(client)


def test_a_redirect_is_refused_not_followed(proxy, tmp_path):
    """Following it would hand the access token to the address the answer names."""

    def redirect(method, number, payload):
        return (302, b"") if method == "filters/create" else payload

    proxy.script = redirect
    with pytest.raises(
        ApiImportError, match="filters/create: the API answered with a redirect .HTTP 302"
    ):
        run(proxy, tmp_path / "work")

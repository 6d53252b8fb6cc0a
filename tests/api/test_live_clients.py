"""The two Python clients of the Stack Exchange API, unchanged, against a live Quaestio server.

The server is the real one (`quaestio demo`: granian serving the demo community from a
temporary data directory on SQLite), started once for the module.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

stackapi = pytest.importorskip("stackapi")
stackexchange = pytest.importorskip("stackexchange")
import stackexchange.web as se_web  # noqa: E402

STARTUP_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """(base URL, environment of the server process) for a live `quaestio demo`."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("api-live-data")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        QUAESTIO_DATA_DIR=str(data_dir),
        QUAESTIO_SITE_URL=f"http://127.0.0.1:{port}",
        # The clients are tested here, not the throttle (tests/api/test_wrapper_and_errors.py):
        # a fast machine must not turn a burst of test calls into throttle_violation.
        QUAESTIO_API_REQUESTS_PER_SECOND="1000",
        QUAESTIO_API_QUOTA_ANONYMOUS="1000000",
        QUAESTIO_API_BACKOFF_AFTER="100000",
    )
    command = [sys.executable, "-m", "quaestio.cli", "demo", "--port", str(port), "--workers", "1"]
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            if process.poll() is not None:
                pytest.fail("the server exited: " + Path(data_dir / "server.log").read_text())
            try:
                urllib.request.urlopen(f"{url}/2.3/info", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        "the server did not start: " + (data_dir / "server.log").read_text()
                    )
                time.sleep(0.3)
        yield url, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def live_server_url(demo_server):
    return demo_server[0]


@pytest.fixture(scope="module")
def site_parameter(live_server_url):
    import json

    with urllib.request.urlopen(f"{live_server_url}/2.3/sites?pagesize=10") as response:
        return json.loads(response.read())["items"][0]["api_site_parameter"]


@pytest.fixture
def stack_api(live_server_url, site_parameter):
    # The constructor itself calls /2.3/sites with StackAPI's opaque filter.
    return stackapi.StackAPI(
        site_parameter, version="2.3", base_url=live_server_url, max_pages=5, page_size=100
    )


@pytest.fixture
def se_site(live_server_url, monkeypatch):
    """py-stackexchange has no host setting; redirect its request manager as the spec shows."""
    original = se_web.WebRequestManager.request
    host = live_server_url.removeprefix("http://")

    def local(self, url, params):
        return original(self, url.replace("api.stackexchange.com", host, 1), params)

    monkeypatch.setattr(se_web.WebRequestManager, "request", local)
    site = stackexchange.Site("history.stackexchange.com", force_http=True, cache=0)
    site.api_version = "2.3"
    return site


def test_stackapi_lists_questions_with_bodies_and_answers(stack_api):
    """StackAPI fetches questions with the withbody filter, then their answers by ids."""
    result = stack_api.fetch("questions", sort="votes", order="desc", filter="withbody")
    questions = result["items"]
    assert questions and all("body" in q and q["body"].startswith("<") for q in questions)
    assert [q["score"] for q in questions] == sorted((q["score"] for q in questions), reverse=True)
    seed = next(q for q in questions if q["question_id"] == 38738)
    answers = stack_api.fetch("questions/{ids}/answers", ids=[seed["question_id"]])["items"]
    assert len(answers) == seed["answer_count"] > 0
    assert all(a["question_id"] == 38738 for a in answers)


def test_stackapi_fetches_users_and_their_badges(stack_api):
    """users/{ids} and users/{ids}/badges answer with the users' own data."""
    users = stack_api.fetch("users/{ids}", ids=[1, 2])["items"]
    assert sorted(u["user_id"] for u in users) == [1, 2]
    badges = stack_api.fetch("users/{ids}/badges", ids=[1])["items"]
    assert badges and all(b["user"]["user_id"] == 1 for b in badges)
    ranks = {b["rank"] for b in badges}
    assert ranks <= {"gold", "silver", "bronze"}


def test_stackapi_searches(stack_api):
    """/search finds the questions with a word in their titles, tagged as asked."""
    found = stack_api.fetch("search", intitle="Trotsky", tagged="mexico")["items"]
    assert sorted(q["question_id"] for q in found) == [70010, 70020]


def test_stackapi_pages_through_results(live_server_url, site_parameter):
    """With two items per page StackAPI follows has_more and merges every page."""
    small = stackapi.StackAPI(
        site_parameter, version="2.3", base_url=live_server_url, max_pages=50, page_size=2
    )
    everything = small.fetch("answers", sort="creation", order="asc")["items"]
    ids = [a["answer_id"] for a in everything]
    assert len(ids) == len(set(ids)) == 11


def test_stackapi_raises_the_servers_errors(stack_api):
    """An unknown method comes back as StackAPIError with the error id and name."""
    with pytest.raises(stackapi.StackAPIError) as raised:
        stack_api.fetch("no/such/method")
    assert raised.value.error == 404
    assert raised.value.code == "no_method"


def test_py_stackexchange_lists_questions_with_bodies_and_answers(se_site):
    """recent_questions sends the legacy `_a`/`_ba` filters; answers and bodies come back."""
    se_site.be_inclusive()
    questions = list(se_site.recent_questions(pagesize=10))
    assert questions
    seed = next(q for q in questions if q.id == 38738)
    assert "<p>" in seed.body
    assert len(seed.answers) == 7
    assert all(a.question_id == 38738 for a in seed.answers)
    assert seed.owner.display_name


def test_py_stackexchange_fetches_users_and_their_badges(se_site):
    """user() uses the client's opaque users filter; badges() lists the user's badges."""
    user = se_site.user(1)
    assert user.id == 1 and user.display_name == "Semaphore"
    assert user.reputation > 0
    badges = list(se_site.badges(user_id=1))
    assert badges


def test_py_stackexchange_searches_and_pages(se_site, live_server_url):
    """search(intitle=...) finds the seed; iterating a result set follows has_more to the end."""
    import json

    found = list(se_site.search(intitle="Trotsky"))
    assert 38738 in [q.id for q in found]
    with urllib.request.urlopen(f"{live_server_url}/2.3/comments?filter=total") as response:
        total = json.loads(response.read())["total"]
    collected = [c.id for c in se_site.comments(pagesize=5)]
    assert total > 5
    assert len(collected) == len(set(collected)) == total


def test_stackapi_adds_an_answer_with_a_token(demo_server, site_parameter):
    """The acceptance test of writes: a token made for a user (by the same service the
    profile page uses), then StackAPI's send_data posts an answer that the site then lists."""
    url, env = demo_server
    make_token = (
        "from quaestio.accounts.models import User;"
        "from quaestio.api.services import token_create;"
        "print(token_create(User.objects.get(id=101), name='live',"
        " scopes=['write_access', 'no_expiry'])[1])"
    )
    secret = (
        subprocess.run(
            [sys.executable, "-m", "quaestio.cli", "manage", "shell", "-c", make_token],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    writer = stackapi.StackAPI(
        site_parameter, version="2.3", base_url=url, access_token=secret, key="live-test"
    )
    body = "The order is in the Volkogonov papers, which the archives opened after 1991."
    result = writer.send_data("questions/70040/answers/add", body=body)
    answer = result["items"][0]
    assert answer["question_id"] == 70040 and answer["owner"]["user_id"] == 101
    listed = writer.fetch("questions/{ids}/answers", ids=[70040], filter="withbody")["items"]
    assert [a["answer_id"] for a in listed] == [answer["answer_id"]]

"""The checker against a real local HTTP server: what it calls ok, failed or skipped, and how
politely and safely it asks."""

from __future__ import annotations

import pytest

from quaestio.core.outbound import address_allowed
from quaestio.linkcheck.checker import FAILED, OK, SKIPPED, Checker
from tests.linkcheck.conftest import HUGE_BYTES


@pytest.fixture
def checker(local_checks):
    return Checker.from_settings()


def test_a_page_that_answers_is_ok_with_head_only(site, checker):
    """A 200 to HEAD is enough: no GET, after one robots.txt read, with our User-Agent."""
    found = checker.check(f"{site.base}/ok")
    assert (found.outcome, found.status) == (OK, 200)
    assert [(m, p) for m, p, _ in site.requests] == [("GET", "/robots.txt"), ("HEAD", "/ok")]
    assert all(agent.startswith("Quaestio-LinkCheck/1 (+") for _, _, agent in site.requests)


@pytest.mark.parametrize("path,status", [("/dead", 404), ("/gone", 410)])
def test_not_found_and_gone_fail(site, checker, path, status):
    found = checker.check(site.base + path)
    assert (found.outcome, found.status, found.error) == (FAILED, status, f"HTTP {status}")
    assert ("GET", path) not in [(m, p) for m, p, _ in site.requests]  # 404/410 are definite


def test_head_refused_is_tried_again_with_get(site, checker):
    found = checker.check(f"{site.base}/head-refused")
    assert (found.outcome, found.status) == (OK, 200)
    assert [(m, p) for m, p, _ in site.requests][-2:] == [
        ("HEAD", "/head-refused"),
        ("GET", "/head-refused"),
    ]


def test_a_redirect_chain_is_followed_to_its_end(site, checker):
    found = checker.check(f"{site.base}/redirect")
    assert (found.outcome, found.status, found.final_url) == (OK, 200, f"{site.base}/ok")


def test_a_redirect_loop_fails(site, checker):
    found = checker.check(f"{site.base}/loop-a")
    assert found.outcome == FAILED and "redirect loop" in found.error


def test_a_slow_page_fails_after_the_timeout(site, checker):
    found = checker.check(f"{site.base}/slow")
    assert found.outcome == FAILED and "no answer within 0.5 seconds" in found.error


def test_a_huge_page_is_read_only_up_to_the_cap(site, checker):
    """HEAD is refused, so the checker GETs: it reads 64 KiB of the 8 MiB, calls the link ok,
    and hangs up (the server could not send the rest)."""
    found = checker.check(f"{site.base}/huge")
    assert (found.outcome, found.status, found.truncated) == (OK, 200, True)
    assert site.huge_sent < HUGE_BYTES


def test_a_flapping_link_alternates(site, checker):
    outcomes = [checker.check(f"{site.base}/flap").outcome for _ in range(4)]
    assert outcomes == [OK, FAILED, OK, FAILED]


def test_robots_txt_is_obeyed_and_read_once_per_host(site, checker):
    """A path robots.txt disallows is skipped (not failed) and never requested."""
    found = checker.check(f"{site.base}/private/page")
    assert found.outcome == SKIPPED and "robots.txt" in found.error
    assert checker.check(f"{site.base}/ok").outcome == OK
    paths = [p for _, p, _ in site.requests]
    assert "/private/page" not in paths
    assert paths.count("/robots.txt") == 1


def test_loopback_is_refused_when_the_setting_is_off(site, settings):
    """Without the test allowance, a loopback address is refused before any connection."""
    settings.QUAESTIO_LINKCHECK_ALLOW_NETWORKS = []
    settings.QUAESTIO_LINKCHECK_ALLOW_PRIVATE = False
    found = Checker.from_settings(host_interval=0).check(f"{site.base}/ok")
    assert found.outcome == SKIPPED and "private or local address (127.0.0.1)" in found.error
    assert site.requests == []
    found = Checker.from_settings(host_interval=0).check(f"http://localhost:{site.server_port}/")
    assert found.outcome == SKIPPED  # every address of the name is checked


def test_a_redirect_to_a_private_address_is_refused(site, checker):
    """The loopback server is allowed, the cloud metadata address it redirects to is not."""
    found = checker.check(f"{site.base}/to-metadata")
    assert found.outcome == SKIPPED and "169.254.169.254" in found.error


@pytest.mark.parametrize(
    "address,allowed",
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("ff02::1", False),
    ],
)
def test_which_addresses_are_public(address, allowed):
    assert address_allowed(address) is allowed


def test_one_host_is_asked_at_most_once_per_interval(site, local_checks):
    """Requests to one host are spaced by the interval: the checker waits out the rest."""
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    checker = Checker.from_settings(host_interval=2.0, clock=lambda: now[0], sleep=sleep)
    checker.check(f"{site.base}/ok")  # robots.txt, then HEAD /ok
    checker.check(f"{site.base}/page-2")
    assert waits == [2.0, 2.0]


def test_a_crawl_delay_in_robots_txt_spaces_requests_more(site, local_checks):
    site.robots = "User-agent: *\nCrawl-delay: 5\nDisallow: /private/\n"
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    checker = Checker.from_settings(host_interval=2.0, clock=lambda: now[0], sleep=sleep)
    checker.check(f"{site.base}/ok")
    checker.check(f"{site.base}/page-2")
    assert waits == [5.0, 5.0]


def test_other_schemes_fail_without_a_request(site, checker):
    assert checker.check("ftp://example.org/file").outcome == FAILED
    assert site.requests == []

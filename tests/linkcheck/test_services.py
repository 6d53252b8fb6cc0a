"""The link rows: which links a post carries, and a link's state over days of checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaestio.linkcheck.checker import FAILED, OK, SKIPPED, Outcome
from quaestio.linkcheck.models import Link, LinkCheck, PostLink
from quaestio.linkcheck.services import check_record, post_links_sync, posts_scan
from quaestio.posts.services import post_edit
from quaestio.posts.thread_version import thread_version

DAY0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FAIL = Outcome(FAILED, 404, "HTTP 404")
GOOD = Outcome(OK, 200)


@pytest.fixture
def linked(ask):
    question = ask(body="See [the record](http://example.org/a) and <https://example.com/b>.")
    post_links_sync([question.id])
    return question


def test_a_posts_links_are_read_from_its_kept_sources(linked):
    urls = set(PostLink.objects.filter(post=linked).values_list("link__url", flat=True))
    assert urls == {"http://example.org/a", "https://example.com/b"}
    assert set(Link.objects.values_list("host", flat=True)) == {"example.org", "example.com"}


def test_an_edit_replaces_the_links_and_shares_rows(linked, ask):
    """A link two posts carry is one Link; a link removed by an edit leaves the post."""
    other = ask(title="Another question about rivers", body="Also http://example.org/a here.")
    post_links_sync([other.id])
    assert Link.objects.filter(url="http://example.org/a").count() == 1
    body = "Only [one](http://example.org/c) now, quite long enough to pass the check."
    post_edit(linked.owner, linked.id, title=linked.title, body=body, tags="rome")
    post_links_sync([linked.id])
    assert list(PostLink.objects.filter(post=linked).values_list("link__url", flat=True)) == [
        "http://example.org/c"
    ]


def test_the_saving_service_syncs_after_commit(ask, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(body="A source: https://example.net/paper for the claim made here.")
    assert PostLink.objects.filter(post=question, link__url="https://example.net/paper").exists()


def test_the_pass_reads_posts_it_has_not_seen(ask):
    """Imported posts (no service ran) are read by the pass; the second pass reads nothing."""
    question = ask(body="Imported: http://example.org/imported and more text to pass the check.")
    assert not PostLink.objects.filter(post=question).exists()
    assert posts_scan() >= 1
    assert PostLink.objects.filter(post=question).exists()
    assert posts_scan() == 0
    assert posts_scan(rescan=True) >= 1


def _link(linked) -> Link:
    return Link.objects.get(url="http://example.org/a")


def test_dead_after_failures_on_three_different_days(linked):
    link = _link(linked)
    for hour in range(3):  # three failures the same day are one day of failure
        link = check_record(link.id, FAIL, DAY0 + timedelta(hours=hour))
    assert (link.consecutive_failures, link.failure_days, link.dead_since) == (3, 1, None)
    link = check_record(link.id, FAIL, DAY0 + timedelta(days=1))
    assert link.dead_since is None
    before = thread_version(linked.id)
    link = check_record(link.id, FAIL, DAY0 + timedelta(days=2))
    assert link.dead_since == DAY0 + timedelta(days=2)
    assert thread_version(linked.id) == before + 1  # the page shows it dead now
    link = check_record(link.id, FAIL, DAY0 + timedelta(days=3))
    assert link.dead_since == DAY0 + timedelta(days=2)  # dead since the first day it was
    link = check_record(link.id, GOOD, DAY0 + timedelta(days=4))
    assert (link.dead_since, link.consecutive_failures, link.failure_days) == (None, 0, 0)
    assert thread_version(linked.id) == before + 2  # and alive again


def test_a_flapping_link_is_never_dead(linked):
    link = _link(linked)
    for day in range(10):
        link = check_record(link.id, FAIL if day % 2 else GOOD, DAY0 + timedelta(days=day))
    assert link.dead_since is None and link.failure_days <= 1


def test_a_skipped_check_neither_fails_nor_clears(linked):
    link = _link(linked)
    for day in range(2):
        link = check_record(link.id, FAIL, DAY0 + timedelta(days=day))
    link = check_record(link.id, Outcome(SKIPPED, error="robots.txt"), DAY0 + timedelta(days=2))
    assert link.failure_days == 2 and link.last_outcome == SKIPPED
    link = check_record(link.id, FAIL, DAY0 + timedelta(days=3))
    assert link.dead_since is not None


def test_the_history_is_pruned_to_the_setting(linked, settings):
    settings.QUAESTIO_LINKCHECK_HISTORY = 4
    link = _link(linked)
    for day in range(9):
        check_record(link.id, GOOD, DAY0 + timedelta(days=day))
    kept = list(LinkCheck.objects.filter(link=link).order_by("checked_at"))
    assert [c.checked_at for c in kept] == [DAY0 + timedelta(days=d) for d in range(5, 9)]
    link.refresh_from_db()
    assert link.first_checked == DAY0 and link.last_checked == DAY0 + timedelta(days=8)

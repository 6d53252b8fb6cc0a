"""The daily pass end to end: posts linking to the local site, three days of checks, the dead
links found with their archived copies from the local availability API; the command and the
daily-jobs step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quaestio.linkcheck.models import Link, LinkCheck
from quaestio.linkcheck.services import check_links

DAY0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def posts(ask, site, local_checks):
    paths = ["/ok", "/dead", "/gone", "/redirect", "/loop-a", "/flap", "/private/page"]
    body = "Sources: " + ", ".join(f"[{p}]({site.base}{p})" for p in paths) + "."
    return ask(body=body)


@pytest.fixture
def archived(settings, wayback, site):
    settings.QUAESTIO_LINKCHECK_RESOLVER = "quaestio.linkcheck.resolvers.WaybackResolver"
    settings.QUAESTIO_LINKCHECK_ARCHIVE_API = wayback.endpoint
    wayback.copies[f"{site.base}/dead"] = "http://web.archive.org/web/2019/dead"
    return wayback


def test_three_daily_passes_mark_the_dead_links(posts, site, archived, local_checks):
    """Day by day: the 404, the 410 and the loop die on the third day and the archive is asked
    for them once; the redirect, the page and the flapping link live; robots.txt's path is
    skipped; a pass on the same day checks nothing again."""
    for day in range(3):
        counts = check_links(now=DAY0 + timedelta(days=day))
        assert counts["checked"] == 7
    assert counts == {"checked": 7, "ok": 3, "failed": 3, "skipped": 1, "dead": 3}  # flap: ok
    dead = dict(Link.objects.filter(dead_since__isnull=False).values_list("url", "archive_url"))
    assert dead == {
        f"{site.base}/dead": "http://web.archive.org/web/2019/dead",
        f"{site.base}/gone": "",
        f"{site.base}/loop-a": "",
    }
    assert sorted(archived.asked) == sorted(dead)
    assert Link.objects.get(url=f"{site.base}/flap").dead_since is None
    assert LinkCheck.objects.count() == 21
    again = check_links(now=DAY0 + timedelta(days=2, hours=3))
    assert again["checked"] == 0


def test_links_of_deleted_posts_are_not_checked(posts, local_checks):
    posts.deletion_date = DAY0
    posts.save(update_fields=["deletion_date"])
    assert check_links(now=DAY0)["checked"] == 0


def test_the_command_prints_a_summary(posts, local_checks, capsys):
    from quaestio.cli import main

    assert main(["check-links", "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert "Links: 3 checked" in out
    assert "3/3 links" in err  # the progress bar


def test_daily_jobs_checks_links_unless_turned_off(posts, local_checks, settings, capsys):
    from quaestio.linkcheck.commands import daily_links

    daily_links()
    assert "not checked (QUAESTIO_LINKCHECK_DAILY is off)" in capsys.readouterr().out
    settings.QUAESTIO_LINKCHECK_DAILY = True
    daily_links()
    assert "Links: 7 checked" in capsys.readouterr().out

"""Every write of the link checker: which links a post carries, and what each check found.

Lock order: a Link row, then (through `thread_changed`) the thread versions of the posts that
carry it; nothing else is locked. The network is never used inside a transaction: a check and an
archive lookup run first, and their result is written in a short transaction after.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quaestio.linkcheck.checker import FAILED, OK, Checker, Outcome
from quaestio.linkcheck.models import URL_MAX, Link, LinkCheck, LinkScanMark, PostLink
from quaestio.posts.models import Post, PostType
from quaestio.posts.thread_version import thread_changed
from quaestio.sources.extract import URL
from quaestio.sources.models import PostSource

SCAN_BATCH = 500


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def posts_urls(post_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each post's outbound URLs and their hosts, in reading order: its kept sources
    (sources.PostSource), which every body write replaces in its own transaction and the dump
    importer and `quaestio backfill-sources` fill, so no body is parsed again here."""
    urls: dict[int, dict[str, str]] = {post_id: {} for post_id in post_ids}
    kept = (
        PostSource.objects.filter(post_id__in=post_ids, kind=URL)
        .order_by("post_id", "position")
        .values_list("post_id", "value", "domain")
    )
    for post_id, url, host in kept:
        if len(url) <= URL_MAX and host:
            urls[post_id][url] = host
    return urls


def _links_for(urls: dict[str, str]) -> dict[str, int]:
    """Link ids for these URLs, creating the missing rows."""
    hashes = {url_hash(url): url for url in urls}
    found = dict(Link.objects.filter(url_hash__in=hashes).values_list("url_hash", "id"))
    missing = [
        Link(url_hash=h, url=url, host=urls[url][:255])
        for h, url in hashes.items()
        if h not in found
    ]
    if missing:
        Link.objects.bulk_create(missing, ignore_conflicts=True)  # a concurrent sync may win
        found = dict(Link.objects.filter(url_hash__in=hashes).values_list("url_hash", "id"))
    return {hashes[h]: link_id for h, link_id in found.items()}


def post_links_sync(post_ids: Iterable[int]) -> int:
    """Make each post's PostLink rows the links its body carries now; returns rows written.
    Deleted posts keep theirs (pages and the checker leave deleted posts out), so an undeletion
    needs nothing."""
    written = 0
    posts = list(
        Post.objects.filter(
            id__in=list(post_ids), post_type__in=(PostType.QUESTION, PostType.ANSWER)
        ).only("id")
    )
    urls_of = posts_urls([post.id for post in posts])
    for post in posts:
        urls = urls_of[post.id]
        with transaction.atomic():
            link_ids = set(_links_for(urls).values())
            kept = set(PostLink.objects.filter(post=post).values_list("link_id", flat=True))
            gone = kept - link_ids
            if gone:
                PostLink.objects.filter(post=post, link_id__in=gone).delete()
            dead = _dead_among(link_ids - kept)
            new = [PostLink(post_id=post.id, link_id=i, dead=i in dead) for i in link_ids - kept]
            PostLink.objects.bulk_create(new, ignore_conflicts=True)
            written += len(new)
    return written


def _dead_among(link_ids: set[int]) -> set[int]:
    if not link_ids:
        return set()
    dead = Link.objects.filter(id__in=link_ids, dead_since__isnull=False)
    return set(dead.values_list("id", flat=True))


def posts_scan(rescan: bool = False, progress: Callable[[int, int], None] | None = None) -> int:
    """Sync the links of posts the savers have not (imported ones): those after the pass's mark,
    or every post with `rescan`. Returns the number of posts read."""
    mark, _ = LinkScanMark.objects.get_or_create(id=1)
    start = 0 if rescan else mark.post_id_done
    candidates = Post.objects.filter(
        id__gt=start, post_type__in=(PostType.QUESTION, PostType.ANSWER)
    )
    total = candidates.count()
    done, last_id = 0, start
    while True:
        batch = candidates.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)
        ids = list(batch[:SCAN_BATCH])
        if not ids:
            break
        post_links_sync(ids)
        last_id = ids[-1]
        done += len(ids)
        LinkScanMark.objects.filter(id=1, post_id_done__lt=last_id).update(post_id_done=last_id)
        if progress:
            progress(done, total)
    return done


def _prune_history(link_id: int) -> None:
    keep = max(settings.QUAESTIO_LINKCHECK_HISTORY, 1)
    oldest_kept = (
        LinkCheck.objects.filter(link_id=link_id)
        .order_by("-checked_at", "-id")
        .values_list("id", flat=True)[keep - 1 : keep]
    )
    boundary = list(oldest_kept)
    if boundary:
        LinkCheck.objects.filter(link_id=link_id, id__lt=boundary[0]).delete()


def _posts_of(link_id: int) -> list[int]:
    return list(PostLink.objects.filter(link_id=link_id).values_list("post_id", flat=True))


def check_record(link_id: int, outcome: Outcome, now: datetime | None = None) -> Link:
    """Write what one check found: the history row, the link's state, and, when the link died
    or came back, a new version of every thread that shows it. A link is dead after failing on
    QUAESTIO_LINKCHECK_DEAD_AFTER_DAYS different UTC days with no success between; one success
    clears it (a flapping link is never dead). A skipped check changes nothing but the time."""
    now = now or timezone.now()
    with transaction.atomic():
        link = Link.objects.select_for_update().get(id=link_id)
        was_dead = link.dead_since is not None
        LinkCheck.objects.create(
            link=link,
            checked_at=now,
            outcome=outcome.outcome,
            status=outcome.status,
            error=outcome.error[:300],
            final_url=outcome.final_url if outcome.final_url != link.url else "",
        )
        link.first_checked = link.first_checked or now
        link.last_checked = now
        link.last_outcome = outcome.outcome
        link.last_status = outcome.status
        link.last_error = outcome.error[:300]
        if outcome.outcome == OK:
            link.consecutive_failures = 0
            link.failure_days = 0
            link.last_failure_day = None
            link.dead_since = None
        elif outcome.outcome == FAILED:
            link.consecutive_failures += 1
            if link.last_failure_day != now.date():
                link.failure_days += 1
                link.last_failure_day = now.date()
            if link.failure_days >= settings.QUAESTIO_LINKCHECK_DEAD_AFTER_DAYS:
                link.dead_since = link.dead_since or now
        link.save()
        _prune_history(link.id)
        if was_dead != (link.dead_since is not None):
            PostLink.objects.filter(link_id=link.id).update(dead=link.dead_since is not None)
            thread_changed(*_posts_of(link.id))
    return link


def archive_record(link_id: int, archive_url: str, now: datetime | None = None) -> bool:
    """Keep the archived copy found for a dead link; True when what pages show changed."""
    now = now or timezone.now()
    with transaction.atomic():
        link = Link.objects.select_for_update().get(id=link_id)
        changed = archive_url != link.archive_url
        link.archive_url = archive_url
        link.archive_checked = now
        link.save(update_fields=["archive_url", "archive_checked"])
        if changed and link.dead_since is not None:
            thread_changed(*_posts_of(link.id))
    return changed


def link_check(link: Link, checker: Checker, resolver, now: datetime | None = None) -> Link:
    """Check one link and record it; ask the resolver for an archived copy when it is dead and
    none is known yet (asked again at most once a day)."""
    link = check_record(link.id, checker.check(link.url), now)
    today = (now or timezone.now()).date()
    asked_today = link.archive_checked is not None and link.archive_checked.date() == today
    if link.dead_since is not None and not link.archive_url and not asked_today:
        archive_record(link.id, resolver.archived_copy(link.url), now)
        link.refresh_from_db()
    return link


def check_links(
    limit: int | None = None,
    rescan: bool = False,
    checker: Checker | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    scan_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """The daily pass: sync the links of posts not yet read, then check the links that are due
    (selectors.links_due). Returns how many links were checked, found ok, failed, skipped, and
    how many are dead after the pass."""
    from quaestio.linkcheck.resolvers import resolver as configured_resolver
    from quaestio.linkcheck.selectors import links_due

    posts_scan(rescan=rescan, progress=scan_progress)
    checker = checker or Checker.from_settings()
    archive = configured_resolver()
    due = links_due(now, limit)
    counts = {"checked": 0, OK: 0, FAILED: 0, "skipped": 0}
    for number, link in enumerate(due, start=1):
        checked = link_check(link, checker, archive, now)
        counts["checked"] += 1
        counts[checked.last_outcome] += 1
        if progress:
            progress(number, len(due))
    counts["dead"] = Link.objects.filter(dead_since__isnull=False).count()
    return counts

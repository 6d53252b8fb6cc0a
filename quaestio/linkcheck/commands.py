"""`quaestio check-links`: the link-rot pass by hand, with a progress bar."""

from __future__ import annotations


def check_links_arguments(parser) -> None:
    parser.add_argument(
        "--limit", type=int, default=None, help="check at most N links (default: the setting)"
    )
    parser.add_argument(
        "--rescan",
        action="store_true",
        help="read every post's links again first (after importing a dump into a live site)",
    )


def _summary(counts: dict[str, int]) -> str:
    return (
        f"Links: {counts['checked']:,} checked ({counts['ok']:,} ok, {counts['failed']:,} "
        f"failed, {counts['skipped']:,} skipped by robots.txt or address); "
        f"{counts['dead']:,} dead."
    )


def check_links_command(args) -> int:
    from quaestio.core.progress import progress_bar
    from quaestio.linkcheck.services import check_links

    counts = check_links(limit=args.limit, rescan=args.rescan, progress=progress_bar("links"))
    print(_summary(counts))
    return 0


def daily_links() -> None:
    """The daily-jobs step; off with QUAESTIO_LINKCHECK_DAILY=0 (a site with no way out)."""
    from django.conf import settings

    from quaestio.linkcheck.services import check_links

    if not settings.QUAESTIO_LINKCHECK_DAILY:
        print("Links: not checked (QUAESTIO_LINKCHECK_DAILY is off).")
        return
    print(_summary(check_links()))

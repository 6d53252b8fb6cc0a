"""`quaestio reindex`: rebuild the search index from the posts, with a progress bar."""

from __future__ import annotations

import sys
import time

BAR_WIDTH = 30


def progress_bar(stream=None):
    """A progress callable for reindex_all that redraws one line on a terminal."""
    stream = stream or sys.stderr
    started = time.monotonic()

    def report(done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(BAR_WIDTH * share)
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed > 0 else 0
        stream.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} "
            f"{done:,}/{total:,} posts, {rate:,.0f}/s"
        )
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


def reindex(args=None) -> int:
    from quaestio.search.services import reindex_all

    print("Rebuilding the search index…", flush=True)
    started = time.monotonic()
    total = reindex_all(progress=progress_bar())
    print(f"Indexed {total:,} posts in {time.monotonic() - started:.1f} s.")
    return 0

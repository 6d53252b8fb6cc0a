"""`quaestio backfill-sources`: keep the sources of posts written before they were kept."""

from __future__ import annotations

import argparse
import time

from quaestio.core.progress import progress_bar


def backfill_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--restart",
        action="store_true",
        help="start from the first post rather than where an interrupted run stopped",
    )


def backfill_sources(args=None) -> int:
    from quaestio.sources.services import backfill

    print("Reading the sources of every question and answer…", flush=True)
    started = time.monotonic()
    posts, rows = backfill(
        progress=progress_bar("posts"), restart=bool(getattr(args, "restart", False))
    )
    print(f"Read {posts:,} posts, kept {rows:,} sources in {time.monotonic() - started:.1f} s.")
    return 0

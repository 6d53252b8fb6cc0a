"""`quaestio reindex`: rebuild the search index from the posts, with a progress bar."""

from __future__ import annotations

import time

from quaestio.core.progress import progress_bar


def reindex(args=None) -> int:
    from quaestio.search.services import reindex_all

    print("Rebuilding the search index…", flush=True)
    started = time.monotonic()
    total = reindex_all(progress=progress_bar("posts"))
    print(f"Indexed {total:,} posts in {time.monotonic() - started:.1f} s.")
    return 0

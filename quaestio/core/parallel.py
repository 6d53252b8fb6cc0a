"""CPU-bound work spread over forked worker processes, fed and drained by the caller's thread.

For work such as reading every imported post's sources: pure functions of strings, no
database. The chunks are produced and the results consumed in the caller's own thread, so a
generator that reads the database reads it on the caller's connection, inside its
transaction; the workers never touch a connection (they are forked after it is open, use
nothing of it, and leave through os._exit, so nothing closes it under the parent). Results come
back in the order of the chunks. Where fork is unavailable, or with one worker, the same calls
run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# Chunks handed out ahead of the one being waited for, per worker: enough that no worker
# waits while the caller writes a result, few enough that memory stays a few chunks' worth.
AHEAD_PER_WORKER = 2


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def map_in_workers(
    work: Callable[[Chunk], Result], chunks: Iterable[Chunk], workers: int | None = None
) -> Iterator[Result]:
    """work(chunk) for each chunk, in order; `work` must be a module-level function."""
    workers = default_workers() if workers is None else workers
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield work(chunk)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(work, (chunk,)))
            if len(pending) > workers * AHEAD_PER_WORKER:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

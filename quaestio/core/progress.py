"""A progress bar for long work counted in steps (posts indexed, tables dumped, migrations
applied): on a terminal it redraws one line; elsewhere (logs, CI) it prints a line per 10 %."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 30


def progress_bar(unit: str, stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A `report(done, total)` callable that draws `[####....]  40% 4/10 <unit>, 2/s`."""
    stream = stream or sys.stderr
    tty = hasattr(stream, "isatty") and stream.isatty()
    started = time.monotonic()
    last_decile = -1

    def report(done: int, total: int) -> None:
        nonlocal last_decile
        share = done / total if total else 1.0
        finished = done >= total
        if not tty:
            decile = int(share * 10)
            if decile == last_decile and not finished:
                return
            last_decile = decile
        filled = int(BAR_WIDTH * share)
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed > 0 else 0
        start = "\r" if tty else ""
        end = "" if tty and not finished else "\n"
        stream.write(
            f"{start}[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} "
            f"{done:,}/{total:,} {unit}, {rate:,.0f}/s{end}"
        )
        stream.flush()

    return report

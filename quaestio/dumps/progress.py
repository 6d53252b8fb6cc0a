"""A plain-text progress bar on stderr: one per file, with rows per second.

On a terminal it redraws one line; elsewhere (logs, CI) it prints a line per 10 %.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    def __init__(self, label: str, total_bytes: int | None, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total_bytes or 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self.last_draw = 0.0
        self.last_decile = -1
        self.rows = 0
        # (rows, time) when the first tenth of the file was read and when nine tenths were:
        # the rate before the first and after the second say whether a file slows as it loads.
        self.first_tenth: tuple[int, float] | None = None
        self.last_tenth: tuple[int, float] | None = None
        self.start_rate = 0.0
        self.end_rate = 0.0

    def update(self, rows: int, bytes_done: int) -> None:
        self.rows = rows
        now = time.perf_counter()
        fraction = min(bytes_done / self.total, 1.0) if self.total else 0.0
        if self.first_tenth is None and fraction >= 0.1:
            self.first_tenth = (rows, now)
        if self.last_tenth is None and fraction >= 0.9:
            self.last_tenth = (rows, now)
        if self.tty:
            if now - self.last_draw >= 0.2:
                self.last_draw = now
                self._draw(fraction, now, end="\r")
        else:
            decile = int(fraction * 10)
            if decile > self.last_decile and decile < 10:
                self.last_decile = decile
                self._draw(fraction, now, end="\n")

    def done(self, rows: int) -> float:
        """Draw the final line; returns elapsed seconds."""
        self.rows = rows
        now = time.perf_counter()
        self._draw(1.0, now, end="\n")
        overall = rows / max(now - self.started, 1e-9)
        self.start_rate, self.end_rate = overall, overall
        if self.first_tenth is not None:
            first_rows, first_time = self.first_tenth
            self.start_rate = first_rows / max(first_time - self.started, 1e-9)
        if self.last_tenth is not None and rows > self.last_tenth[0]:
            last_rows, last_time = self.last_tenth
            self.end_rate = (rows - last_rows) / max(now - last_time, 1e-9)
        return now - self.started

    def _draw(self, fraction: float, now: float, end: str) -> None:
        elapsed = max(now - self.started, 1e-9)
        filled = int(fraction * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(
            f"  {self.label:<16} [{bar}] {fraction:4.0%} {self.rows:>12,} rows "
            f"{self.rows / elapsed:>10,.0f} rows/s{end}"
        )
        self.stream.flush()


def say(message: str, stream: TextIO | None = None) -> None:
    stream = stream if stream is not None else sys.stderr
    stream.write(message + "\n")
    stream.flush()

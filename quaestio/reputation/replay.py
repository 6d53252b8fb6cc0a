"""How Stack Exchange's recalculation turns a user's events into a total (spec §1.2, §1.4).

Events are applied one by one in time order, starting from 1. An event in the capped bucket
that would gain more than is left of the UTC day's 200 is cut to what is left (nothing once the
day is full); what was applied of such events is the day's tally, so a downvote received lowers
it and a later upvote can count again. A loss that would take the total below 1 is cut to what
takes it to 1, and later gains do not pay the cut back. An event that does not stand (its post
is deleted) applies nothing and leaves the tally alone.

This one function serves the live ledger (which replays a user's events from the moment one
changed) and `quaestio recalc-reputation` (which replays every user's events from the source
rows), so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from quaestio.reputation import rules
from quaestio.reputation.models import BASE_REPUTATION


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


@dataclass
class Replay:
    """The running state: the total, and the capped bucket's tally for one UTC day."""

    reputation: int = BASE_REPUTATION
    day: date | None = None
    tally: int = 0

    def apply(self, nominal: int, reason: str, moment: datetime, standing: bool = True) -> int:
        """Apply one event; returns what it actually moved."""
        if not standing:
            return 0
        amount = nominal
        capped = reason in rules.CAPPED
        if capped:
            day = utc_day(moment)
            if day != self.day:
                self.day, self.tally = day, 0
            if amount > 0:
                amount = max(0, min(amount, rules.DAILY_CAP - self.tally))
        if amount < 0:
            amount = max(amount, min(0, BASE_REPUTATION - self.reputation))
        if capped:
            self.tally += amount
        self.reputation += amount
        return amount

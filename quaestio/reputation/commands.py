"""Bodies of the reputation subcommands of `quaestio` (listed in cli.py)."""

from __future__ import annotations

import sys


def _progress(done: int, total: int) -> None:
    print(
        f"\rChecked {done:,} of {total:,} users", end="" if done < total else "\n", file=sys.stderr
    )
    sys.stderr.flush()


def recalc_reputation(args) -> int:
    """Replay every user's events from the votes, accepts, bounties, suggested edits and
    deletions that stand; report and fix every user whose reputation differs."""
    from quaestio.reputation.recalc import recalculate
    from quaestio.reputation.services import record_opening_balances

    # A user with a total but no ledger row at all came from an import or the seed (every
    # change made here writes a row): open their ledger instead of resetting them to 1.
    opened = record_opening_balances(only_new_users=True)
    if opened:
        print(f"Recorded opening balances for {opened:,} imported users.")
    differences = recalculate(fix=True, progress=_progress)
    if not differences:
        print("Every user's reputation matches the replay of their events.")
        return 0
    print(f"Fixed {len(differences):,} user{'s' if len(differences) != 1 else ''}:")
    for difference in differences:
        print(f"  user {difference.user_id}: {difference.stored:,} → {difference.expected:,}")
    return 0

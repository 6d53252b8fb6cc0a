"""Bodies of the reputation subcommands of `quaestio` (listed in cli.py)."""

from __future__ import annotations

SHOWN = 20


def recalc_reputation(args) -> int:
    """Rebuild every user's reputation from the ledger and report what was wrong."""
    from quaestio.reputation.services import recalculate, record_opening_balances

    # Every change made here writes a ledger row, so a user with a total but no rows at all
    # came from an import or the seed: open their ledger instead of resetting them to 1.
    opened = record_opening_balances(only_new_users=True)
    if opened:
        print(f"Recorded opening balances for {opened:,} imported users.")
    differences = recalculate(fix=True)
    if not differences:
        print("Every user's reputation matches the ledger.")
        return 0
    print(f"Fixed {len(differences):,} user{'s' if len(differences) != 1 else ''}:")
    for difference in differences[:SHOWN]:
        print(f"  user {difference.user_id}: {difference.stored:,} → {difference.ledger:,}")
    if len(differences) > SHOWN:
        print(f"  … and {len(differences) - SHOWN:,} more")
    return 0

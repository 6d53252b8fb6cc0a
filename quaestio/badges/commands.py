"""Body of `quaestio award-badges` (listed in cli.py): the daily backfill."""

from __future__ import annotations


def award_badges_command(args) -> int:
    from quaestio.badges.services import award_badges

    awarded = award_badges(None)
    if not awarded:
        print("No new badges.")
        return 0
    print(f"Awarded {sum(awarded.values()):,} badges:")
    for name, n in awarded.most_common():
        print(f"  {name}: {n:,}")
    return 0

"""Body of `quaestio daily-jobs` (listed in cli.py): what runs once a day, at 03:00 UTC say."""

from __future__ import annotations


def daily_jobs(args) -> int:
    from quaestio.badges.services import award_badges
    from quaestio.moderation.flag_handling import flags_tidy
    from quaestio.moderation.locks import locks_expire
    from quaestio.moderation.protection import auto_protect_sweep
    from quaestio.moderation.roomba import roomba_run
    from quaestio.moderation.services import close_votes_age
    from quaestio.notifications.commands import daily_mail
    from quaestio.votes.services import bounties_close_expired
    from quaestio.votes.services.serial import reverse_serial_voting

    closed = bounties_close_expired()
    print(
        f"Bounties: {closed['auto_awarded']:,} auto-awarded, {closed['expired']:,} expired unawarded."
    )
    print(f"Serial voting: {reverse_serial_voting():,} votes reversed.")
    print(f"Close votes: {close_votes_age():,} aged away.")
    print(f"Locks: {locks_expire():,} ran out and were lifted.")
    tidied = flags_tidy()
    print(f"Flags: {tidied['resolved']:,} on deleted items resolved, {tidied['aged']:,} aged away.")
    print(f"Protection: {auto_protect_sweep():,} questions protected by Community.")
    cleaned = roomba_run()
    print(
        "Community clean-up: "
        + ", ".join(f"{name} {count:,} deleted" for name, count in cleaned.items())
        + "."
    )
    awarded = award_badges(None)
    print(f"Badges: {sum(awarded.values()):,} awarded.")
    from quaestio.moderation.bulk_cleanup import prune_unconfirmed_signups

    print(f"Sign-ups never confirmed: {prune_unconfirmed_signups():,} forgotten.")
    from quaestio.accounts.privacy import forget_old_addresses

    print(f"IP addresses past their retention: {forget_old_addresses():,} forgotten.")
    from quaestio.linkcheck.commands import daily_links

    daily_links()
    daily_mail()
    return 0

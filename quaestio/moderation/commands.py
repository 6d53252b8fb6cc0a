"""Body of `quaestio hourly-jobs` (listed in cli.py): what runs once an hour."""

from __future__ import annotations


def hourly_jobs(args) -> int:
    from quaestio.moderation.roomba import bump_question

    bumped = bump_question()
    if bumped is None:
        print("Bump: no old unanswered question to bump.")
    else:
        print(f"Bump: 1 question bumped by Community (id {bumped}).")
    from quaestio.webhooks.services import retry_due

    print(f"Webhooks: {retry_due():,} deliveries due for a retry attempted.")
    from quaestio.mail.services import retry_due as mail_retry_due

    print(f"Mail: {mail_retry_due():,} messages due for a retry attempted.")
    return 0

"""The top bar's counters on the user row, rebuilt from the rows by `quaestio recount`.

Set-based UPDATE … FROM statements in the shape of `core.counters`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone

from quaestio.reputation.services import utc_day_bounds

INBOX_UNREAD = "inbox unread counts"
ACHIEVEMENTS_UNSEEN = "achievements unseen counts"


def _update_users(column: str, per_user: str) -> str:
    """Set accounts_user.`column` to n from `per_user` (user_id, n), 0 for users not in it."""
    return (
        f"UPDATE accounts_user SET {column} = s.n FROM ("
        f"SELECT t.id AS id, COALESCE(c.n, 0) AS n FROM accounts_user t "
        f"LEFT JOIN ({per_user}) c ON c.user_id = t.id) AS s "
        f"WHERE accounts_user.id = s.id AND accounts_user.{column} <> s.n"
    )


def _timestamp_literal(moment: datetime) -> str:
    """A UTC moment as each database compares it with a stored datetime column (SQLite keeps
    naive UTC text)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    text = utc.isoformat(sep=" ")
    return f"'{text}+00:00'" if connection.vendor == "postgresql" else f"'{text}'"


def counter_statements(now: datetime | None = None) -> list[tuple[str, str]]:
    """(name, UPDATE) for the inbox's unread count and the achievements marker: the events
    since the user last opened the list, or since the start of today (UTC) if they never did."""
    today = _timestamp_literal(utc_day_bounds(now or timezone.now())[0])
    unread = (
        "SELECT user_id, COUNT(*) AS n FROM notifications_notification "
        "WHERE read_date IS NULL GROUP BY user_id"
    )
    unseen = (
        "SELECT user_id, COUNT(*) AS n FROM ("
        "SELECT r.user_id AS user_id FROM reputation_reputationchange r "
        "JOIN accounts_user u ON u.id = r.user_id "
        f"WHERE r.reason <> 'opening_balance' AND r.created_at > "
        f"COALESCE(u.achievements_seen_at, {today}) "
        "UNION ALL SELECT b.user_id AS user_id FROM badges_badge b "
        "JOIN accounts_user u ON u.id = b.user_id "
        f"WHERE b.date > COALESCE(u.achievements_seen_at, {today})"
        ") x GROUP BY user_id"
    )
    return [
        (INBOX_UNREAD, _update_users("inbox_unread", unread)),
        (ACHIEVEMENTS_UNSEEN, _update_users("achievements_unseen", unseen)),
    ]

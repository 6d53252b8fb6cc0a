"""The top bar's counters on the user row, rebuilt from the rows by `quaestio recount`.

Set-based UPDATE … FROM statements in the shape of `core.counters`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from quaestio.notifications import achievements

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


def counter_statements(now: datetime | None = None) -> list[tuple[str, str]]:
    """(name, UPDATE) for the inbox's unread count and the achievements marker: the day's
    events the user has not seen, by the marker's one rule (notifications/achievements.py).
    A user row is written where the marker as read differs; it is then the count of today."""
    unread = (
        "SELECT user_id, COUNT(*) AS n FROM notifications_notification "
        "WHERE read_date IS NULL GROUP BY user_id"
    )
    reputation = achievements.unseen_sql("r.created_at", "u.achievements_seen_at", now)
    badges = achievements.unseen_sql("b.date", "u.achievements_seen_at", now)
    unseen = (
        "SELECT user_id, COUNT(*) AS n FROM ("
        "SELECT r.user_id AS user_id FROM reputation_reputationchange r "
        "JOIN accounts_user u ON u.id = r.user_id "
        f"WHERE r.reason <> 'opening_balance' AND {reputation} "
        "UNION ALL SELECT b.user_id AS user_id FROM badges_badge b "
        f"JOIN accounts_user u ON u.id = b.user_id WHERE {badges}"
        ") x GROUP BY user_id"
    )
    marker = achievements.marker_sql("accounts_user", now)
    achievements_update = (
        f"UPDATE accounts_user SET achievements_unseen = s.n, "
        f"achievements_day = '{achievements.today(now).isoformat()}' FROM ("
        f"SELECT t.id AS id, COALESCE(c.n, 0) AS n FROM accounts_user t "
        f"LEFT JOIN ({unseen}) c ON c.user_id = t.id) AS s "
        f"WHERE accounts_user.id = s.id AND {marker} <> s.n"
    )
    return [
        (INBOX_UNREAD, _update_users("inbox_unread", unread)),
        (ACHIEVEMENTS_UNSEEN, achievements_update),
    ]

"""The demo's log-in accounts (issue 17 point 6): a moderator, a 20k user, a 3k user and a new
user, so a newcomer can try every privilege on the demo.

Their reputation is written to the reputation ledger through its service, as one "opening
balance" event each, the reason the seed's own users have (their totals come without the
history behind them): the ledger explains every point, `quaestio recalc-reputation` reproduces
it, and their reputation pages list it. Nothing sets `User.reputation` by hand.

The password is fixed and printed (and stated in the README): these accounts exist to be tried
by anyone who runs the demo, not to protect anything. Its hash is computed once per process, so
loading the demo stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.reputation import services as reputation
from quaestio.reputation.models import BASE_REPUTATION, Reason

DEMO_PASSWORD = "quaestio-demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    reputation: int
    is_moderator: bool
    what: str  # what a newcomer can try with it


DEMO_ACCOUNTS = (
    DemoAccount(
        "moderator@example.com",
        "Demo Moderator",
        2_500,
        True,
        "a moderator (◆): every privilege, /admin/blocklist, /admin/held",
    ),
    DemoAccount(
        "trusted@example.com",
        "Demo Trusted User",
        20_000,
        False,
        "20k: trusted user, moderator tools, protect, close and delete votes",
    ),
    DemoAccount(
        "established@example.com",
        "Demo Established User",
        3_000,
        False,
        "3k: close and reopen votes, edit freely",
    ),
    DemoAccount(
        "newcomer@example.com",
        "Demo New User",
        BASE_REPUTATION,
        False,
        "a new user: 1 reputation, the new users' limits (no votes, few links)",
    ),
)


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def create_demo_accounts() -> list[User]:
    """Create the accounts (the caller holds the demo's transaction) with their reputation
    recorded in the ledger; the new user is created today, the others a year ago."""
    now = timezone.now()
    users = []
    for account in DEMO_ACCOUNTS:
        created = now if account.reputation <= BASE_REPUTATION else now - timedelta(days=365)
        user = User.objects.create(
            email=account.email,
            display_name=account.display_name,
            is_moderator=account.is_moderator,
            password=_demo_password_hash(),
            creation_date=created,
            last_access_date=created,
        )
        opening = account.reputation - BASE_REPUTATION
        if opening:
            reputation.change(user.id, opening, Reason.OPENING_BALANCE, now=created)
        users.append(user)
    return users


def demo_accounts_text() -> str:
    """What `quaestio demo` prints before serving: the accounts that exist in this site."""
    found = set(
        User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).values_list(
            "email", flat=True
        )
    )
    accounts = [account for account in DEMO_ACCOUNTS if account.email in found]
    if not accounts:
        return ""
    width = max(len(account.email) for account in accounts)
    lines = [f"Demo accounts (log in at /users/login; the password of each is {DEMO_PASSWORD}):"]
    lines += [
        f"  {account.email:<{width}}  password {DEMO_PASSWORD}  {account.what}"
        for account in accounts
    ]
    return "\n".join(lines)

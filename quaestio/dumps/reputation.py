"""Reputation that arrives with a dump: an opening balance, not invented history.

A dump gives each user's Reputation but not the events behind it (votes are anonymised), so
the ledger cannot be replayed. The importer stores the dump's Reputation in
accounts_user.reputation; the reputation room's ledger should record one opening-balance entry
per imported user from `opening_balances(site)` and count later events on top of it.
"""

from __future__ import annotations

from collections.abc import Iterator

from quaestio.accounts.models import User


def opening_balances(site: str) -> Iterator[tuple[int, int]]:
    """(user id, reputation the dump gave) for every user imported from `site`.

    Read right after the import, before any event on the site has changed a total.
    """
    users = User.objects.filter(imported_from=site).order_by("id")
    yield from users.values_list("id", "reputation").iterator(chunk_size=5_000)

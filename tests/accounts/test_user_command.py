"""`quaestio user` (issue 17.6): list and find users, make and unmake moderators, suspend and
unsuspend, and let an imported account (no e-mail, no password) be claimed by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.cli import main
from quaestio.moderation.models import ModeratorAction
from tests.moderation.states_support import community

pytestmark = pytest.mark.django_db


def _run(capsys, *argv) -> tuple[int, str]:
    status = main(["user", *argv])
    return status, capsys.readouterr().out


def test_list_and_find_show_ids_names_reputation_and_addresses(make_user, capsys):
    make_user(reputation=900, name="Aelius Gallus")
    make_user(reputation=5, name="Marcus Agrippa")
    status, out = _run(capsys, "list")
    assert status == 0
    lines = [line for line in out.splitlines() if "Aelius" in line or "Agrippa" in line]
    assert "Aelius Gallus" in lines[0] and "900 rep" in lines[0]  # highest first
    status, out = _run(capsys, "find", "agrip")
    assert status == 0 and "Marcus Agrippa" in out and "Aelius" not in out
    status, out = _run(capsys, "find", "nobody-like-this")
    assert status == 1 and "quaestio user list" in out


def test_make_and_unmake_moderator_are_recorded(make_user, capsys):
    community()
    user = make_user(name="Future Mod")
    status, out = _run(capsys, "make-moderator", str(user.id))
    assert status == 0 and "now a moderator" in out
    assert User.objects.get(id=user.id).is_moderator
    status, out = _run(capsys, "make-moderator", user.email)
    assert status == 0 and "already" in out
    status, out = _run(capsys, "list", "--moderators")
    assert "Future Mod ♦" in out
    status, out = _run(capsys, "unmake-moderator", str(user.id))
    assert status == 0 and not User.objects.get(id=user.id).is_moderator
    actions = list(ModeratorAction.objects.values_list("action", "moderator_id"))
    assert actions == [
        ("make-moderator", COMMUNITY_USER_ID),
        ("unmake-moderator", COMMUNITY_USER_ID),
    ]


def test_suspend_and_unsuspend_from_the_command_line(make_user, capsys):
    community()
    user = make_user(reputation=300)
    status, out = _run(
        capsys, "suspend", str(user.id), "--days", "3", "--reason", "Voting ring, see meta."
    )
    assert status == 0 and "suspended until" in out
    assert User.objects.get(id=user.id).suspension_reason == "Voting ring, see meta."
    status, out = _run(capsys, "list", "--suspended")
    assert str(user.id) in out
    status, out = _run(capsys, "suspend", str(user.id), "--days", "0", "--reason", "Too short?")
    assert status == 1 and "1 to 365" in out
    status, out = _run(capsys, "unsuspend", str(user.id))
    assert status == 0 and User.objects.get(id=user.id).suspended_until is None


def test_unknown_users_get_a_next_step(capsys):
    status, out = _run(capsys, "suspend", "nobody@example.org", "--days", "3", "--reason", "x" * 20)
    assert status == 1 and "quaestio user find" in out


def test_an_imported_account_is_claimed_with_a_set_password_link(capsys):
    """A dump's user has neither address nor password: the command gives it an address and
    mails the password-reset link, which sets a password the user then logs in with."""
    imported = User.objects.create(
        id=4242, display_name="T.E.D.", email=None, imported_from="history.stackexchange.com"
    )
    imported.set_unusable_password()
    imported.save()
    status, out = _run(capsys, "claim", "4242", "--email", "Ted@Example.org")
    assert status == 0 and "ted@example.org" in out
    assert User.objects.get(id=4242).email == "ted@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ted@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client = Client()
    form = client.get(path, follow=True)
    assert form.status_code == 200
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"},
    )
    assert User.objects.get(id=4242).check_password("a long new passphrase")
    assert client.login(username="ted@example.org", password="a long new passphrase")


def test_claim_refuses_an_address_in_use_and_an_account_with_one(make_user, capsys):
    owner = make_user()
    imported = User.objects.create(id=4343, display_name="Imported", email=None)
    status, out = _run(capsys, "claim", str(imported.id), "--email", owner.email)
    assert status == 1 and "another account" in out
    status, out = _run(capsys, "claim", str(owner.id), "--email", "new@example.org")
    assert status == 1 and "reset their password" in out
    status, out = _run(capsys, "claim", str(imported.id), "--email", "not-an-address")
    assert status == 1 and "valid e-mail" in out
    assert not mail.outbox

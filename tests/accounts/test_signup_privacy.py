"""Issue 15.5: sign-up does not reveal who is registered.

An address that has an account gets the same answer on the page as a new one; its owner is
told by e-mail that someone tried to sign up with it.
"""

from __future__ import annotations

import re

from quaestio.accounts.models import PendingSignup, User

PASSWORD = "a long enough passphrase"


def _signup(client, email: str, name: str = "Ada Lovelace"):
    return client.post(
        "/users/signup", {"display_name": name, "email": email, "password": PASSWORD}
    )


def _visible(response) -> str:
    """The page as the visitor reads it, with the address they typed and the CSRF token out."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return html.replace("owner@example.org", "ADDRESS").replace("new@example.org", "ADDRESS")


def test_a_taken_address_gets_the_same_answer_as_a_new_one(client, make_user, mailoutbox):
    """Same status and same page for a taken address (any case) as for a new address; nothing
    says "already exists"."""
    owner = make_user()
    User.objects.filter(id=owner.id).update(email="owner@example.org")
    new = _signup(client, "new@example.org")
    taken = _signup(client, "OWNER@example.org")
    assert taken.status_code == new.status_code == 200
    assert "already" not in taken.content.decode()
    assert _visible(taken) == _visible(new)


def test_the_owner_of_a_taken_address_is_told_by_email(client, make_user, mailoutbox):
    """The owner gets a notice with links to log in and reset the password; no account or
    pending sign-up is made, and the owner's account is unchanged."""
    owner = make_user()
    before = User.objects.get(id=owner.id).password
    _signup(client, owner.email, name="Mallory")
    assert len(mailoutbox) == 1
    notice = mailoutbox[0]
    assert notice.to == [owner.email]
    assert "tried to" in notice.subject and "/users/password/reset" in notice.body
    assert "/users/signup/confirm/" not in notice.body
    assert not PendingSignup.objects.exists()
    assert User.objects.get(id=owner.id).password == before
    assert User.objects.filter(email=owner.email).count() == 1


def test_an_unconfirmed_signup_cannot_squat_an_address(client, db, mailoutbox):
    """Someone who signs up with an address they cannot read makes no account; the real
    owner's own sign-up replaces theirs, and only the owner's link works."""
    _signup(client, "victim@example.org", name="Squatter")
    squatter_link = re.search(r"/users/signup/confirm/\S+", mailoutbox[0].body).group(0)
    _signup(client, "victim@example.org", name="Victim")
    owner_link = re.search(r"/users/signup/confirm/\S+", mailoutbox[1].body).group(0)
    assert client.post(squatter_link).status_code == 404
    assert client.post(owner_link).status_code == 302
    assert User.objects.get(email="victim@example.org").display_name == "Victim"


def test_form_errors_are_the_same_for_taken_and_new_addresses(client, make_user, mailoutbox):
    """A weak password is named whatever the address; no e-mail goes out for a bad form."""
    owner = make_user()
    taken = client.post(
        "/users/signup", {"display_name": "Ada", "email": owner.email, "password": "123"}
    )
    new = client.post(
        "/users/signup", {"display_name": "Ada", "email": "n@example.org", "password": "123"}
    )
    assert taken.status_code == new.status_code == 400
    assert "too short" in taken.content.decode()
    assert mailoutbox == []


def test_an_expired_confirmation_link_makes_no_account(client, db, mailoutbox):
    """After 3 days the link is refused and the pending sign-up is gone at the next sign-up."""
    from datetime import timedelta

    from django.utils import timezone

    _signup(client, "late@example.org")
    link = re.search(r"/users/signup/confirm/\S+", mailoutbox[0].body).group(0)
    PendingSignup.objects.update(created=timezone.now() - timedelta(days=3, seconds=1))
    assert client.post(link).status_code == 404
    assert not User.objects.filter(email="late@example.org").exists()
    _signup(client, "other@example.org")
    assert list(PendingSignup.objects.values_list("email", flat=True)) == ["other@example.org"]

"""Writes of the settings pages: changing one's e-mail address and password, deleting one's
account. Profile fields (name, about me, location, website) are `services.profile_update`.

* E-mail: the new address is confirmed by a signed link mailed to it (nothing is stored until
  the link is followed); the old address is told. The link names the address it replaces, so it
  works once, and for `EMAIL_CHANGE_SECONDS`.
* Password: the current one is asked for. The password hash is part of every session's
  check (Django's session auth hash), so every other session of the account ends with the
  change; the view keeps the session that made it (`update_session_auth_hash`).
* Deletion (spec §1.4, §9.3): posts and comments stay, credited to the placeholder `user<id>`
  as plain text; the person's up/down votes are discarded (reversed through the votes service,
  as Stack Exchange does by default); the row stays, anonymised and unable to log in, so the
  ledger, bounties and badges that point at it stay whole.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from quaestio.accounts import limits
from quaestio.accounts.models import User
from quaestio.accounts.policies import account_deletion_refusal
from quaestio.accounts.services import email_errors
from quaestio.core import links
from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed

EMAIL_CHANGE_SECONDS = 2 * 86_400
EMAIL_CHANGES_PER_HOUR = 5
PASSWORD_CHECKS_PER_HOUR = 10
_EMAIL_CHANGE_SALT = "quaestio.accounts.email-change"


def placeholder_name(user_id: int) -> str:
    """What a deleted account's posts and comments are credited to (spec §9.3)."""
    return f"user{user_id}"


def _check_password(user: User, password: str, field: str = "password") -> None:
    """The current password, with a per-account limit on wrong guesses (a stolen session
    must not be able to guess the password to take over the account). An account made by
    logging in with another site's account (accounts/sso.py) has no password to ask for: its
    session, from that provider, is the proof, as for linking another provider."""
    if not user.has_usable_password():
        return
    if limits.shared_counters().count("settings-password", user.id) >= PASSWORD_CHECKS_PER_HOUR:
        raise RateLimited("Too many wrong passwords; please try again in an hour.", 3600)
    if not user.check_password(password or ""):
        limits.shared_counters().add("settings-password", user.id, 3600)
        raise ValidationFailed("Your current password is not correct.", {field: ["wrong"]})


# --- e-mail ------------------------------------------------------------------------------------


def email_change_request(user: User, *, new_email: str, password: str, site_root: str) -> str:
    """Mails a confirmation link to `new_email`; returns the address as it will be stored.

    An address that belongs to another account gets the same answer on the page (no account
    enumeration); that account's owner is told someone tried instead of receiving a link."""
    new_email = (new_email or "").strip().lower()
    if errors := email_errors(new_email):
        raise ValidationFailed(errors[0], {"new_email": errors})
    if new_email == (user.email or ""):
        raise ValidationFailed(
            "That is your address already.", {"new_email": ["That is your address already."]}
        )
    _check_password(user, password)
    if limits.shared_counters().add("email-change", user.id, 3600) > EMAIL_CHANGES_PER_HOUR:
        raise RateLimited("Too many address changes; please try again in an hour.", 3600)
    if User.objects.filter(email__iexact=new_email).exists():
        _mail(
            new_email,
            f"Someone tried to use your address on {settings.SITE_NAME}",
            "Someone asked to move another account to this address, which has an account "
            "already. Nothing has changed; if it was you, log in with this address instead.\n",
        )
        return new_email
    token = signing.dumps(
        {"user": user.id, "from": user.email or "", "to": new_email}, salt=_EMAIL_CHANGE_SALT
    )
    link = site_root + links.page_url("email_change_confirm", token)
    _mail(
        new_email,
        f"Confirm your new e-mail address for {settings.SITE_NAME}",
        f"{user.display_name} asked to use this address for their account on "
        f"{settings.SITE_NAME}.\n\nTo confirm, open this link (it works once, for 2 days):\n\n"
        f"{link}\n\nIf it was not you, ignore this e-mail; nothing changes.\n",
    )
    if user.email:
        _mail(
            user.email,
            f"Your e-mail address on {settings.SITE_NAME} is about to change",
            f"Someone signed in as you asked to change your account's address to {new_email}. "
            "It changes when the link sent there is followed. If it was not you, change your "
            "password now.\n",
        )
    return new_email


def email_change_confirm(token: str) -> User:
    """Follows a confirmation link: the account's address becomes the new one."""
    try:
        claim = signing.loads(token or "", salt=_EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_SECONDS)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise NotFound("This confirmation link has expired or is not valid.") from error
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id=claim["user"]).first()
        if user is None or user.deleted_date is not None:
            raise NotFound("This account no longer exists.")
        if (user.email or "") != claim["from"]:
            raise NotFound("This confirmation link was used already, or the address changed since.")
        if User.objects.filter(email__iexact=claim["to"]).exclude(id=user.id).exists():
            raise ValidationFailed("That address belongs to another account now.")
        user.email = claim["to"]
        user.save(update_fields=["email"])
        return user


def _mail(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])


# --- password ------------------------------------------------------------------------------------


def password_change(user: User, *, current: str, new: str) -> User:
    """Sets a new password; every session made with the old one ends (see the module doc)."""
    _check_password(user, current, "current")
    try:
        validate_password(new or "", user)
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], {"new": list(error.messages)}) from error
    with transaction.atomic():
        locked = User.objects.select_for_update().get(id=user.id)
        locked.set_password(new)
        locked.save(update_fields=["password"])
    user.password = locked.password
    return user


# --- deletion ------------------------------------------------------------------------------------


def account_delete(user: User, *, password: str, confirmed: bool) -> str:
    """Deletes the account (see the module doc); returns the placeholder name its posts keep."""
    if refusal := account_deletion_refusal(user):
        raise PermissionDenied(refusal)
    if not confirmed:
        raise ValidationFailed(
            "Tick the box to confirm that you understand what deleting means.",
            {"confirm": ["required"]},
        )
    _check_password(user, password)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(id=user.id)
        if locked.deleted_date is not None:
            raise NotFound("This account is deleted already.")
        return delete_account_locked(locked)


def withdraw_votes(user_id: int) -> int:
    """Reverse every vote the user cast (scores and the reputation they moved go back);
    returns how many. First in a deletion, while the posts voted on stand as they were."""
    from quaestio.votes.services import comment_votes_withdraw_all, reverse_votes, votes_of_user

    reversed_votes = reverse_votes(votes_of_user(user_id))
    comment_votes_withdraw_all(user_id)
    return reversed_votes


def delete_account_locked(locked: User, *, votes_withdrawn: bool = False) -> str:
    """The deletion itself, for a user row the caller locked and checked in its transaction
    (their own request, or the site owner's erasure): votes withdrawn, posts and comments
    credited to "userN", the account emptied. Returns that name."""
    from quaestio.comments.services import comments_credit_to_name
    from quaestio.posts.services import posts_credit_to_name

    name = placeholder_name(locked.id)
    if not votes_withdrawn:
        withdraw_votes(locked.id)
    posts_credit_to_name(locked.id, name)
    comments_credit_to_name(locked.id, name)
    _anonymise(locked, name)
    return name


def _anonymise(user: User, name: str) -> None:
    user.display_name = name
    user.email = None
    user.set_unusable_password()  # a new hash: every session of the account fails its check
    user.is_active = False
    user.about_me = user.about_me_markdown = user.location = user.website_url = ""
    user.profile_image_url = ""
    user.deleted_date = timezone.now()
    user.save()
    # Its linked logins (accounts/sso.py) go too: nothing of the provider's profile is kept,
    # and the provider account may sign up afresh.
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()

"""Every write to accounts: sign up (with e-mail confirmation), profile edits; the login throttle."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from quaestio.accounts import limits
from quaestio.accounts.models import PendingSignup, User
from quaestio.accounts.policies import display_name_change_refusal
from quaestio.core import links
from quaestio.core.errors import NotFound, RateLimited, ValidationFailed
from quaestio.core.markdown import render_post
from quaestio.core.page_generation import pages_changed
from quaestio.core.safe_urls import safe_link
from quaestio.moderation import blocklist

DISPLAY_NAME_MIN, DISPLAY_NAME_MAX = 3, 30
ABOUT_ME_MAX = 5000
LOCATION_MAX = 100
WEBSITE_MAX = 200
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_FAILURES_PER_ADDRESS = 20
SIGNUPS_PER_ADDRESS_PER_HOUR = 10
SIGNUP_CONFIRM_SECONDS = 3 * 86_400


def _fail(fields: dict[str, list[str]]) -> None:
    fields = {name: errors for name, errors in fields.items() if errors}
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields)


def display_name_errors(name: str) -> list[str]:
    if not DISPLAY_NAME_MIN <= len(name) <= DISPLAY_NAME_MAX:
        return [
            f"Display name must be {DISPLAY_NAME_MIN} to {DISPLAY_NAME_MAX} characters; "
            f"you entered {len(name)}."
        ]
    if name.startswith("@") or any(ch in name for ch in "<>\"'"):
        return ["Display name cannot start with @ or contain < > \" '."]
    return blocklist.screen_display_name(name)  # spam defence: the moderators' name patterns


def email_errors(email: str) -> list[str]:
    try:
        validate_email(email)
    except ValidationError:
        return ["Please enter a valid e-mail address."]
    return []


def signup_request(*, display_name: str, email: str, password: str, site_root: str) -> str:
    """Checks the form, then e-mails the address; returns the address as stored.

    The visitor sees the same answer whether or not the address has an account (no account
    enumeration): a new address gets a link that creates the account, an address in use gets
    a notice that someone tried to sign up with it. The password is hashed either way, so
    both answers take the same time.
    """
    display_name = " ".join((display_name or "").split())
    email = (email or "").strip().lower()
    fields = {"display_name": display_name_errors(display_name), "email": email_errors(email)}
    probe = User(display_name=display_name, email=email)
    try:
        validate_password(password or "", probe)
    except ValidationError as error:
        fields["password"] = list(error.messages)
    _fail(fields)
    hashed = make_password(password)
    if User.objects.filter(email__iexact=email).exists():
        _mail_signup_attempt(email, site_root)
        return email
    token = secrets.token_urlsafe(32)
    # Sign-ups never confirmed go once their link has expired.
    PendingSignup.objects.filter(created__lte=_oldest_confirmable()).delete()
    PendingSignup.objects.update_or_create(
        email=email,
        defaults={
            "display_name": display_name,
            "password": hashed,
            "token_digest": _token_digest(token),
            "created": timezone.now(),
        },
    )
    _mail_signup_confirmation(email, token, site_root)
    return email


def signup_confirm(token: str) -> User:
    """The account of a confirmed sign-up: 1 reputation, the password chosen at sign-up."""
    pending = PendingSignup.objects.filter(
        token_digest=_token_digest(token or ""), created__gt=_oldest_confirmable()
    ).first()
    if pending is None:
        raise NotFound(
            "This confirmation link has expired or was used already; please sign up again."
        )
    try:
        with transaction.atomic():
            # Deleting first makes a second click (or a double submit) find nothing to confirm.
            if not PendingSignup.objects.filter(pk=pending.pk).delete()[0]:
                raise NotFound("This confirmation link was used already; please log in.")
            user = User(email=pending.email, display_name=pending.display_name)
            user.password = pending.password
            user.save()
            return user
    except IntegrityError as error:  # the address got an account since (only its owner sees this)
        raise ValidationFailed(
            "This address has an account already; please log in.", {"email": ["taken"]}
        ) from error


def _oldest_confirmable():
    return timezone.now() - timedelta(seconds=SIGNUP_CONFIRM_SECONDS)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mail_signup_confirmation(email: str, token: str, site_root: str) -> None:
    link = site_root + links.page_url("signup_confirm", token)
    send_mail(
        f"Confirm your e-mail address for {settings.SITE_NAME}",
        f"Someone, hopefully you, signed up on {settings.SITE_NAME} with this address.\n\n"
        f"To finish creating your account, open this link (it works once, for 3 days):\n\n"
        f"{link}\n\nIf it was not you, ignore this e-mail; no account is made.\n",
        None,
        [email],
    )


def _mail_signup_attempt(email: str, site_root: str) -> None:
    send_mail(
        f"Someone tried to sign up on {settings.SITE_NAME} with your address",
        f"Someone tried to create an account on {settings.SITE_NAME} with this address, which "
        "already has one.\n\n"
        f"If it was you, log in: {site_root + links.page_url('login')}\n"
        f"Forgotten your password? Reset it: {site_root + links.page_url('password_reset')}\n\n"
        "If it was not you, ignore this e-mail; nothing has changed on your account.\n",
        None,
        [email],
    )


def _website_errors(url: str) -> list[str]:
    if not url:
        return []
    if safe_link(url) != url or len(url) > WEBSITE_MAX:
        return [
            f"Website must be an http:// or https:// address of at most {WEBSITE_MAX} characters."
        ]
    return []


def profile_update(
    user: User, *, display_name: str, about_me: str, location: str, website_url: str
) -> User:
    """Profile fields; About me is Markdown, stored as source and as sanitised HTML. A new
    display name is refused within QUAESTIO_DISPLAY_NAME_CHANGE_DAYS of the last change."""
    display_name = " ".join((display_name or "").split())
    location = " ".join((location or "").split())
    website_url = (website_url or "").strip()
    about_me = (about_me or "").replace("\r\n", "\n")
    _fail(
        {
            "display_name": display_name_errors(display_name),
            "about_me": [f"About me is limited to {ABOUT_ME_MAX} characters."]
            if len(about_me) > ABOUT_ME_MAX
            else [],
            "location": [f"Location is limited to {LOCATION_MAX} characters."]
            if len(location) > LOCATION_MAX
            else [],
            "website_url": _website_errors(website_url),
        }
    )
    if refusal := display_name_change_refusal(user, display_name):
        raise ValidationFailed(refusal, {"display_name": [refusal]})
    fields = ["display_name", "about_me_markdown", "about_me", "location", "website_url"]
    if display_name != user.display_name:
        user.display_name_changed_at = timezone.now()
        fields.append("display_name_changed_at")
    user.display_name = display_name
    user.about_me_markdown = about_me
    user.about_me = render_post(about_me) if about_me.strip() else ""
    user.location = location
    user.website_url = website_url
    with transaction.atomic():
        user.save(update_fields=fields)
        pages_changed()  # the name shows on every page the user wrote on
    return user


def check_signup_allowed(address: str) -> None:
    """Counts every sign-up attempt from one address, so scripts cannot mass-create accounts."""
    if limits.shared_counters().add("signup-address", address, 3600) > SIGNUPS_PER_ADDRESS_PER_HOUR:
        raise RateLimited("Too many sign-ups from your network; please try again in an hour.")


# --- login throttle --------------------------------------------------------------------------
#
# Failures are counted so that an attacker cannot lock the owner out (Stack Exchange asks for
# more proof after failures; it does not refuse the right password to the owner):
# * per account and address: 5 failures for an account from one address refuse that address
#   for that account for 15 minutes. Guessing from A does nothing to the owner at B.
# * per address: 20 failures from one address, over any accounts, refuse that address
#   (password spraying).
# * per account: when an account has had 20 failures in the window from anywhere (guessing
#   from many addresses), only addresses the owner has logged in from in the last 30 days may
#   try; others are asked to wait or to reset the password by e-mail, the extra proof.
# A successful log-in clears its (account, address) failures and remembers the address; it
# does not clear the address's or the account's counts, so an attacker's own account cannot
# wipe them. The counters are shared by every process (`limits.shared_counters`).

LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = 5
LOGIN_FAILURES_BEFORE_KNOWN_ADDRESSES_ONLY = 20
KNOWN_ADDRESS_SECONDS = 30 * 86_400


def _account(email: str) -> str:
    return (email or "").strip().lower()


def check_login_allowed(email: str, address: str) -> None:
    """Refuses a log-in attempt from an address that failed too often, as described above."""
    email = _account(email)
    counters = limits.shared_counters()
    if (
        counters.count("login-pair", (email, address)) >= LOGIN_FAILURES_PER_ACCOUNT_ADDRESS
        or counters.count("login-address", address) >= LOGIN_FAILURES_PER_ADDRESS
    ):
        raise RateLimited(
            "Too many failed log-in attempts; please wait 15 minutes or reset your password.",
            retry_after=LOGIN_WINDOW_SECONDS,
        )
    if counters.count(
        "login-account", email
    ) >= LOGIN_FAILURES_BEFORE_KNOWN_ADDRESSES_ONLY and not counters.count(
        "login-known", (email, address)
    ):
        raise RateLimited(
            "This account has had many failed log-in attempts; please log in from a network "
            "you have used before, wait 15 minutes, or reset your password.",
            retry_after=LOGIN_WINDOW_SECONDS,
        )


def record_login_failure(email: str, address: str) -> None:
    email = _account(email)
    counters = limits.shared_counters()
    counters.add("login-pair", (email, address), LOGIN_WINDOW_SECONDS)
    counters.add("login-address", address, LOGIN_WINDOW_SECONDS)
    counters.add("login-account", email, LOGIN_WINDOW_SECONDS)


def record_login_success(email: str, address: str) -> None:
    email = _account(email)
    counters = limits.shared_counters()
    counters.clear("login-pair", (email, address))
    counters.clear("login-known", (email, address))
    counters.add("login-known", (email, address), KNOWN_ADDRESS_SECONDS)


# --- claiming an imported account ------------------------------------------------------------


def account_claim_link(user: User, site_root: str) -> str:
    """The set-password link of the password-reset machinery (Django's signed, single-use
    token), which also works for an account that never had a password."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site_root.rstrip("/") + links.page_url("password_reset_confirm", uid, token)


def account_claim(user_id: int, email: str, site_root: str) -> User:
    """Give an account imported without an address (a dump's user) an e-mail address and send
    it a link to set its password, so the person behind it can claim it."""
    email = (email or "").strip().lower()
    if errors := email_errors(email):
        raise ValidationFailed(errors[0], {"email": errors})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id=user_id).first()
        if user is None:
            raise NotFound(f"No user with id {user_id}; find it with `quaestio user find NAME`.")
        if user.is_community:
            raise ValidationFailed("The Community user cannot be claimed.")
        if user.email and user.email != email:
            raise ValidationFailed(
                f"User {user.id} already has the address {user.email}; they can reset their "
                "password themselves from the log-in page."
            )
        if User.objects.filter(email__iexact=email).exclude(id=user.id).exists():
            raise ValidationFailed(f"The address {email} belongs to another account already.")
        user.email = email
        user.save(update_fields=["email"])
    link = account_claim_link(user, site_root)
    send_mail(
        f"Claim your account on {settings.SITE_NAME}",
        f"Your posts as {user.display_name} are on {settings.SITE_NAME}, and the account is "
        "waiting for you.\n\n"
        f"To claim it, choose a password here (the link works once):\n\n{link}\n\n"
        f"Then log in with this address, {email}.\n",
        None,
        [email],
    )
    return user

"""django-allauth's decisions, made our way (settings.ACCOUNT_ADAPTER, SOCIALACCOUNT_ADAPTER).

allauth checks the provider's answer (state, PKCE, the ID token's signature, issuer and
audience); this decides what the answer means here:
* a login already linked to an account logs into it (unless the account is deactivated);
* a provider's *confirmed* address that belongs to an account links the login to it;
* an *unconfirmed* address that belongs to an account is refused with a page saying why:
  anyone can type any address at some providers, so it must never open someone's account;
* otherwise a new account is made with the provider's name (our name rules) and the address
  only if the provider confirmed it (ours are all confirmed; sign-up by form confirms too);
* a signed-in user linking a login that belongs to another account is refused.
Our log-in rate limits apply: an address refused by the log-in throttle or over its sign-up
allowance is refused here too. allauth's own pages and messages are never shown.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render

from quaestio.accounts import services, sso
from quaestio.accounts.models import User
from quaestio.core import links
from quaestio.core.client import client_address
from quaestio.core.errors import DomainError


def refusal_page(request, message: str, status: int = 403):
    return render(request, "accounts/sso_refused.html", {"message": message}, status=status)


def _refuse(request, message: str, status: int = 403):
    raise ImmediateHttpResponse(refusal_page(request, message, status))


def _confirmed(value) -> bool:
    """Providers send email_verified as true, or as the string "true" (some): nothing else."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def provider_address(sociallogin) -> tuple[str, bool]:
    """The provider's primary address, lower-cased, and whether the provider confirmed it."""
    addresses = list(sociallogin.email_addresses or [])
    addresses.sort(key=lambda address: not address.primary)
    if not addresses:
        return "", False
    first = addresses[0]
    return (first.email or "").strip().lower(), _confirmed(first.verified)


def _provider_name(sociallogin) -> str:
    try:
        return sociallogin.account.get_provider().name
    except Exception:  # noqa: BLE001 (a deleted provider still needs a name for the message)
        return sociallogin.account.provider


class AccountAdapter(DefaultAccountAdapter):
    def add_message(self, *args, **kwargs) -> None:
        """Our pages show outcomes themselves; allauth's messages would pile up unseen."""

    def is_open_for_signup(self, request) -> bool:
        return True

    def login(self, request, user) -> None:
        from quaestio.accounts.moderating import record_address

        super().login(request, user)
        address = client_address(request)
        services.record_login_success(user.email or f"user:{user.id}", address)
        # The callback is a GET, which RecordAddressMiddleware does not record: moderators
        # still see the addresses people log in from, whichever way they log in.
        record_address(user.id, address)

    def get_login_redirect_url(self, request) -> str:
        return "/"

    def get_signup_redirect_url(self, request) -> str:
        return "/"

    def respond_user_inactive(self, request, user):
        _refuse(request, "This account is deactivated.")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.state.get("process") == "connect":
            self._check_link(request, sociallogin)
            return
        address = client_address(request)
        if sociallogin.is_existing:
            self._check_login(request, sociallogin.user, address)
            return
        email, confirmed = provider_address(sociallogin)
        owner = User.objects.filter(email__iexact=email).first() if email else None
        if owner is None:
            self._prepare_signup(sociallogin, email, confirmed)
            return
        name = _provider_name(sociallogin)
        if not confirmed:
            _refuse(
                request,
                f"The address {email} belongs to an account here, but {name} did not confirm "
                f"that it is yours, so we cannot log you into that account with {name}. Log in "
                f"with your password, then link {name} from your settings page.",
            )
        self._check_login(request, owner, address)
        # The provider confirmed the owner's address: the same person, so link and log in.
        sociallogin.connect(request, owner)

    def _check_login(self, request, user: User, address: str) -> None:
        if not user.is_active or user.deleted_date is not None:
            _refuse(request, "This account is deactivated.")
        try:
            services.check_login_allowed(user.email or f"user:{user.id}", address)
        except DomainError as error:
            _refuse(request, error.message, error.status)

    def _check_link(self, request, sociallogin) -> None:
        if not request.user.is_authenticated:
            _refuse(request, "Log in first to link another account to yours.")
        if sociallogin.is_existing and sociallogin.user.pk != request.user.pk:
            name = _provider_name(sociallogin)
            _refuse(
                request,
                f"This {name} account is linked to another account here already. Remove it "
                "there first (log in with it, then open the settings page).",
            )

    def _prepare_signup(self, sociallogin, email: str, confirmed: bool) -> None:
        """An unconfirmed address is not kept: it would hold the address against its owner."""
        keep = email if confirmed else ""
        sociallogin.email_addresses = [
            address
            for address in sociallogin.email_addresses
            if keep and (address.email or "").strip().lower() == keep
        ]
        for address in sociallogin.email_addresses:
            address.email, address.verified, address.primary = keep, True, True
        sociallogin.user.email = keep or None

    def is_open_for_signup(self, request, sociallogin) -> bool:
        try:
            services.check_signup_allowed(client_address(request))
        except DomainError as error:
            _refuse(request, error.message, error.status)
        return True

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def populate_user(self, request, sociallogin, data):
        user = sociallogin.user
        email, confirmed = provider_address(sociallogin)
        user.email = email if confirmed else None
        user.display_name = sso.display_name_from(data, fallback="")
        return user

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        placeholder = not user.display_name
        if placeholder:
            user.display_name = "user"  # replaced by user<id> once the row has its id
        user = super().save_user(request, sociallogin, form)
        if placeholder:
            user.display_name = f"user{user.id}"
            user.save(update_fields=["display_name"])
        return user

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return links.page_url("linked_logins") + "?linked=1"

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        name = getattr(provider, "name", "the provider")
        if error == "cancelled":
            message = f"You cancelled logging in with {name}; nothing was changed."
        else:
            message = (
                f"Logging in with {name} did not work (the provider's answer could not be "
                "checked); please try again."
            )
        _refuse(request, message, 400)

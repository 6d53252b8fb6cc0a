"""LDAP log-in (pip install 'quaestio[ldap]'; QUAESTIO_LDAP_* in accounts/sso_config.py).

People log in on our log-in page with their directory address and password; django-auth-ldap
checks them against the directory and makes or updates the account (name and address from
the directory, which the site owner trusts). A deactivated account stays out, and the name
follows our sign-up's rules.
"""

from __future__ import annotations

from django_auth_ldap.backend import LDAPBackend, populate_user

from quaestio.accounts import sso


class DirectoryBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or not user.is_active or user.deleted_date is not None:
            return None
        return user


def _name_rules(sender, user, ldap_user, **kwargs) -> None:
    local_part = (user.email or "").split("@")[0]
    user.display_name = sso.display_name_from(
        {"name": user.display_name, "username": local_part}, fallback="Member"
    )
    if user.email:
        user.email = user.email.strip().lower()


populate_user.connect(_name_rules, sender=DirectoryBackend, dispatch_uid="quaestio-ldap-names")

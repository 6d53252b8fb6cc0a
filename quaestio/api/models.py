"""Access tokens a user creates on their profile for scripts and apps using the API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    # Stack Exchange's scopes; reads need none.
    WRITE_ACCESS = "write_access", "Write: post, edit, vote, accept and delete as you"
    PRIVATE_INFO = "private_info", "Private information (e.g. your e-mail address)"
    NO_EXPIRY = "no_expiry", "Never expire (otherwise the token lasts a day)"


class AccessToken(models.Model):
    """Only a hash of the token is kept: the secret is shown once, when it is created."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100)  # what the user calls the app or script
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # the first characters, to tell tokens apart
    scopes = models.CharField(max_length=200, blank=True, default="")  # space-separated
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked is None and (self.expires is None or self.expires > now)

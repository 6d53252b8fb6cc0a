"""Users, shaped like the Stack Exchange dump's Users table so ids and counters round-trip."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

COMMUNITY_USER_ID = -1


class UserManager(BaseUserManager):
    def create_user(self, email: str, display_name: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email), display_name=display_name, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, display_name: str, password: str | None = None, **extra):
        extra.setdefault("is_moderator", True)
        extra.setdefault("is_staff", True)
        return self.create_user(email, display_name, password, **extra)


class User(AbstractBaseUser):
    # Ids are kept as given by an imported dump; -1 is the Community user.
    id = models.BigAutoField(primary_key=True)
    display_name = models.CharField(max_length=40)
    email = models.EmailField(unique=True, null=True, blank=True)
    reputation = models.IntegerField(default=1)
    creation_date = models.DateTimeField(default=timezone.now)
    last_access_date = models.DateTimeField(default=timezone.now)
    website_url = models.CharField(max_length=400, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    about_me = models.TextField(blank=True, default="")  # rendered, sanitised HTML
    about_me_markdown = models.TextField(blank=True, default="")
    views = models.IntegerField(default=0)
    up_votes = models.IntegerField(default=0)
    down_votes = models.IntegerField(default=0)
    account_id = models.IntegerField(null=True, blank=True)
    profile_image_url = models.CharField(max_length=400, blank=True, default="")
    age = models.IntegerField(null=True, blank=True)
    gold_badges = models.IntegerField(default=0)
    silver_badges = models.IntegerField(default=0)
    bronze_badges = models.IntegerField(default=0)
    is_moderator = models.BooleanField(default=False)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Content that came from a Stack Exchange dump or the seed is credited to its origin.
    imported_from = models.CharField(max_length=200, blank=True, default="")
    # The suspension in force, if any (its history is in Suspension): kept on the row so every
    # page and every write policy knows it from request.user, without a query. It ends by
    # itself when the date passes; see accounts.policies.suspension_refusal.
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True, default="")
    # When the display name last changed: Stack Exchange allows one change per 30 days
    # (QUAESTIO_DISPLAY_NAME_CHANGE_DAYS); None until the first change.
    display_name_changed_at = models.DateTimeField(null=True, blank=True)
    # Set when the person deleted their account: the row stays, anonymised as `user<id>`, so
    # what points at it (ledger, bounties, badges) stays whole; its posts and comments are
    # credited to the placeholder name (spec §9.3) and the profile is gone.
    deleted_date = models.DateTimeField(null=True, blank=True)
    # The top bar's counters, on the row every signed-in request loads anyway, so no page pays
    # a COUNT for them (notifications.selectors.top_bar_counts; rebuilt by `quaestio recount`).
    # Unread inbox items, changed in the transaction that adds or reads them:
    inbox_unread = models.IntegerField(default=0)
    # The day's reputation changes and badges since the achievements were last opened, as
    # counted on achievements_day (UTC; an earlier day's count reads 0): the rule is
    # notifications/achievements.py's.
    achievements_unseen = models.IntegerField(default=0)
    achievements_seen_at = models.DateTimeField(null=True, blank=True)
    achievements_day = models.DateField(null=True, blank=True)
    # The reader's colour scheme: "light", "dark", or "" to follow the system (accounts/preferences.py).
    theme = models.CharField(max_length=5, blank=True, default="")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        indexes = [
            # The users page's order, ties by id: the whole order from the index.
            models.Index(fields=["-reputation", "id"], name="user_reputation_id_idx"),
            # The same order over live users only: the users page's deep pages skip up to
            # QUAESTIO_LIST_MAX_OFFSET rows, and this lets PostgreSQL skip them in the index
            # alone instead of visiting each user's row to check deleted_date (88 -> 8 ms at
            # OFFSET 15,000 over 764,000 users).
            models.Index(
                fields=["-reputation", "id"],
                condition=models.Q(deleted_date__isnull=True),
                name="user_live_reputation_idx",
            ),
            models.Index(fields=["display_name"], name="user_display_name_idx"),
            # The API's sort=creation: a page from the index's end, not a sort of every user.
            models.Index(fields=["-creation_date", "-id"], name="user_creation_id_idx"),
            # The API's sort=modified and /info's active users of the last day (the live site
            # does not write this column, so the index costs its writes nothing).
            models.Index(fields=["last_access_date", "id"], name="user_access_id_idx"),
            # /users/moderators: the few moderators from the index, not a filter of every user.
            models.Index(
                fields=["is_moderator", "reputation", "id"],
                condition=models.Q(is_moderator=True),
                name="user_moderator_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_community(self) -> bool:
        return self.id == COMMUNITY_USER_ID

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_active and self.is_staff

    def has_module_perms(self, app_label) -> bool:
        return self.is_active and self.is_staff


class ThrottleCounter(models.Model):
    """A failure counter that every server process sees (log-in throttling), with its expiry.

    The default store of `quaestio.accounts.limits.shared_counters`; with Redis the counters
    live there instead. Keys are hashed, so no e-mail address or IP is stored in clear.
    """

    key = models.CharField(max_length=80, primary_key=True)
    count = models.IntegerField(default=0)
    expires = models.DateTimeField(db_index=True)


class PendingSignup(models.Model):
    """A sign-up waiting for its address to be confirmed; the account is made on confirmation.

    Kept apart from User so an unconfirmed address holds no account: whoever owns the mailbox
    can sign up again and replace it (nobody can squat an address they cannot read).
    """

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=40)
    password = models.CharField(max_length=128)  # hashed, as User.password
    token_digest = models.CharField(max_length=64, unique=True)  # sha256 of the e-mailed token
    created = models.DateTimeField(default=timezone.now)


class Suspension(models.Model):
    """One suspension a moderator gave (or the command line), kept after it ends or is lifted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="suspensions")
    moderator = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500)
    start_date = models.DateTimeField(default=timezone.now)
    end_date = models.DateTimeField()
    lifted_date = models.DateTimeField(null=True, blank=True)  # ended early by a moderator
    lifted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "-start_date"], name="suspension_user_idx")]


class UserAnnotation(models.Model):
    """A moderator's note on a user, seen by moderators only (kept with the account)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="annotations")
    moderator = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    moderator_name = models.CharField(max_length=40)
    text = models.CharField(max_length=1000)
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-creation_date"], name="annotation_user_idx")]


class UserAddress(models.Model):
    """An IP address a user signed in or wrote from, with when it was first and last seen:
    moderators look for other accounts behind the same addresses (sock puppets)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    address = models.GenericIPAddressField()
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "address"], name="useraddress_unique")
        ]
        indexes = [models.Index(fields=["address", "user"], name="useraddress_address_idx")]


class PrivacyRecord(models.Model):
    """That a person's data was exported or erased, when and at whose request: the record a
    site keeps of its privacy duties. Ids, not keys: the record outlives an erased account."""

    class Kind(models.TextChoices):
        EXPORT = "export", "data exported"
        ERASE = "erase", "account erased"

    user_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requested_by_id = models.BigIntegerField(null=True)  # None: the command line
    at = models.DateTimeField()

"""Bulk clean-up for moderators (issue 21 point 2): find many accounts by filters (new, no
posts, flagged, from an address range, matching the blocklist), see what an action would remove,
then suspend or destroy them all at once.

The preview hands out a signed token naming exactly the accounts and the action it showed; the
action accepts nothing else, so what is done is what was previewed. Destroying goes through the
same `destroy_locked` as a single spammer's destruction (votes reversed, posts deleted, counters
and reputation kept right), in one transaction with one audit row per account and one for the
batch. Also here: pruning sign-ups never confirmed, which hold an address and a password hash.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, PendingSignup, User, UserAddress
from quaestio.accounts.moderating import user_suspend
from quaestio.accounts.policies import moderator_refusal
from quaestio.comments.models import Comment
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.blocklist import first_hit
from quaestio.moderation.models import BlocklistTarget, Flag, FlagState
from quaestio.moderation.spammer import destroy_locked, destroy_refusal
from quaestio.posts.models import Post
from quaestio.votes.models import Vote, VoteType

LIST_LIMIT = 200  # accounts listed (and acted on) at once
SCAN_LIMIT = 5000  # newest accounts the blocklist filter reads, when it is the only filter
TOKEN_SALT = "quaestio.moderation.bulk-cleanup"
TOKEN_MAX_AGE = 3600
ACTIONS = {"suspend": "Suspend", "destroy": "Destroy (delete the accounts with their posts)"}


@dataclass(frozen=True)
class UserFilter:
    joined_within_days: int | None = None
    without_posts: bool = False
    flagged: bool = False
    address_range: str = ""  # CIDR, e.g. 203.0.113.0/24
    blocklisted: bool = False

    def is_empty(self) -> bool:
        return not (
            self.joined_within_days
            or self.without_posts
            or self.flagged
            or self.address_range
            or self.blocklisted
        )


@dataclass
class Candidate:
    user: User
    posts: int
    comments: int
    why: list[str] = field(default_factory=list)


@dataclass
class Preview:
    action: str
    users: list[User]
    posts: int
    comments: int
    votes: int
    token: str


def _require_moderator(moderator) -> None:
    if refusal := moderator_refusal(moderator, "clean up accounts in bulk"):
        raise PermissionDenied(refusal)


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as error:
        raise ValidationFailed(
            f"{text!r} is not an address range; write one like 203.0.113.0/24.",
            {"address_range": ["invalid"]},
        ) from error
    smallest = 16 if network.version == 4 else 48
    if network.prefixlen < smallest:
        raise ValidationFailed(
            f"That range is too wide; use /{smallest} or narrower.",
            {"address_range": ["too wide"]},
        )
    return network


def matching_users(moderator, chosen: UserFilter, now: datetime | None = None) -> list[Candidate]:
    """Up to LIST_LIMIT accounts meeting every filter, newest first, with their live posts and
    comments counted (for the list; the preview counts again under the action)."""
    _require_moderator(moderator)
    if chosen.is_empty():
        raise ValidationFailed("Choose at least one filter.", {"filters": ["none"]})
    now = now or timezone.now()
    users = User.objects.exclude(id=COMMUNITY_USER_ID).filter(is_moderator=False, is_staff=False)
    if chosen.joined_within_days:
        users = users.filter(creation_date__gte=now - timedelta(days=chosen.joined_within_days))
    if chosen.without_posts:
        users = users.exclude(Exists(Post.objects.filter(owner_id=OuterRef("id"))))
    if chosen.flagged:
        pending = Flag.objects.filter(state=FlagState.PENDING, post__owner_id=OuterRef("id"))
        users = users.filter(Exists(pending))
    if chosen.address_range:
        users = users.filter(id__in=_users_in_range(parse_network(chosen.address_range)))
    limit = SCAN_LIMIT if chosen.blocklisted else LIST_LIMIT
    found = list(users.order_by("-creation_date", "-id")[:limit])
    if chosen.blocklisted:
        found = [u for u in found if _blocklist_hit(u)][:LIST_LIMIT]
    return _with_counts(found)


def _users_in_range(network) -> list[int]:
    """Ids of accounts seen at an address in the range, read from an index on both databases.

    PostgreSQL keeps addresses as inet: `<<=` (contained in or equal to) answers from the
    GiST index (inet_ops) on accounts_useraddress.address. SQLite keeps them as text: each
    address of the range begins with one of a few textual prefixes, read as ranges of the
    address index, then checked exactly."""
    if connection.vendor == "postgresql":
        within = RawSQL(
            f'"{UserAddress._meta.db_table}"."address" <<= %s::inet',
            [str(network)],
            output_field=BooleanField(),
        )
        rows = UserAddress.objects.filter(within).values_list("user_id", flat=True)
        return sorted(set(rows))
    ranges = Q()
    for prefix in text_prefixes(network):
        ranges |= Q(address__gte=prefix, address__lt=_after(prefix))
    rows = UserAddress.objects.filter(ranges).values_list("user_id", "address")
    return sorted({uid for uid, addr in rows if ipaddress.ip_address(str(addr)) in network})


def text_prefixes(network) -> list[str]:
    """Prefixes that every address of the range, written as the site stores it, begins with.

    IPv4: the range's leading whole octets, each ending with its dot, one prefix per value of
    the partly covered octet (at most 128: a /17 is two prefixes of two octets and a dot,
    never a scan of the /16 around it). IPv6 is stored compressed ("2001:db8::1"), where a
    zero group may vanish into "::": the prefix is the leading whole groups up to the first
    zero one, which every compressed form of an address in the range still begins with."""
    if network.version == 4:
        whole = -(-network.prefixlen // 8)  # octets the prefix reaches into
        first = int(network.network_address) >> (32 - 8 * whole)
        count = 1 << (8 * whole - network.prefixlen)
        dot = "." if whole < 4 else ""  # a whole address ends with no dot (checked exactly)
        return [
            ".".join(str((value >> (8 * (whole - 1 - i))) & 255) for i in range(whole)) + dot
            for value in range(first, first + count)
        ]
    groups = []
    for group in network.network_address.exploded.split(":")[: network.prefixlen // 16]:
        if int(group, 16) == 0:
            break
        groups.append(format(int(group, 16), "x"))
    if not groups:
        return [""]  # a range of the zero first group (::ffff:0:0/96): every address is read
    return [":".join(groups) + (":" if len(groups) < 8 else "")]


def _after(prefix: str) -> str:
    """The smallest text above every text beginning with `prefix` (its last character's
    successor: "203.0.113." -> "203.0.113/")."""
    if not prefix:
        return "\U0010ffff"
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _blocklist_hit(user: User) -> bool:
    texts = {BlocklistTarget.USERNAME: [user.display_name], BlocklistTarget.URL: []}
    if user.website_url:
        texts[BlocklistTarget.URL].append(user.website_url)
    if user.about_me_markdown:
        texts[BlocklistTarget.BODY] = [user.about_me_markdown]
    return first_hit(texts) is not None


def _with_counts(users: list[User]) -> list[Candidate]:
    ids = [u.id for u in users]
    posts = dict(
        Post.objects.filter(owner_id__in=ids, deletion_date=None)
        .values_list("owner_id")
        .annotate(n=Count("id"))
    )
    comments = dict(
        Comment.objects.filter(user_id__in=ids, deletion_date=None)
        .values_list("user_id")
        .annotate(n=Count("id"))
    )
    return [Candidate(u, posts.get(u.id, 0), comments.get(u.id, 0)) for u in users]


def preview(moderator, user_ids: list[int], action: str) -> Preview:
    """What `action` would do to these accounts, and the token that allows exactly that."""
    _require_moderator(moderator)
    if action not in ACTIONS:
        raise ValidationFailed("Choose what to do with the accounts.", {"action": ["unknown"]})
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        raise ValidationFailed("Select at least one account.", {"users": ["none"]})
    if len(ids) > LIST_LIMIT:
        raise ValidationFailed(
            f"Select at most {LIST_LIMIT} accounts at once.", {"users": ["many"]}
        )
    users = list(User.objects.filter(id__in=ids).order_by("id"))
    for user in users:
        if refusal := _refusal(moderator, user, action):
            raise PermissionDenied(f"{user.display_name}: {refusal}")
    found = [u.id for u in users]
    live_posts = Post.objects.filter(owner_id__in=found, deletion_date=None).count()
    live_comments = Comment.objects.filter(user_id__in=found, deletion_date=None).count()
    votes = Vote.objects.filter(
        user_id__in=found, vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD)
    ).count()
    token = signing.dumps({"ids": found, "action": action, "by": moderator.id}, salt=TOKEN_SALT)
    if action == "suspend":
        live_posts = live_comments = votes = 0  # a suspension removes nothing
    return Preview(action, users, live_posts, live_comments, votes, token)


def _refusal(moderator, user: User, action: str) -> str:
    if action == "destroy":
        return destroy_refusal(moderator, user)
    if user.id in (COMMUNITY_USER_ID, moderator.id) or user.is_moderator:
        return "Moderators and the Community user are not suspended in bulk."
    return ""


@dataclass
class BulkOutcome:
    action: str
    users: int
    posts: int = 0
    comments: int = 0
    votes: int = 0


def bulk_apply(
    moderator, token: str, *, days=None, reason: str = "", now: datetime | None = None
) -> BulkOutcome:
    """Do what the preview's token names, to the accounts it names, in one transaction."""
    _require_moderator(moderator)
    try:
        allowed = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise ValidationFailed(
            "This confirmation has expired or was altered; preview the action again.",
            {"token": ["invalid"]},
        ) from error
    if allowed.get("by") != moderator.id:
        raise PermissionDenied("This confirmation was made for another moderator.")
    action, ids = allowed["action"], allowed["ids"]
    now = now or timezone.now()
    outcome = BulkOutcome(action, 0)
    with transaction.atomic():
        users = list(User.objects.select_for_update().filter(id__in=ids).order_by("id"))
        for user in users:
            if refusal := _refusal(moderator, user, action):
                raise PermissionDenied(f"{user.display_name}: {refusal}")
        for user in users:
            if action == "destroy":
                done = destroy_locked(moderator, user, now, how="in a bulk clean-up")
                outcome.posts += done.posts
                outcome.comments += done.comments
                outcome.votes += done.votes
            else:
                user_suspend(moderator, user.id, days, reason, now=now)
            outcome.users += 1
        record_moderator_action(
            moderator,
            f"bulk-{action}",
            details=(
                f"{action} {outcome.users} accounts ({', '.join(str(u.id) for u in users)}): "
                f"{outcome.posts} posts and {outcome.comments} comments deleted, "
                f"{outcome.votes} votes removed"
            )[:2000],
            at=now,
        )
    return outcome


def prune_unconfirmed_signups(now: datetime | None = None) -> int:
    """Forget sign-ups never confirmed within QUAESTIO_PRUNE_UNCONFIRMED_DAYS: they hold an
    e-mail address and a password hash, and can no longer become accounts."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.QUAESTIO_PRUNE_UNCONFIRMED_DAYS)
    deleted, _ = PendingSignup.objects.filter(Q(created__lt=cutoff)).delete()
    return deleted

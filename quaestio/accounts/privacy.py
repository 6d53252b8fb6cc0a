"""Privacy duties (issue 21 point 5): a person's copy of everything the site holds about them,
the site owner's erasure of an account (its posts kept as "userN"'s, or removed where the law
requires), and forgetting IP addresses after a set time. Every export and erasure is recorded.

"Everything" is found, not listed: every row of every model that points at the user (a new
room's table is included the day it is added), less the secrets (password and token hashes)
and the notes moderators keep about a user, which are the moderators' records, not theirs.
The posts, comments, votes, badges and history also come in the Stack Exchange dump format.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from quaestio.accounts.models import PrivacyRecord, User, UserAddress

SECRET_FIELDS = frozenset({"password", "token_digest", "secret", "key_digest", "token_hash"})
# (model label, field): rows that point at the user but are moderators' records about them.
MODERATORS_RECORDS = frozenset(
    {
        ("accounts.UserAnnotation", "user"),
        ("moderation.ModeratorAction", "target_user"),
    }
)


def personal_data(user: User) -> dict:
    """Everything the site holds about `user`, as JSON-ready data."""
    data: dict = {"user": _clean(User.objects.filter(id=user.id).values().first() or {})}
    for model in apps.get_models():
        label = model._meta.label
        for field in model._meta.get_fields():
            if not _points_at_user(field) or (label, field.name) in MODERATORS_RECORDS:
                continue
            if model is User:
                continue
            rows = model.objects.filter(**{field.name: user.id}).order_by("pk").values()
            cleaned = [_clean(row) for row in rows]
            if cleaned:
                data.setdefault(label, {})[field.name] = cleaned
    return data


def _points_at_user(field) -> bool:
    return (
        getattr(field, "concrete", False)
        and (field.many_to_one or field.one_to_one)
        and field.related_model is User
    )


def _clean(row: dict) -> dict:
    return {name: value for name, value in row.items() if name not in SECRET_FIELDS}


def write_export(user: User, requested_by: User | None, target: Path | None = None) -> Path:
    """A zip with data.json (everything) and dump/ (the Stack Exchange dump format files of
    what they wrote); returns its path. The export is recorded."""
    from quaestio.dumps.exporter import export_dump

    if target is None:
        handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
        handle.close()
        target = Path(handle.name)
    with tempfile.TemporaryDirectory() as work:
        dump_dir = Path(work) / "dump"
        export_dump(dump_dir, user_id=user.id)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            body = json.dumps(personal_data(user), cls=DjangoJSONEncoder, indent=1)
            archive.writestr("data.json", body)
            archive.writestr("README.txt", README.format(site=settings.SITE_NAME))
            for path in sorted(dump_dir.iterdir()):
                archive.write(path, f"dump/{path.name}")
    PrivacyRecord.objects.create(
        user_id=user.id,
        kind=PrivacyRecord.Kind.EXPORT,
        requested_by_id=requested_by.id if requested_by else None,
        at=timezone.now(),
    )
    return target


README = """Your data from {site}

data.json   everything the site holds about you: your account, and every row of every table
            that refers to you (posts, revisions, comments, votes, badges, reputation changes,
            flags you raised, notifications, the addresses you used, suspensions, tokens you
            made), without password or token hashes.
dump/       what you wrote and did, in the Stack Exchange data dump format (Posts.xml,
            PostHistory.xml, Comments.xml, Votes.xml, Badges.xml, Users.xml, PostLinks.xml),
            your deleted posts included.
"""


def forget_old_addresses(now: datetime | None = None) -> int:
    """Drop the IP addresses last seen more than QUAESTIO_IP_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.QUAESTIO_IP_RETENTION_DAYS)
    deleted, _ = UserAddress.objects.filter(last_seen__lt=cutoff).delete()
    return deleted


# --- erasure -------------------------------------------------------------------------------------

REMOVED_TITLE = "Removed at its author's request"


@dataclass
class Erasure:
    user_id: int
    name: str  # what the account is shown as afterwards ("userN")
    posts_removed: int
    comments_removed: int
    votes_withdrawn: int


def erasure_refusal(requested_by: User | None, user: User) -> str:
    """The site owner (staff) erases on request; None is the command line, run by the owner."""
    from quaestio.accounts.policies import site_owner_refusal

    if requested_by is not None and (refusal := site_owner_refusal(requested_by, "erase users")):
        return refusal
    if user.is_community:
        return "The Community user cannot be erased."
    if user.is_moderator or user.is_staff:
        return "Remove the moderator or owner role first (quaestio user unmake-moderator)."
    return ""


def erase_user(
    user_id: int, requested_by: User | None, *, remove_content: bool, now: datetime | None = None
) -> Erasure:
    """A data-erasure request carried out for the site's owner, in one transaction.

    Without `remove_content` the account is deleted as its owner would delete it: votes
    withdrawn, posts and comments kept and credited to "userN", the profile emptied. With it,
    where the law requires, what the person wrote goes too: their questions, answers and
    comments are deleted (so counts and reputation follow, as for a destroyed account) and
    their text, and every revision of it, is blanked, so no page, revision or export shows
    it. Erasing the content of an account already deleted is allowed. Recorded either way.
    """
    from django.db import transaction

    from quaestio.accounts.account_settings import delete_account_locked, withdraw_votes
    from quaestio.core.errors import NotFound, PermissionDenied

    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id=user_id).first()
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        if refusal := erasure_refusal(requested_by, user):
            raise PermissionDenied(refusal)
        already_deleted = user.deleted_date is not None
        if already_deleted and not remove_content:
            raise PermissionDenied(
                "This account is deleted already; add --remove-content to remove what it wrote."
            )
        votes = withdraw_votes(user.id)
        posts = comments = 0
        if remove_content:
            posts, comments = _remove_content(user, now)
        name = user.display_name
        if not already_deleted:
            name = delete_account_locked(user, votes_withdrawn=True)
        PrivacyRecord.objects.create(
            user_id=user.id,
            kind=PrivacyRecord.Kind.ERASE,
            requested_by_id=requested_by.id if requested_by else None,
            at=now,
        )
    return Erasure(user.id, name, posts, comments, votes)


def _remove_content(user: User, now: datetime) -> tuple[int, int]:
    """Delete the user's posts and comments, then blank their text and its revisions. An
    account deleted earlier no longer points at its rows: they are the ones credited to its
    "userN". Their edits of other people's posts stay: those are the other posts' history."""
    from django.db.models import Q

    from quaestio.accounts.account_settings import placeholder_name
    from quaestio.accounts.models import COMMUNITY_USER_ID
    from quaestio.comments.models import Comment
    from quaestio.moderation.spammer import delete_comments_of, delete_posts_of
    from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType
    from quaestio.search.services import schedule_index
    from quaestio.sources.models import PostSource

    name = placeholder_name(user.id)
    own_posts = Post.objects.filter(
        Q(owner_id=user.id) | Q(owner__isnull=True, owner_display_name=name)
    )
    own_comments = Comment.objects.filter(
        Q(user_id=user.id) | Q(user__isnull=True, user_display_name=name)
    )
    community = User.objects.get(id=COMMUNITY_USER_ID)
    posts = delete_posts_of(community, own_posts, now, "removed at its author's request")
    comments = delete_comments_of(own_comments, now)
    post_ids = list(own_posts.values_list("id", flat=True))
    T = PostHistoryType
    text_revisions = (
        *(T.INITIAL_TITLE, T.INITIAL_BODY, T.EDIT_TITLE, T.EDIT_BODY),
        *(T.ROLLBACK_TITLE, T.ROLLBACK_BODY, T.SUGGESTED_EDIT_APPLIED),
    )
    Post.objects.filter(id__in=post_ids, post_type=PostType.QUESTION).update(title=REMOVED_TITLE)
    Post.objects.filter(id__in=post_ids).update(body="", body_markdown="")
    PostHistory.objects.filter(post_id__in=post_ids, post_history_type__in=text_revisions).update(
        text=""
    )
    own_comments.update(text="", text_html="")
    PostSource.objects.filter(post_id__in=post_ids).delete()
    for post_id in post_ids:  # bulk updates send no signals: the index forgets the text here
        schedule_index(post_id)
    return posts, comments

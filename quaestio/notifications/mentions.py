"""Who a comment reaches (spec §6.2).

The post's owner is always told. An `@name` reaches at most one other person, chosen among
those the post already involves: its owner, its visible commenters, and its editors. Names
match case-insensitively, ignoring spaces, by a prefix of at least three characters; when
several people match, the most recent commenter wins. Only the first `@name` that reaches
somebody counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.posts.models import CONTENT_HISTORY_TYPES, Post, PostHistory

_MENTION = re.compile(r"(?:^|(?<=[\s(\[]))@([^\s@,:;.!?()\[\]]{3,40})")


def _squash(name: str) -> str:
    return "".join(name.split()).lower()


def mentioned_names(text: str) -> list[str]:
    return _MENTION.findall(text)


@dataclass
class Recipients:
    owner_id: int | None  # told of every comment on their post (not their own)
    mentioned_id: int | None  # the one other person the comment reached
    # Earlier commenters on the post, told of the new comment (not the two above, not the author)
    commenter_ids: frozenset[int] = frozenset()


def _candidates(post: Post, exclude: set[int]) -> list[User]:
    """People an @name may reach on this post, the most recent commenter first."""
    commenter_ids = list(
        Comment.objects.filter(post=post, deletion_date=None, user_id__isnull=False)
        .order_by("-creation_date", "-id")
        .values_list("user_id", flat=True)
    )
    editor_ids = list(
        PostHistory.objects.filter(
            post=post, post_history_type__in=CONTENT_HISTORY_TYPES, user_id__isnull=False
        ).values_list("user_id", flat=True)
    )
    ordered = list(dict.fromkeys([*commenter_ids, post.owner_id, *editor_ids]))
    ordered = [uid for uid in ordered if uid is not None and uid not in exclude]
    users = {u.id: u for u in User.objects.filter(id__in=ordered, is_active=True)}
    return [users[uid] for uid in ordered if uid in users]


def resolve_mention(text: str, post: Post, author_id: int) -> User | None:
    names = mentioned_names(text)
    if not names:
        return None
    candidates = _candidates(post, exclude={author_id})
    for name in names:
        typed = _squash(name)
        for user in candidates:
            if _squash(user.display_name).startswith(typed):
                return user
    return None


def other_commenters(post: Post, exclude: set[int]) -> set[int]:
    return set(
        Comment.objects.filter(post=post, deletion_date=None, user_id__isnull=False)
        .exclude(user_id__in=exclude)
        .values_list("user_id", flat=True)
    )


def comment_recipients(text: str, post: Post, author_id: int) -> Recipients:
    """Call before the new comment is saved: it must not count as an earlier commenter."""
    owner_id = post.owner_id if post.owner_id and post.owner_id != author_id else None
    mentioned = resolve_mention(text, post, author_id)
    mentioned_id = mentioned.id if mentioned else None
    others = other_commenters(post, exclude={author_id})
    if mentioned_id is None and post.owner_id == author_id and len(others) == 1:
        # The owner replying on their own post with one other commenter is talking to them.
        mentioned_id = next(iter(others))
    if mentioned_id == owner_id:
        mentioned_id = None  # one notification per person
    return Recipients(
        owner_id=owner_id,
        mentioned_id=mentioned_id,
        commenter_ids=frozenset(others - {owner_id, mentioned_id}),
    )


def strip_redundant_owner_mention(text: str, post: Post, author_id: int) -> str:
    """A leading @owner adds nothing when only the owner and the author have commented."""
    names = mentioned_names(text)
    if not names or not text.startswith("@") or post.owner_id in (None, author_id):
        return text
    owner = User.objects.filter(id=post.owner_id).only("display_name").first()
    if owner is None or not _squash(owner.display_name).startswith(_squash(names[0])):
        return text
    if other_commenters(post, exclude={author_id, post.owner_id}):
        return text
    stripped = text[len(names[0]) + 1 :].lstrip(" ,:")
    return stripped or text

"""Rows for the flag tests: an author whose reputation the ledger explains, flaggers, comments."""

from __future__ import annotations

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.posts.models import Post
from quaestio.reputation.services import record_opening_balances
from tests.moderation.support import user


def author(reputation: int = 150) -> User:
    """A user whose total is an opening balance in the ledger, so recalc agrees with it."""
    who = user(reputation)
    record_opening_balances(only_new_users=True)
    return who


def flaggers(count: int, reputation: int = 15) -> list[User]:
    return [user(reputation) for _ in range(count)]


def comment_on(post: Post, by: User | None = None, text: str = "a comment long enough") -> Comment:
    by = by or user(50)
    comment = Comment.objects.create(
        post=post, user=by, user_display_name=by.display_name, text=text, text_html=text
    )
    Post.objects.filter(id=post.id).update(comment_count=1)
    return comment


def reputation_of(who: User) -> int:
    who.refresh_from_db()
    return who.reputation

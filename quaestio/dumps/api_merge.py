"""`import-api --since`: the rows a site already holds, so the new ones merge into it.

A site that imported a dump and then fetches what came after (`--since` the dump's date) gets:
users, posts and comments whose ids it already has left as they are (the fetched copy is
dropped, not compared); new answers and comments on questions it holds attached to them; tags
it already has reused by name; the ids the API does not give (votes, history rows, badges,
tags) numbered after the largest the site holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max

CHUNK = 1000  # ids per IN (...) query


@dataclass
class Existing:
    users: set[int] = field(default_factory=set)
    posts: set[int] = field(default_factory=set)
    comments: set[int] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    first_ids: dict[str, int] = field(default_factory=dict)  # dump file name → first free id


def existing_rows(
    users: Iterable[int], posts: Iterable[int], comments: Iterable[int], tags: Iterable[str]
) -> Existing:
    """Which of these ids and tag names the database holds (only these are asked about)."""
    from quaestio.accounts.models import User
    from quaestio.badges.models import Badge
    from quaestio.comments.models import Comment
    from quaestio.posts.models import Post, PostHistory
    from quaestio.tags.models import Tag
    from quaestio.votes.models import Vote

    found = Existing(
        users=_held(User, "id", users),
        posts=_held(Post, "id", posts),
        comments=_held(Comment, "id", comments),
        tags=_held(Tag, "name", tags),
    )
    for name, model in (
        ("Votes", Vote),
        ("PostHistory", PostHistory),
        ("Badges", Badge),
        ("Tags", Tag),
    ):
        found.first_ids[name] = (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    return found


def _held(model, column: str, values: Iterable) -> set:
    wanted = sorted(set(values))
    held: set = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        held |= set(model.objects.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
    return held

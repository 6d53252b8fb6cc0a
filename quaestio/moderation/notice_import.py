"""A dump's post notices (PostHistory types 33 and 34) as PostNotice rows, so an imported
notice shows, is searched (`hasnotice:`) and listed (/annotated-posts) like one added here.

The dump's rows carry the notice's id (their Comment) and no kind. The kind is recovered where
the dump allows:

* our own export writes the kind in the row's Text (`{"Voters": [...], "NoticeType": key}`,
  moderation.notices), so a dump of a Quaestio site comes back with its kinds;
* Stack Exchange adds a notice when a bounty starts (a Votes row of type 8, BountyStart, by the
  same user on the same post and day) and removes it when the bounty ends: that is a bounty
  notice;
* any other is a moderator's notice whose kind the dump does not keep ("Post notice").
"""

from __future__ import annotations

import json

from django.core.management.color import no_style
from django.db import connection

from quaestio.moderation import notices
from quaestio.moderation.models import PostNotice
from quaestio.posts.models import PostHistory, PostHistoryType
from quaestio.votes.models import Vote, VoteType

ADDED, REMOVED = PostHistoryType.POST_NOTICE_ADDED, PostHistoryType.POST_NOTICE_REMOVED


def kind_from_text(text: str | None) -> str:
    """The kind our export wrote in the row's Text, or "" when it holds none we know."""
    if not text or not text.lstrip().startswith("{"):
        return ""
    try:
        details = json.loads(text)
    except ValueError:
        return ""
    key = details.get("NoticeType") if isinstance(details, dict) else None
    return key if isinstance(key, str) and key in notices.NOTICE_KINDS_BY_KEY else ""


def imported_kind(text: str | None, started_bounty: bool) -> str:
    if key := kind_from_text(text):
        return key
    return notices.BOUNTY.key if started_bounty else notices.IMPORTED.key


def notices_from_history(site: str) -> int:
    """PostNotice rows for the notice history of the posts imported from `site`: one per
    addition, closed by its removal (or by the next addition: a post has one standing notice).
    Returns how many were written. Run by the importer once posts, history and votes are in."""
    rows = list(
        PostHistory.objects.filter(post__imported_from=site, post_history_type__in=(ADDED, REMOVED))
        .order_by("post_id", "creation_date", "id")
        .values_list("post_id", "post_history_type", "creation_date", "user_id", "comment", "text")
    )
    if not rows:
        return 0
    bounties = _bounty_starts({row[0] for row in rows if row[1] == ADDED})
    made: list[PostNotice] = []
    standing: dict[int, PostNotice] = {}
    for post_id, history_type, created, user_id, comment, text in rows:
        current = standing.pop(post_id, None)
        if current is not None:  # removed, or replaced by the next notice
            current.removed_date = created
            current.removed_by_id = user_id if history_type == REMOVED else current.removed_by_id
        if history_type == REMOVED:
            continue
        started = (post_id, user_id, created.date()) in bounties
        notice = PostNotice(
            id=_notice_id(comment),
            post_id=post_id,
            kind=imported_kind(text, started),
            owner_id=user_id,
            creation_date=created,
        )
        standing[post_id] = notice
        made.append(notice)
    _keep_ids_free(made)
    PostNotice.objects.bulk_create(made, batch_size=5_000)
    _reset_sequence()
    return len(made)


def _bounty_starts(post_ids: set[int]) -> set[tuple]:
    """(post, user, day) of the bounties started on these posts (the dump dates them by day)."""
    if not post_ids:
        return set()
    return {
        (post_id, user_id, created.date())
        for post_id, user_id, created in Vote.objects.filter(
            post_id__in=post_ids, vote_type=VoteType.BOUNTY_START
        ).values_list("post_id", "user_id", "creation_date")
    }


def _notice_id(comment: str | None) -> int | None:
    text = (comment or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _keep_ids_free(made: list[PostNotice]) -> None:
    """The dump's notice ids are kept where free; one taken (a notice of this site, or the same
    id twice) lets the database choose."""
    wanted = [n.id for n in made if n.id is not None]
    taken = set(PostNotice.objects.filter(id__in=wanted).values_list("id", flat=True))
    seen: set[int] = set()
    for notice in made:
        if notice.id in taken or notice.id in seen:
            notice.id = None
        elif notice.id is not None:
            seen.add(notice.id)


def _reset_sequence() -> None:
    """New notices get ids above the dump's (PostgreSQL's sequence; SQLite follows the largest)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [PostNotice]):
            cursor.execute(statement)

"""A post's timeline (issue 16.8): every event of the post in time order, like Stack
Exchange's /posts/<id>/timeline. Read from where each event is kept (PostHistory rows in the
dump's types, comments, answers, close/reopen and delete/undelete votes, bounty Votes) in a
fixed number of queries; votes are summed per day in SQL, for this post only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import Count
from django.db.models.functions import TruncDate

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.moderation.models import CloseVote, CloseVoteKind, DeletionVote, DeletionVoteKind
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType
from quaestio.posts.revisions import EVENT_LABELS
from quaestio.votes.models import Vote, VoteType

# What each PostHistory type is called on the timeline (rows of one GUID make one event):
# the revisions page's names of events, and the content revisions' own.
EVENT_NAMES = {
    **EVENT_LABELS,
    PostHistoryType.INITIAL_TITLE: "asked",
    PostHistoryType.INITIAL_BODY: "created",
    PostHistoryType.INITIAL_TAGS: "asked",
    PostHistoryType.EDIT_TITLE: "edited",
    PostHistoryType.EDIT_BODY: "edited",
    PostHistoryType.EDIT_TAGS: "edited",
    PostHistoryType.ROLLBACK_TITLE: "rolled back",
    PostHistoryType.ROLLBACK_BODY: "rolled back",
    PostHistoryType.ROLLBACK_TAGS: "rolled back",
    PostHistoryType.POST_MIGRATED_HERE: "migrated here",
    PostHistoryType.POST_MIGRATED_AWAY: "migrated away",
}
# Types whose Text is the dump's JSON of voters.
VOTER_TYPES = {10, 11, 12, 13, 14, 15, 19, 20, 35}


@dataclass
class Person:
    name: str
    url: str | None = None
    is_moderator: bool = False  # known for the event's own user row (voters: from JSON only)


@dataclass
class Event:
    when: datetime
    kind: str  # "history", "comment", "answer", "vote", "bounty", "votes"
    name: str  # "asked", "edited", "closed", "comment", "close vote", "votes" ...
    who: Person | None = None
    voters: list[Person] = field(default_factory=list)
    detail: str = ""  # an edit summary, a close reason id, a comment's text (escaped in the page)
    url: str = ""  # an answer's or a revision's link
    up: int = 0  # per-day vote totals
    down: int = 0


@dataclass
class Timeline:
    post: Post
    title: str
    post_url: str
    revisions_url: str
    events: list[Event]


def post_timeline(post: Post) -> Timeline:
    """Every event of the post, oldest first. Seven queries whatever the post's history."""
    events = _history_events(post) + _comment_events(post) + _vote_events(post)
    events += _close_and_delete_votes(post) + _vote_totals(post)
    if post.post_type == PostType.QUESTION:
        events += _answer_events(post)
    created = "asked" if post.post_type == PostType.QUESTION else "answered"
    if not any(e.name == created for e in events):
        # A post without its initial history rows (a partial import): its creation still shows.
        owner = _person(post.owner, post.owner_display_name)
        events.append(Event(post.creation_date, "history", created, owner))
    # At the same moment the vote comes before the closing or deletion it decided.
    events.sort(key=lambda e: (e.when, e.kind == "history"))
    question = post if post.post_type == PostType.QUESTION else post.parent
    title = question.title if question is not None else f"post {post.id}"
    url = (
        links.question_url(post.id, post.title)
        if post.post_type == PostType.QUESTION
        else links.answer_url(post.id)
    )
    return Timeline(post, title, url, links.revisions_url(post.id), events)


def _person(user, fallback: str = "") -> Person | None:
    if user is None:
        return Person(fallback) if fallback else None
    return Person(
        user.display_name,
        links.user_url(user.id, user.display_name),
        user.is_moderator or user.id == COMMUNITY_USER_ID,
    )


def _voters(text: str) -> list[Person]:
    try:
        voters = json.loads(text or "{}").get("Voters") or []
    except (ValueError, AttributeError):
        return []
    people = []
    for voter in voters:
        if not isinstance(voter, dict):
            continue
        name = str(voter.get("DisplayName") or "")
        voter_id = voter.get("Id")
        url = links.user_url(voter_id, name) if isinstance(voter_id, int) and voter_id else None
        people.append(Person(name or "deleted user", url))
    return people


def _history_events(post: Post) -> list[Event]:
    rows = (
        PostHistory.objects.filter(post_id=post.id)
        .select_related("user")
        .order_by("creation_date", "id")
    )
    events: list[Event] = []
    seen: dict[str, Event] = {}
    for row in rows:
        name = EVENT_NAMES.get(row.post_history_type)
        if name is None:
            continue
        if name == "created":
            name = "asked" if post.post_type == PostType.QUESTION else "answered"
        earlier = seen.get(row.revision_guid)
        if earlier is not None and earlier.name == name:
            continue  # title, body and tags of one edit are one event
        event = Event(row.creation_date, "history", name, _person(row.user, row.user_display_name))
        if row.post_history_type in VOTER_TYPES:
            event.voters = _voters(row.text)
            event.detail = row.comment
        elif row.post_history_type in (4, 5, 6, 24):
            event.detail = row.comment
            event.url = links.revisions_url(post.id)
        seen[row.revision_guid] = event
        events.append(event)
    return events


def _comment_events(post: Post) -> list[Event]:
    return [
        Event(
            c.creation_date,
            "comment",
            "comment deleted" if c.deletion_date else "comment",
            _person(c.user, c.user_display_name),
            detail="" if c.deletion_date else c.text,
        )
        for c in Comment.objects.filter(post_id=post.id)
        .select_related("user")
        .order_by("creation_date", "id")
    ]


def _answer_events(question: Post) -> list[Event]:
    return [
        Event(
            a.creation_date,
            "answer",
            "answer deleted" if a.deletion_date else "answer",
            _person(a.owner, a.owner_display_name),
            url=links.answer_url(a.id),
        )
        for a in Post.objects.filter(parent_id=question.id, post_type=PostType.ANSWER)
        .select_related("owner")
        .order_by("creation_date", "id")
    ]


def _close_and_delete_votes(post: Post) -> list[Event]:
    names = {CloseVoteKind.CLOSE: "close vote", CloseVoteKind.REOPEN: "reopen vote"}
    events = [
        Event(
            v.creation_date, "vote", "close flag" if v.is_flag else names[v.kind], _person(v.user)
        )
        for v in CloseVote.objects.filter(question_id=post.id).select_related("user")
    ]
    names = {DeletionVoteKind.DELETE: "delete vote", DeletionVoteKind.UNDELETE: "undelete vote"}
    events += [
        Event(v.creation_date, "vote", names[v.kind], _person(v.user))
        for v in DeletionVote.objects.filter(post_id=post.id).select_related("user")
    ]
    return events


def _vote_events(post: Post) -> list[Event]:
    """Bounties as the dump keeps them: Votes of type 8 (start) and 9 (close)."""
    return [
        Event(
            v.creation_date,
            "bounty",
            "bounty started" if v.vote_type == VoteType.BOUNTY_START else "bounty ended",
            _person(v.user),
            detail=f"+{v.bounty_amount}" if v.bounty_amount else "",
        )
        for v in Vote.objects.filter(
            post_id=post.id, vote_type__in=(VoteType.BOUNTY_START, VoteType.BOUNTY_CLOSE)
        ).select_related("user")
    ]


def _vote_totals(post: Post) -> list[Event]:
    """Up and down votes per UTC day, grouped in SQL for this post only."""
    days: dict[date, list[int]] = {}
    for day, vote_type, n in (
        Vote.objects.filter(post_id=post.id, vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD))
        .annotate(day=TruncDate("creation_date"))
        .values_list("day", "vote_type")
        .annotate(n=Count("id"))
        .values_list("day", "vote_type", "n")
    ):
        days.setdefault(day, [0, 0])[0 if vote_type == VoteType.UP_MOD else 1] += n
    return [
        Event(
            datetime(day.year, day.month, day.day, tzinfo=UTC),
            "votes",
            "votes",
            up=up,
            down=down,
        )
        for day, (up, down) in days.items()
    ]

"""Citation needed, by the community: votes that place the notice, and edits that lift it.

Besides a moderator's Citation needed notice (moderation.notices), users with the
"vote_citation_needed" privilege (50 reputation) vote that an answer needs sources. At
QUAESTIO_CITATION_VOTES pending votes (3) the notice is placed in the Community user's name,
and the Community user leaves Stack Exchange's canned "needs supporting information" comment
(the review queues' feedback text, so both say the same). The votes that placed it complete;
once the notice is lifted, a new round starts from zero.

An edit that adds a well-formed source (quaestio.sources.extract.adds_a_source) to a post
under the notice, compared with the post as it was when the notice was placed, enters the
"sources-added" review queue; a reviewer's approval lifts the notice, a rejection leaves it.
Removing the notice any other way ends the waiting review (notices.lift_notice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.accounts.policies import suspension_refusal
from quaestio.core.errors import PermissionDenied
from quaestio.moderation import notices, review_rules
from quaestio.moderation.models import (
    CitationVote,
    CitationVoteState,
    PostNotice,
    ReviewQueue,
    ReviewTask,
)
from quaestio.moderation.review_tasks import enqueue_for_review
from quaestio.moderation.writes import locked_post
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType
from quaestio.reputation.privileges import has_privilege
from quaestio.sources.extract import Source, sources_of

log = logging.getLogger(__name__)

Decision = tuple[bool, str]
PRIVILEGE = "vote_citation_needed"
BODY_REVISIONS = (
    PostHistoryType.INITIAL_BODY,
    PostHistoryType.EDIT_BODY,
    PostHistoryType.ROLLBACK_BODY,
)


def votes_needed() -> int:
    return max(1, int(getattr(settings, "QUAESTIO_CITATION_VOTES", 3)))


# Policies


def can_vote_citation_needed(user, post: Post) -> Decision:
    """Whether the user may vote (or take back a vote) that this answer needs citations."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to vote that an answer needs citations."
    if refusal := suspension_refusal(user):
        return False, refusal
    if post.post_type != PostType.ANSWER:
        return False, "Only answers take citation needed votes; moderators add notices."
    if post.deletion_date is not None:
        return False, "This answer is deleted."
    if post.locked_date is not None:
        return False, "This answer is locked."
    if post.owner_id == user.id:
        return False, "Edit your own answer to add its sources instead."
    return has_privilege(user, PRIVILEGE)


# Services


@dataclass
class CitationOutcome:
    post_id: int
    action: str  # "voted", "retracted", "notice placed", "unchanged"
    votes: int  # pending votes afterwards
    needed: int
    message: str = ""


def _pending(post_id: int):
    return CitationVote.objects.filter(post_id=post_id, state=CitationVoteState.PENDING)


def _checked_post(user, post_id: int) -> Post:
    post = locked_post(post_id)
    allowed, reason = can_vote_citation_needed(user, post)
    if not allowed:
        raise PermissionDenied(reason)
    return post


def citation_vote_cast(user, post_id: int, now: datetime | None = None) -> CitationOutcome:
    """The user's vote; the last one needed places the notice and the Community comment."""
    with transaction.atomic():
        post = _checked_post(user, post_id)
        now = now or timezone.now()
        needed = votes_needed()
        standing = notices.standing_notice(post.id)
        if standing is not None and standing.kind == notices.CITATION_NEEDED:
            return CitationOutcome(
                post.id, "unchanged", 0, needed, "This answer already asks for citations."
            )
        if _pending(post.id).filter(user_id=user.id).exists():
            votes = _pending(post.id).count()
            return CitationOutcome(post.id, "unchanged", votes, needed, "You have already voted.")
        CitationVote.objects.create(post_id=post.id, user=user, creation_date=now)
        votes = _pending(post.id).count()
        if votes < needed:
            return CitationOutcome(post.id, "voted", votes, needed)
        _place_notice(post, now)
        return CitationOutcome(
            post.id, "notice placed", 0, needed, "The Citation needed notice is now shown."
        )


def citation_vote_retract(user, post_id: int, now: datetime | None = None) -> CitationOutcome:
    with transaction.atomic():
        post = _checked_post(user, post_id)
        retracted = (
            _pending(post.id).filter(user_id=user.id).update(state=CitationVoteState.RETRACTED)
        )
        votes = _pending(post.id).count()
        if not retracted:
            return CitationOutcome(post.id, "unchanged", votes, votes_needed(), "You have no vote.")
        return CitationOutcome(post.id, "retracted", votes, votes_needed())


def _place_notice(post: Post, now: datetime) -> None:
    from quaestio.comments.services import comment_add

    community = User.objects.get(id=COMMUNITY_USER_ID)
    kind = notices.NOTICE_KINDS_BY_KEY[notices.CITATION_NEEDED]
    notices.place_notice(post.id, kind, community, now)
    _pending(post.id).update(state=CitationVoteState.COMPLETED)
    text = review_rules.feedback_choices(is_question=False)["supporting"][1]
    comment_add(community, post.id, text, automatic=True)


def sources_approved(post_id: int, reviewer, now: datetime) -> None:
    """The review queue approved an edit's sources: the notice goes, lifted by the reviewer.
    Called inside the review's transaction, which holds the post's lock."""
    standing = notices.standing_notice(post_id)
    if standing is not None and standing.kind == notices.CITATION_NEEDED:
        notices.lift_notice(standing, reviewer, now)


# The edit that adds sources


def _citation_notice(post_id: int) -> PostNotice | None:
    standing = notices.standing_notice(post_id)
    return standing if standing is not None and standing.kind == notices.CITATION_NEEDED else None


def _body_when(post_id: int, moment: datetime) -> str:
    """The post's Markdown as it stood at `moment` (its body revision then)."""
    row = (
        PostHistory.objects.filter(
            post_id=post_id, post_history_type__in=BODY_REVISIONS, creation_date__lte=moment
        )
        .order_by("-creation_date", "-id")
        .values_list("text", flat=True)
        .first()
    )
    return row or ""


def _keys_when_placed(notice: PostNotice) -> set[str]:
    kept = notices.cited_keys_when_placed(notice)
    if kept is not None:
        return kept
    # A notice from before the keys were kept, or a dump's: the body revision of that time.
    body = _body_when(notice.post_id, notice.creation_date)
    return {f"{kind}:{value}" for kind, value in (s.key for s in sources_of(body))}


def added_sources(post_id: int) -> list[Source]:
    """The well-formed sources the post cites now that it did not when its Citation needed
    notice was placed: what the reviewer judges, and what sends an edit to review. Empty
    without such a notice."""
    notice = _citation_notice(post_id)
    post = Post.objects.filter(id=post_id).only("body_markdown", "deletion_date").first()
    if notice is None or post is None or post.deletion_date is not None:
        return []
    before = _keys_when_placed(notice)
    return [
        source
        for source in sources_of(post.body_markdown)
        if source.valid and "{}:{}".format(*source.key) not in before
    ]


def sources_edit_entered(post_id: int) -> ReviewTask | None:
    """After an edit: a post under the notice whose text now cites a new well-formed source
    waits in the sources-added queue (once: a second edit joins the waiting task)."""
    if not added_sources(post_id):
        return None
    return enqueue_for_review(ReviewQueue.SOURCES_ADDED, post_id, reason="An edit added sources")


def on_post_written(sender, post_id: int, action: str, **kwargs) -> None:
    """Receiver of posts.events.post_written, after commit: a failure is logged and cannot undo
    the edit."""
    if action not in ("edit", "rollback"):
        return
    try:
        sources_edit_entered(post_id)
    except Exception:  # noqa: BLE001 - the edit is committed; the queue must not break it
        log.exception("sources-added review hook failed for post %s", post_id)


# Reads


@dataclass
class CitationState:
    """What the vote page shows a viewer."""

    post: Post
    votes: int
    needed: int
    voted: bool
    notice_standing: bool
    may_vote: Decision


def citation_state(post_id: int, viewer) -> CitationState | None:
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None:
        return None
    signed_in = viewer is not None and viewer.is_authenticated
    return CitationState(
        post=post,
        votes=_pending(post.id).count(),
        needed=votes_needed(),
        voted=signed_in and _pending(post.id).filter(user_id=viewer.id).exists(),
        notice_standing=_citation_notice(post.id) is not None,
        may_vote=can_vote_citation_needed(viewer, post),
    )

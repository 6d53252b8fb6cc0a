"""What the viewer of a thread may do with each post and comment, and where they stand.

The question page's model carries these decisions, so the HTML (web/post_blocks.py) only formats
them and never compares reputation, roles or ownership itself. Each decision is the policy's:
the single-post checks (`posts.policies.can_delete`, `comments.policies.can_comment` ...) and the
variants used here (`delete_decision`, `comment_decision`, `frozen_reason` ...) are one rule, the
variants reading the rows the page has already loaded instead of the database, so a thread of
any size is decided without a query per post.

To add an action (close, flag, protect ...): a field on PostActions or CommentActions, one line
in `post_actions` or `comment_actions` asking its policy, and its markup in post_blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from quaestio.comments import policies as comment_policies
from quaestio.moderation import policies as moderation_policies
from quaestio.posts import policies as post_policies
from quaestio.posts.models import PostType
from quaestio.votes import policies as vote_policies
from quaestio.votes.models import VoteType


@dataclass(frozen=True, slots=True)
class Verdict:
    """A policy's answer: allowed, or the reason why not (ready to show, e.g. as a title)."""

    allowed: bool
    reason: str = ""


YES = Verdict(True)
NO = Verdict(False)


def from_decision(decision: tuple[bool, str]) -> Verdict:
    """From the posts and comments policies' (allowed, reason)."""
    allowed, reason = decision
    return YES if allowed else _refusal(reason)


def from_refusal(reason: str) -> Verdict:
    """From the votes policies' "" (allowed) or reason."""
    return _refusal(reason) if reason else YES


@lru_cache(maxsize=1024)
def _refusal(reason: str) -> Verdict:
    # The same few reasons recur on every post of every page: one immutable Verdict each.
    return Verdict(False, reason)


@dataclass(slots=True)
class PostActions:
    """A post's actions for one viewer. `vote` is their standing vote (2 up, 3 down, None)."""

    vote: int | None = None
    vote_up: Verdict = NO  # cast, take back or switch to an upvote
    vote_down: Verdict = NO
    edit: Verdict = NO  # edit straight away
    suggest_edit: Verdict = NO  # propose an edit that a reviewer approves
    delete: Verdict = NO
    undelete: Verdict = NO
    accepted: bool = False  # an answer the asker accepted
    accept: Verdict = NO  # the asker's toggle: accept, or take the mark back
    comment: Verdict = NO
    offer_bounty: Verdict = NO
    # Curation (moderation's selectors decide them; an anonymous reader gets none of them).
    close: Verdict = NO  # vote (or flag) to close the question
    reopen: Verdict = NO
    close_votes: int = 0  # standing close or reopen votes, shown to those who may see them
    lock: Verdict = NO  # lock, or unlock when the post is locked
    protect: Verdict = NO  # protect, or unprotect when the question is protected
    notice: Verdict = NO  # add (or remove) a post notice
    citation_needed: Verdict = NO  # vote that an answer needs citations (50 reputation)
    vote_delete: Verdict = NO
    vote_undelete: Verdict = NO
    flag: Verdict = NO  # open the flag dialog (spec §7.8)
    delete_votes: int = 0  # standing delete (or undelete) votes, for those who may see them
    undelete_votes: int = 0
    make_wiki: Verdict = NO  # the moderators' community wiki tool (authors use the edit form)
    moderator_tools: Verdict = NO  # the moderators' page of tools for this post


@dataclass(slots=True)
class CommentActions:
    upvoted: bool = False  # the viewer's "useful comment" vote stands
    upvote: Verdict = NO  # cast or take back that vote
    edit: Verdict = NO
    delete: Verdict = NO
    flag: Verdict = NO


@dataclass(slots=True)
class _StandingVote:
    """The viewer's vote as votes.policies.can_change_vote reads it."""

    vote_type: int
    creation_date: datetime


class ThreadFacts(post_policies.DeleteFacts):
    """DeleteFacts answered from the rows the page loaded: the thread's posts, and for the
    asker which live answers have an upvote (posts.sql.viewer_votes)."""

    def __init__(self, post, question, live_answer_ids: list[int], upvoted: set[int]) -> None:
        super().__init__(post)
        self.question = question
        self.live_answers = live_answer_ids
        self.upvoted = upvoted

    def is_accepted_answer(self) -> bool:
        return self.question.accepted_answer_id == self.post.id

    def live_answer_ids(self) -> list[int]:
        return self.live_answers

    def has_upvoted_answer(self, answer_ids: list[int]) -> bool:
        return any(answer_id in self.upvoted for answer_id in answer_ids)


def vote_verdicts(user, post, question, standing, now: datetime) -> tuple[Verdict, Verdict]:
    """Up and down, as votes.services.vote_cast decides: frozen posts take nothing; a standing
    vote older than the change window is locked in; pressing your vote again takes it back;
    anything else is a new vote the privilege decides. `question`: an answer's question."""
    frozen = vote_policies.frozen_reason(post, question)
    if frozen:
        refused = Verdict(False, frozen)
        return refused, refused
    if standing is not None:
        locked = vote_policies.can_change_vote(standing, post, now)
        if locked:
            refused = Verdict(False, locked)
            return refused, refused
    verdicts = []
    for vote_type in (VoteType.UP_MOD, VoteType.DOWN_MOD):
        if standing is not None and standing.vote_type == vote_type:
            verdicts.append(YES)
        else:
            verdicts.append(from_refusal(vote_policies.can_vote_on_post(user, post, vote_type)))
    return verdicts[0], verdicts[1]


def post_actions(
    user,
    post,
    question,
    *,
    facts: post_policies.DeleteFacts,
    standing: tuple[int, datetime] | None,
    deleted_by_id: int | None,
    now: datetime,
) -> PostActions:
    """Every action on one post of the thread. `question` is the thread's question (the post
    itself for the question)."""
    is_answer = post.post_type == PostType.ANSWER
    vote = _StandingVote(*standing) if standing else None
    up, down = vote_verdicts(user, post, question if is_answer else None, vote, now)
    actions = PostActions(
        vote=vote.vote_type if vote else None,
        vote_up=up,
        vote_down=down,
        edit=from_decision(post_policies.can_edit(user, post)),
        delete=from_decision(post_policies.delete_decision(user, post, facts, now)),
        comment=from_decision(
            comment_policies.comment_decision(user, post, question.owner_id if is_answer else None)
        ),
        flag=from_decision(moderation_policies.can_flag_post(user, post)),
    )
    if not actions.edit.allowed:
        actions.suggest_edit = from_decision(post_policies.can_suggest_edit(user, post))
    if post.deletion_date:
        actions.undelete = from_decision(post_policies.can_undelete(user, post, deleted_by_id))
    if is_answer:
        actions.accepted = question.accepted_answer_id == post.id
        actions.accept = from_refusal(vote_policies.can_accept(user, question, post, now))
    if user is not None and user.is_moderator:  # authors tick the box on the edit form
        actions.make_wiki = from_decision(post_policies.can_make_community_wiki(user, post))
    return actions


def bounty_verdict(user, question, answers, open_bounties: int, now: datetime) -> Verdict:
    """Whether the viewer may offer a bounty of at least the smallest amount. `open_bounties`:
    how many bounties they have open now, on any question."""
    refusal = vote_policies.bounty_refusal(
        user,
        question,
        now,
        has_open_bounty=question.bounty_amount is not None,
        open_bounties_of_user=open_bounties,
    )
    if refusal:
        return Verdict(False, refusal)
    answered = any(a.owner_id == user.id and not a.deletion_date for a in answers)
    return from_refusal(
        vote_policies.bounty_amount_refusal(user, vote_policies.bounty_minimum(answered), answered)
    )


def comment_actions(
    user, comment, upvoted: bool, upvoted_deletion_posts: Callable[[], set[int]], now: datetime
) -> CommentActions:
    """`upvoted_deletion_posts()`: the posts under which the viewer deleted their own upvoted
    comments today (comments.policies), asked only for an upvoted comment of their own."""
    return CommentActions(
        upvoted=upvoted,
        # Taking an upvote back is always allowed (votes.services); casting one is the policy's.
        upvote=YES if upvoted else from_refusal(vote_policies.can_vote_on_comment(user, comment)),
        edit=from_decision(comment_policies.can_edit_comment(user, comment, now)),
        delete=from_decision(
            comment_policies.comment_delete_decision(
                user, comment, lambda: len(upvoted_deletion_posts() - {comment.post_id})
            )
        ),
        flag=from_decision(moderation_policies.can_flag_comment(user, comment)),
    )

"""Who may vote, accept and offer bounties. Each `can_*` returns "" or the reason it may not.

Reputation thresholds come from the privileges table (`reputation.privileges.has_privilege`);
nothing here compares reputation with a number of its own.
"""

from __future__ import annotations

from datetime import datetime

from quaestio.accounts.policies import suspension_refusal
from quaestio.moderation.locks import lock_refusal
from quaestio.posts.models import Post, PostType
from quaestio.reputation.privileges import has_privilege
from quaestio.votes import rules
from quaestio.votes.models import Vote, VoteType


def post_frozen_reason(post: Post) -> str:
    """Deleted and locked posts take no vote actions at all, not even a retraction."""
    question = None
    if post.post_type == PostType.ANSWER:
        question = (
            Post.objects.filter(id=post.parent_id)
            .only("id", "post_type", "deletion_date", "locked_date")
            .first()
        )
    return frozen_reason(post, question)


def frozen_reason(post, question) -> str:
    """post_frozen_reason from rows already loaded: `question` is an answer's question (None
    for a question, or an answer whose question is gone)."""
    if post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return "Only questions and answers can be voted on."
    if post.deletion_date is not None:
        return "This post is deleted and cannot be voted on."
    if post.post_type == PostType.ANSWER and question is not None:
        if question.deletion_date:
            return "This answer's question is deleted; its posts cannot be voted on."
        if lock_refusal(question, "vote"):
            return "This answer's question is locked; votes are disabled."
    return lock_refusal(post, "vote")


def can_vote_on_post(user, post: Post, vote_type: int) -> str:
    """Whether the user may cast this vote (post_frozen_reason is checked by the caller)."""
    if user is None or not user.is_authenticated:
        return "Log in or sign up to vote."
    if refusal := suspension_refusal(user):
        return refusal
    if post.owner_id is not None and post.owner_id == user.id:
        return "You can't vote for your own post."
    allowed, reason = has_privilege(
        user, "vote_up" if vote_type == VoteType.UP_MOD else "vote_down"
    )
    return "" if allowed else reason


def can_change_vote(vote: Vote, post: Post, now: datetime) -> str:
    """Votes lock in after five minutes, unless the post was edited since (spec §4)."""
    if now - vote.creation_date <= rules.VOTE_CHANGE_WINDOW:
        return ""
    if post.last_edit_date is not None and post.last_edit_date > vote.creation_date:
        return ""
    return (
        "You last voted on this post more than 5 minutes ago; your vote is locked in "
        "unless the post is edited."
    )


def daily_vote_limit_reason(votes_today: int, post: Post) -> str:
    if votes_today >= rules.DAILY_VOTES:
        return f"You have used all {rules.DAILY_VOTES} of today's votes; more tomorrow (UTC)."
    if post.post_type != PostType.QUESTION and votes_today >= rules.DAILY_VOTES_ANY_POST:
        return (
            f"You have used {votes_today} votes today; the remaining "
            f"{rules.DAILY_VOTES - votes_today} are for questions only."
        )
    return ""


def comment_vote_limit_reason(votes_today: int) -> str:
    if votes_today >= rules.DAILY_COMMENT_VOTES:
        return f"You have used all {rules.DAILY_COMMENT_VOTES} comment votes today."
    return ""


def can_vote_on_comment(user, comment) -> str:
    if user is None or not user.is_authenticated:
        return "Log in or sign up to vote."
    if refusal := suspension_refusal(user):
        return refusal
    if comment.deletion_date is not None:
        return "This comment is deleted."
    if comment.user_id == user.id:
        return "You can't vote for your own comment."
    allowed, reason = has_privilege(user, "vote_up")
    return "" if allowed else reason


def can_accept(user, question: Post, answer: Post, now: datetime) -> str:
    if user is None or not user.is_authenticated:
        return "Log in to accept an answer."
    if refusal := suspension_refusal(user):
        return refusal
    if answer.post_type != PostType.ANSWER or answer.parent_id != question.id:
        return "Only an answer to this question can be accepted."
    if question.owner_id is None or question.owner_id != user.id:
        return "Only the person who asked the question can accept an answer."
    if question.deletion_date is not None or answer.deletion_date is not None:
        return "Deleted posts cannot be accepted."
    if question.locked_date is not None:
        return "This question is locked."
    if answer.owner_id == user.id and now - question.creation_date < rules.SELF_ACCEPT_DELAY:
        return "You can accept your own answer 48 hours after asking the question."
    return ""


def can_offer_bounty(
    user,
    question: Post,
    amount: int,
    now: datetime,
    *,
    has_open_bounty: bool,
    open_bounties_of_user: int,
    answered_by_user: bool,
) -> str:
    return bounty_refusal(
        user,
        question,
        now,
        has_open_bounty=has_open_bounty,
        open_bounties_of_user=open_bounties_of_user,
    ) or bounty_amount_refusal(user, amount, answered_by_user)


def bounty_refusal(
    user, question, now: datetime, *, has_open_bounty: bool, open_bounties_of_user: int
) -> str:
    """Whether the user may offer a bounty on the question at all, whatever the amount."""
    if user is None or not user.is_authenticated:
        return "Log in to offer a bounty."
    if refusal := suspension_refusal(user):
        return refusal
    allowed, reason = has_privilege(user, "set_bounties")
    if not allowed:
        return reason
    if question.post_type != PostType.QUESTION or question.deletion_date is not None:
        return "Bounties can only be offered on live questions."
    if question.closed_date is not None or question.locked_date is not None:
        return "Closed or locked questions cannot have bounties."
    if now - question.creation_date < rules.BOUNTY_QUESTION_MIN_AGE:
        return "A question can have a bounty once it is 2 days old."
    if has_open_bounty:
        return "This question already has an open bounty."
    if open_bounties_of_user >= rules.BOUNTY_MAX_ACTIVE_PER_USER:
        return f"You can have at most {rules.BOUNTY_MAX_ACTIVE_PER_USER} open bounties at a time."
    return ""


def bounty_minimum(answered_by_user: bool) -> int:
    return rules.BOUNTY_MIN_IF_ANSWERED if answered_by_user else rules.BOUNTY_MIN


def bounty_amount_refusal(user, amount: int, answered_by_user: bool) -> str:
    minimum = bounty_minimum(answered_by_user)
    if not (minimum <= amount <= rules.BOUNTY_MAX) or amount % rules.BOUNTY_STEP:
        return (
            f"The bounty must be {minimum}–{rules.BOUNTY_MAX} reputation in steps of "
            f"{rules.BOUNTY_STEP}"
            + (" (at least 100 on a question you answered)." if answered_by_user else ".")
        )
    if amount >= user.reputation:
        return (
            f"You have {user.reputation:,} reputation; a {amount} bounty would leave you below 1."
        )
    return ""


def bounty_awarder_refusal(user, bounty, now: datetime) -> str:
    """Why this user may not award this bounty to any answer now, or "" when they may."""
    if user is None or not user.is_authenticated or bounty.offerer_id != user.id:
        return "Only the person who offered the bounty can award it."
    if refusal := suspension_refusal(user):
        return refusal
    if bounty.state != "open":
        return "This bounty has already been closed."
    if now > bounty.ends_at + rules.BOUNTY_GRACE:
        return "The bounty's grace period is over."
    return ""


def can_award_bounty(user, bounty, answer: Post, now: datetime) -> str:
    refusal = bounty_awarder_refusal(user, bounty, now)
    if refusal:
        return refusal
    if answer.post_type != PostType.ANSWER or answer.parent_id != bounty.question_id:
        return "Only an answer to the bountied question can receive the bounty."
    if answer.deletion_date is not None:
        return "A deleted answer cannot receive the bounty."
    if answer.owner_id == user.id:
        return "You can't award a bounty to your own answer."
    return ""

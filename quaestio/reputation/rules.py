"""The reputation rules of spec §1: amounts, the daily cap and which events it covers."""

from __future__ import annotations

from quaestio.reputation.models import Reason

QUESTION_UPVOTE = 10
ANSWER_UPVOTE = 10
POST_DOWNVOTE = -2
ANSWER_DOWNVOTE_COST = -1
ACCEPTED_ANSWER = 15
ACCEPTER = 2
SUGGESTED_EDIT = 2
SUGGESTED_EDIT_LIFETIME_CAP = 1000
ASSOCIATION_BONUS = 100
SPAM_PENALTY = -100

DAILY_CAP = 200

# Events in the capped bucket: they count toward the day's tally and gains stop at the cap.
# The voter's own answer-downvote cost and its refund also move the tally (spec §1.2, observed
# behaviour of the live counter). Accepts, bounties and the association bonus are exempt.
CAPPED = frozenset(
    {
        Reason.UPVOTE,
        Reason.DOWNVOTE,
        Reason.UNUPVOTE,
        Reason.UNDOWNVOTE,
        Reason.DOWNVOTED_ANSWER,
        Reason.UNDOWNVOTED_ANSWER,
        Reason.SUGGESTED_EDIT,
    }
)

# What reverses what, when a vote is retracted or an accept removed.
UNDO = {
    Reason.UPVOTE: Reason.UNUPVOTE,
    Reason.DOWNVOTE: Reason.UNDOWNVOTE,
    Reason.DOWNVOTED_ANSWER: Reason.UNDOWNVOTED_ANSWER,
    Reason.ACCEPT: Reason.UNACCEPT,
    Reason.ACCEPTER: Reason.UNACCEPTER,
}

# Reputation "gained or lost through votes on the post": removed when it is deleted and given
# back on undelete (spec §1.4). Bounties are not: an offered bounty is never refunded.
# Serial-voting reversals take back vote reputation on the post, so they count here too.
POST_BOUND = frozenset(set(UNDO) | set(UNDO.values()) | {Reason.REVERSAL})

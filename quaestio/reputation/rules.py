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
# The voter's own answer-downvote cost also moves the tally (spec §1.2, observed behaviour of
# the live counter). Accepts, bounties and the association bonus are exempt.
CAPPED = frozenset({Reason.UPVOTE, Reason.DOWNVOTE, Reason.DOWNVOTED_ANSWER, Reason.SUGGESTED_EDIT})

# Reputation "gained or lost through votes on the post": it stands only while the post (and, for
# an answer, its question) is not deleted, so deleting takes it away and undeleting gives it back
# (spec §1.4). Bounties are not: an offered bounty is never refunded.
POST_BOUND = frozenset(
    {Reason.UPVOTE, Reason.DOWNVOTE, Reason.DOWNVOTED_ANSWER, Reason.ACCEPT, Reason.ACCEPTER}
)

# Events with no source row of their own: `recalc-reputation` takes them from the ledger.
LEDGER_ONLY = frozenset({Reason.OPENING_BALANCE, Reason.SPAM_PENALTY, Reason.ASSOCIATION_BONUS})

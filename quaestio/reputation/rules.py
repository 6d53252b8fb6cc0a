"""The reputation rules of spec §1: amounts, the daily cap and which events it covers."""

from __future__ import annotations

from datetime import datetime

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


# Who each event moves and by how much: (user id, nominal, reason). The live services and
# `recalc-reputation` both ask here, so they cannot disagree.
Move = tuple[int | None, int, str]


def earns_from_votes(owner_id: int | None, community_owned: datetime | None, at: datetime) -> bool:
    """Votes and accepts on community wiki give nothing; what was earned before the conversion
    is kept (spec §1.4). A post without an owner earns nobody anything."""
    return owner_id is not None and (community_owned is None or at < community_owned)


def vote_moves(up: bool, on_answer: bool, owner_id: int | None, voter_id: int | None) -> list[Move]:
    """An upvote: +10 to the owner. A downvote: −2 to the owner, and −1 to the voter on an
    answer (downvotes on questions are free)."""
    if up:
        return [(owner_id, ANSWER_UPVOTE if on_answer else QUESTION_UPVOTE, Reason.UPVOTE)]
    moves: list[Move] = [(owner_id, POST_DOWNVOTE, Reason.DOWNVOTE)]
    if on_answer:
        moves.append((voter_id, ANSWER_DOWNVOTE_COST, Reason.DOWNVOTED_ANSWER))
    return moves


def accept_moves(answerer_id: int | None, asker_id: int | None) -> list[Move]:
    """+15 to the answerer, +2 to the asker; nothing for accepting your own answer."""
    if answerer_id == asker_id:
        return []
    return [(answerer_id, ACCEPTED_ANSWER, Reason.ACCEPT), (asker_id, ACCEPTER, Reason.ACCEPTER)]

"""Every write of the votes room: voting, accepting, bounties."""

from quaestio.votes.services.accepting import AcceptOutcome, answer_accept_toggle
from quaestio.votes.services.bounties import (
    bounties_close_expired,
    bounty_award,
    bounty_offer,
)
from quaestio.votes.services.voting import (
    CommentVoteOutcome,
    VoteOutcome,
    comment_vote_toggle,
    reverse_votes,
    vote_cast,
)

__all__ = [
    "AcceptOutcome",
    "CommentVoteOutcome",
    "VoteOutcome",
    "answer_accept_toggle",
    "bounties_close_expired",
    "bounty_award",
    "bounty_offer",
    "comment_vote_toggle",
    "reverse_votes",
    "vote_cast",
]

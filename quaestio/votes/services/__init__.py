"""Every write of the votes room: voting, accepting, bounties."""

from quaestio.votes.services.accepting import AcceptOutcome, accept_set
from quaestio.votes.services.bounties import (
    bounties_close_expired,
    bounty_award,
    bounty_offer,
)
from quaestio.votes.services.voting import (
    CommentVoteOutcome,
    VoteOutcome,
    comment_vote_set,
    comment_votes_withdraw_all,
    reverse_votes,
    vote_set,
    votes_of_user,
)

__all__ = [
    "AcceptOutcome",
    "CommentVoteOutcome",
    "VoteOutcome",
    "accept_set",
    "bounties_close_expired",
    "bounty_award",
    "bounty_offer",
    "comment_vote_set",
    "comment_votes_withdraw_all",
    "reverse_votes",
    "vote_set",
    "votes_of_user",
]

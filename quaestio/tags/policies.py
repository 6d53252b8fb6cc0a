"""Who may do what with tags: each `can_*` returns (allowed, reason).

Spec §2 and §5.1: suggesting a synonym needs the "suggest tag synonyms" privilege plus answer
score in the target tag (commonly 5, marked unverified there); voting on one needs that score
in the target tag; moderators decide alone and merge tags. Tag wikis (§7.9): users with the
"approve tag wiki edits" privilege review suggested wiki edits; moderators and trusted users
(20k, unverified: the spec names no direct-edit threshold) edit them without review; any other
registered user suggests an edit.
"""

from __future__ import annotations

from django.conf import settings

from quaestio.accounts.policies import suspension_refusal
from quaestio.reputation.privileges import has_privilege

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")


def synonym_tag_score() -> int:
    """Answer score in the target tag needed to propose or vote on a synonym."""
    return int(getattr(settings, "QUAESTIO_SYNONYM_TAG_SCORE", 5))


def synonym_votes_to_approve() -> int:
    """Net votes that approve a proposed synonym (Stack Exchange: 4)."""
    return max(1, int(getattr(settings, "QUAESTIO_SYNONYM_VOTES_TO_APPROVE", 4)))


def synonym_votes_to_reject() -> int:
    """Net votes against (as a positive number) that reject a proposal."""
    return max(1, int(getattr(settings, "QUAESTIO_SYNONYM_VOTES_TO_REJECT", 2)))


def _signed_in(user) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to do that."
    if refusal := suspension_refusal(user):
        return False, refusal
    return ALLOWED


def _is_moderator(user) -> bool:
    return bool(getattr(user, "is_moderator", False))


def can_set_tag_preference(user) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "Log in to watch or ignore tags."
    return ALLOWED


def can_propose_synonym(user, score_in_target: int) -> Decision:
    allowed, reason = _signed_in(user)
    if not allowed or _is_moderator(user):
        return allowed, reason
    allowed, reason = has_privilege(user, "suggest_tag_synonyms")
    if not allowed:
        return allowed, reason
    needed = synonym_tag_score()
    if score_in_target < needed:
        return False, (
            f"Suggesting a synonym needs an answer score of {needed} in the target tag; "
            f"yours is {score_in_target}."
        )
    return ALLOWED


def can_vote_synonym(user, synonym, score_in_target: int) -> Decision:
    allowed, reason = _signed_in(user)
    if not allowed:
        return allowed, reason
    if synonym.state != "proposed":
        return False, "This synonym has already been decided."
    if _is_moderator(user):
        return ALLOWED
    if synonym.proposer_id == user.id:
        return False, "Your proposal already counts as your vote."
    needed = synonym_tag_score()
    if score_in_target < needed:
        return False, (
            f"Voting on synonyms of this tag needs an answer score of {needed} in it; "
            f"yours is {score_in_target}."
        )
    return ALLOWED


def is_binding_synonym_voter(user) -> bool:
    return _is_moderator(user)


def can_merge_tags(user) -> Decision:
    allowed, reason = _signed_in(user)
    if not allowed:
        return allowed, reason
    if not _is_moderator(user):
        return False, "Only moderators can merge tags."
    return ALLOWED


def can_edit_tag_wiki(user) -> Decision:
    """Edit a tag wiki without review."""
    allowed, reason = _signed_in(user)
    if not allowed or _is_moderator(user):
        return allowed, reason
    return has_privilege(user, "trusted_user")


def can_suggest_tag_wiki_edit(user) -> Decision:
    return _signed_in(user)


def can_review_tag_wiki_edit(user) -> Decision:
    allowed, reason = _signed_in(user)
    if not allowed or _is_moderator(user):
        return allowed, reason
    return has_privilege(user, "approve_tag_wiki_edits")


def is_binding_tag_wiki_reviewer(user) -> bool:
    return _is_moderator(user)

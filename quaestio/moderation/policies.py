"""Who may vote to close or reopen, flag for closing, and close alone (spec §2, §7.2, §7.3).

Each `can_*` returns (allowed, reason). Reputation is only compared with thresholds through
`has_privilege`: "cast_close_votes" (3,000 / 500 beta) for everyone's questions,
"view_close_votes" (250) for the asker's own, "flag_posts" (15) for close flags.
"""

from __future__ import annotations

from quaestio.accounts.policies import suspension_refusal
from quaestio.badges.models import Badge, BadgeClass
from quaestio.moderation import locks, rules
from quaestio.posts.models import DUPLICATE_REASONS, CloseReason, Post, PostType
from quaestio.reputation.privileges import has_privilege, threshold

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")


def _signed_in(user) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to vote to close or reopen questions."
    if refusal := suspension_refusal(user):
        return False, refusal
    return ALLOWED


def moderators_only(user, doing: str) -> Decision:
    """Actions only moderators take (locks, post notices): `doing` completes "Only moderators …"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, f"You need to log in as a moderator to {doing}."
    if refusal := suspension_refusal(user):
        return False, refusal
    if not user.is_moderator:
        return False, f"Only moderators {doing}."
    return ALLOWED


def _question_refusal(user, question: Post) -> str:
    if question.post_type != PostType.QUESTION:
        return "Only questions can be closed or reopened."
    if question.deletion_date is not None:
        return "This question is deleted."
    if not user.is_moderator and (refusal := locks.lock_refusal(question, locks.CLOSE)):
        return refusal
    return ""


def _may_act(user, question: Post, *, closed: bool) -> Decision:
    """Signed in, a live question, and in the state the action needs (open, or closed)."""
    allowed, reason = _signed_in(user)
    if not allowed:
        return allowed, reason
    refusal = _question_refusal(user, question)
    if refusal:
        return False, refusal
    if closed and question.closed_date is None:
        return False, "This question is open; only closed questions can be reopened."
    if not closed and question.closed_date is not None:
        return False, "This question is already closed."
    return ALLOWED


def gold_badge_tags(user, question: Post) -> set[str]:
    """The question's tags in which the user holds the gold tag badge (one query)."""
    tags = question.tag_names
    if not tags or user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Badge.objects.filter(
            user_id=user.id, badge_class=BadgeClass.GOLD, tag_based=True, name__in=tags
        ).values_list("name", flat=True)
    )


def _has_dupe_hammer(user, question: Post, gold_tags: set[str] | None) -> bool:
    tags = gold_badge_tags(user, question) if gold_tags is None else gold_tags
    return bool(tags)


def _voting_privilege(user, question: Post) -> Decision:
    """The privilege side of a close or reopen vote, for any reason."""
    if user.is_moderator:
        return ALLOWED
    allowed, reason = has_privilege(user, "cast_close_votes")
    if allowed:
        return ALLOWED
    if question.owner_id is not None and question.owner_id == user.id:
        if has_privilege(user, "view_close_votes")[0]:
            return ALLOWED
        return False, (
            f"Voting to close or reopen your own question needs "
            f"{threshold('view_close_votes'):,} reputation; you have {user.reputation:,}."
        )
    return False, reason


def can_vote_to_close(
    user, question: Post, reason_code: int | None = None, gold_tags: set[str] | None = None
) -> Decision:
    """May the user cast a close vote (for this reason, when given)? A gold tag-badge holder
    below the privilege may, for a duplicate, in their tag."""
    allowed, reason = _may_act(user, question, closed=False)
    if not allowed:
        return allowed, reason
    allowed, reason = _voting_privilege(user, question)
    if allowed:
        return ALLOWED
    if _has_dupe_hammer(user, question, gold_tags):
        if reason_code is None or reason_code == CloseReason.DUPLICATE:
            return ALLOWED
        return False, (
            "Your gold tag badge lets you close questions in its tag as duplicates only. " + reason
        )
    if has_privilege(user, "flag_posts")[0]:
        reason += " You can flag the question for closing instead."
    return False, reason


def can_vote_to_reopen(user, question: Post, gold_tags: set[str] | None = None) -> Decision:
    allowed, reason = _may_act(user, question, closed=True)
    if not allowed:
        return allowed, reason
    allowed, reason = _voting_privilege(user, question)
    if allowed:
        return ALLOWED
    if question.close_reason in DUPLICATE_REASONS and _has_dupe_hammer(user, question, gold_tags):
        return ALLOWED
    return False, reason


def can_flag_to_close(user, question: Post) -> Decision:
    """Users below the close privilege raise close flags instead (they feed the close queue)."""
    allowed, reason = _may_act(user, question, closed=False)
    if not allowed:
        return allowed, reason
    if _voting_privilege(user, question)[0]:
        return False, "You can vote to close this question; a vote counts, a flag does not."
    return has_privilege(user, "flag_posts")


def is_binding(user, question: Post, reason_code: int | None, gold_tags: set[str] | None = None):
    """Does this user's vote close (or reopen) the question alone? Moderators always; a gold
    tag-badge holder for a duplicate in their tag (reopening one too)."""
    if user.is_moderator:
        return True
    duplicate = (
        reason_code == CloseReason.DUPLICATE
        if question.closed_date is None
        else question.close_reason in DUPLICATE_REASONS
    )
    return duplicate and _has_dupe_hammer(user, question, gold_tags)


def can_close_alone(user, question: Post, reason_code: int | None) -> Decision:
    """Moderators (any reason) and gold tag-badge holders (duplicates in their tag)."""
    allowed, reason = can_vote_to_close(user, question, reason_code)
    if not allowed:
        return allowed, reason
    if not is_binding(user, question, reason_code):
        return (
            False,
            "Only moderators close questions alone (or gold tag-badge holders, duplicates).",
        )
    return ALLOWED


def can_reopen_alone(user, question: Post) -> Decision:
    allowed, reason = can_vote_to_reopen(user, question)
    if not allowed:
        return allowed, reason
    if not is_binding(user, question, None):
        return (
            False,
            "Only moderators reopen questions alone (or gold tag-badge holders, duplicates).",
        )
    return ALLOWED


def can_request_reopen_review(user, question: Post, now) -> Decision:
    """The asker's edit within 5 days of the closing may put the question in the reopen
    queue (spec §7.2, issue 16): asked on the edit form, sent with the edit."""
    allowed, reason = _may_act(user, question, closed=True)
    if not allowed:
        return allowed, reason
    if question.owner_id is None or question.owner_id != user.id:
        return False, "Only the asker's edit can send the question to the reopen queue."
    if now - question.closed_date > rules.OWNER_EDIT_REOPEN_WINDOW:
        return False, "Edits more than 5 days after the closing no longer go to the reopen queue."
    return ALLOWED


def can_see_close_votes(user, question: Post) -> bool:
    """Pending close and reopen vote counts are shown from 250 reputation (spec §2)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return has_privilege(user, "view_close_votes")[0]


def can_edit_close_reasons(user) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in as a moderator to edit close reasons."
    if refusal := suspension_refusal(user):
        return False, refusal
    if not user.is_moderator:
        return False, "Only moderators can edit the site's close reasons."
    return ALLOWED


# Deletion and undeletion votes (spec §7.6)


def _post_refusal(post: Post) -> str:
    if post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return "Only questions and answers can be deleted."
    if post.locked_date is not None:
        return "This post is locked; it cannot be deleted or undeleted."
    return ""


def _question_of(post: Post) -> Post | None:
    return post if post.post_type == PostType.QUESTION else post.parent


def can_vote_to_delete(user, post: Post, now) -> Decision:
    """Delete votes: 10k users (2k beta) on questions closed 48 hours or more; 20k (4k beta)
    on questions closed less than 48 hours with score -3 or less, and on answers scored -1 or
    less (an accepted answer of someone else's question too). Moderators delete alone."""
    allowed, reason = _signed_in(user)
    if not allowed:
        return allowed, reason
    if post.deletion_date is not None:
        return False, "This post is already deleted."
    if user.is_moderator:
        return ALLOWED
    refusal = _post_refusal(post)
    if refusal:
        return False, refusal
    if post.post_type == PostType.ANSWER:
        if post.parent is not None and post.parent.deletion_date is not None:
            return False, "This answer's question is deleted."
        if post.score > rules.ANSWER_DELETE_MAX_SCORE:
            return False, "Answers take delete votes only at a score of -1 or less."
        return has_privilege(user, "trusted_user")
    if post.closed_date is None:
        return False, "Only closed questions take delete votes."
    if now - post.closed_date >= rules.DELETE_AFTER_CLOSING:
        return has_privilege(user, "moderator_tools")
    if post.score > rules.EARLY_DELETE_MAX_SCORE:
        return False, (
            "A question closed less than 48 hours ago takes delete votes only at a score of "
            "-3 or less."
        )
    return has_privilege(user, "trusted_user")


def can_vote_to_undelete(user, post: Post) -> Decision:
    """Undelete votes need the privilege the delete votes needed (the owner's vote counts too,
    when they hold it); moderators undelete alone."""
    allowed, reason = _signed_in(user)
    if not allowed:
        return allowed, reason
    if post.deletion_date is None:
        return False, "This post is not deleted."
    if user.is_moderator:
        return ALLOWED
    refusal = _post_refusal(post)
    if refusal:
        return False, refusal
    question = _question_of(post)
    if post.post_type == PostType.ANSWER and question is not None and question.deletion_date:
        return False, "This answer's question is deleted; undelete the question first."
    if post.post_type == PostType.ANSWER:
        return has_privilege(user, "trusted_user")
    return has_privilege(user, "moderator_tools")


def can_see_deleted(user, post: Post) -> bool:
    """Deleted posts are visible to their owner and to users with the moderator tools (10k);
    an answer of a deleted question is deleted with it (spec §7.6)."""
    from quaestio.search.policies import can_see_deleted_posts

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return post.owner_id == user.id or can_see_deleted_posts(user)


def can_use_moderator_tools(user) -> Decision:
    """/tools: recent deletions and pending close and delete votes (10k, 2k beta)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "The moderator tools need an account; log in."
    return has_privilege(user, "moderator_tools")


# Flags (spec §2: 15 reputation; §7.8)


def _flagger(user) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to flag."
    if refusal := suspension_refusal(user):  # deactivated or suspended: no flags either
        return False, refusal
    return has_privilege(user, "flag_posts")


def can_flag_post(user, post) -> Decision:
    """15 reputation (moderators always), a live question or answer that no lock shields
    from flags. Reads only the post (and a locked post's lock row, kept on the instance), so
    the question page decides every post of a thread without a query."""
    allowed, reason = _flagger(user)
    if not allowed:
        return allowed, reason
    if post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return False, "Only questions and answers can be flagged."
    if post.deletion_date is not None:
        return False, "This post is deleted."
    if not user.is_moderator and (refusal := locks.lock_refusal(post, locks.FLAG)):
        return False, refusal
    return ALLOWED


def can_flag_comment(user, comment, post=None) -> Decision:
    """15 reputation, a live comment that is not the flagger's own, on a live post."""
    allowed, reason = _flagger(user)
    if not allowed:
        return allowed, reason
    if comment.deletion_date is not None:
        return False, "This comment was deleted."
    if comment.user_id == user.id:
        return False, "You cannot flag your own comment; edit or delete it instead."
    if post is not None and post.deletion_date is not None:
        return False, "This comment's post is deleted."
    return ALLOWED


def can_handle_flags(user) -> Decision:
    """The flag dashboard (/admin) and handling flags: moderators only."""
    return moderators_only(user, "handle flags")


def can_see_flag_history(viewer, user_id: int) -> Decision:
    """A user's flags are seen by that user and by moderators."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False, "You need to log in to see your flags."
    if viewer.id == user_id or viewer.is_moderator:
        return ALLOWED
    return False, "Only this user and moderators can see their flags."


def can_manage_spam_defence(user) -> Decision:
    """The blocklist (/admin/blocklist) and the posts it held (/admin/held): moderators only."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in as a moderator to manage the spam defence."
    if not user.is_moderator:
        return False, "Only moderators can manage the blocklist and the posts it held."
    return ALLOWED

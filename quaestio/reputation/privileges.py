"""The privileges table of spec §2: who may do what, from reputation.

Thresholds come in two sets, "full" (graduated sites) and "beta" (public beta and small sites),
picked by `settings.QUAESTIO_PRIVILEGE_SET`. Policies ask `has_privilege`; nothing else compares
reputation with a number, so a site changes a rule here and everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Privilege:
    name: str
    description: str  # completes "… needs N reputation", e.g. "Commenting on others' posts"
    beta: int
    full: int
    moderator_exempt: bool = True  # moderators hold every privilege except purely rep-based ones


_TABLE = [
    Privilege("create_posts", "Posting", 1, 1),
    Privilege("participate_in_meta", "Taking part in meta", 5, 5),
    Privilege("create_wiki_posts", "Creating community wiki answers", 10, 10),
    Privilege(
        "remove_new_user_restrictions",
        "Posting images, more links, and answering protected questions",
        10,
        10,
    ),
    Privilege("vote_up", "Voting up", 15, 15),
    Privilege("flag_posts", "Flagging posts", 15, 15),
    Privilege("self_answer_at_ask", "Answering your own question while asking it", 15, 15),
    Privilege("talk_in_chat", "Talking in chat", 20, 20),
    Privilege("comment_everywhere", "Commenting on others' posts", 50, 50),
    Privilege("vote_citation_needed", "Voting that an answer needs citations", 50, 50),
    Privilege("set_bounties", "Setting bounties", 75, 75),
    Privilege("edit_community_wiki", "Editing community wiki posts", 100, 100),
    Privilege("create_chat_rooms", "Creating chat rooms", 100, 100),
    Privilege("vote_down", "Voting down", 125, 125),
    Privilege("create_tags", "Creating new tags", 150, 300),
    Privilege("vote_in_elections", "Voting in moderator elections", 150, 150),
    Privilege("association_bonus", "The association bonus", 200, 200, moderator_exempt=False),
    Privilege("reduced_ads", "Reduced ads", 200, 200, moderator_exempt=False),
    Privilege("reputation_leagues", "Reputation leagues", 201, 201, moderator_exempt=False),
    Privilege("view_close_votes", "Seeing close votes", 250, 250),
    Privilege("run_for_moderator", "Running for moderator", 300, 300, moderator_exempt=False),
    Privilege("access_review_queues", "Reviewing first posts and late answers", 350, 500),
    Privilege("established_user", "Seeing vote counts", 750, 1000),
    Privilege("create_gallery_chat_rooms", "Creating gallery chat rooms", 1000, 1000),
    Privilege("edit_posts", "Editing others' posts without review", 1000, 2000),
    Privilege("review_suggested_edits", "Reviewing suggested edits", 1000, 2000),
    Privilege("review_low_quality_posts", "Reviewing low-quality posts", 1000, 2000),
    Privilege("trusted_downvote", "Downvoting without the comment prompt", 2000, 2000),
    Privilege("suggest_tag_synonyms", "Suggesting tag synonyms", 1250, 2500),
    Privilege("cast_close_votes", "Voting to close and reopen", 500, 3000),
    Privilege("approve_tag_wiki_edits", "Approving tag wiki edits", 1500, 5000),
    Privilege("moderator_tools", "Using the moderator tools", 2000, 10000),
    Privilege("fewer_captchas", "Fewer captchas", 2000, 10000),
    Privilege("protect_questions", "Protecting questions", 3500, 15000),
    Privilege("trusted_user", "Trusted-user deletion powers", 4000, 20000),
    Privilege("site_analytics", "Seeing site analytics", 5000, 25000),
]

PRIVILEGES: dict[str, Privilege] = {privilege.name: privilege for privilege in _TABLE}
PRIVILEGE_SETS = ("beta", "full")


def privilege_set() -> str:
    chosen = getattr(settings, "QUAESTIO_PRIVILEGE_SET", "full")
    return chosen if chosen in PRIVILEGE_SETS else "full"


def threshold(name: str) -> int:
    """The reputation a privilege needs on this site."""
    privilege = PRIVILEGES[name]
    return privilege.beta if privilege_set() == "beta" else privilege.full


def has_privilege(user, name: str) -> tuple[bool, str]:
    """(allowed, reason): the reason says what is missing, ready to show to the user."""
    privilege = PRIVILEGES[name]
    if user is None or not getattr(user, "is_authenticated", False):
        return False, f"{privilege.description} needs an account; log in or sign up."
    if privilege.moderator_exempt and getattr(user, "is_moderator", False):
        return True, ""
    needed = threshold(name)
    if user.reputation >= needed:
        return True, ""
    return False, (
        f"{privilege.description} needs {needed:,} reputation; you have {user.reputation:,}."
    )


@dataclass(frozen=True)
class LadderStep:
    privilege: Privilege
    reputation: int
    held: bool | None  # None for an anonymous viewer
    missing: int  # reputation still needed (0 when held)


def privilege_ladder(user) -> list[LadderStep]:
    """Every privilege of this site's set, lowest first, with what the viewer holds."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    steps = []
    for privilege in sorted(_TABLE, key=lambda p: (threshold(p.name), p.description)):
        needed = threshold(privilege.name)
        held = has_privilege(user, privilege.name)[0] if signed_in else None
        missing = 0 if not signed_in or held else max(0, needed - user.reputation)
        steps.append(LadderStep(privilege, needed, held, missing))
    return steps

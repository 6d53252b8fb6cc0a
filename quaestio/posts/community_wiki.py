"""Community wiki (spec §5.3): making a post community wiki, and who edited it.

A post becomes community wiki when its author ticks the box on the answer form or the edit
form, when a moderator converts it, or, as an answer, when its question is community wiki
(a site setting, on by default). From then on:

* votes and accepts give and take no reputation (reputation.rules.earns_from_votes compares
  each vote's date with `community_owned_date`, live and in `recalc-reputation` alike);
* users with 100 reputation edit it without review (posts.policies.can_edit);
* the page shows "Community wiki" and how many people edited it instead of the owner's card.

The conversion sets `community_owned_date` (the dump's CommunityOwnedDate, the API's
community_owned_date) and writes PostHistory type 16 ("Community Owned") as the dump does.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quaestio.posts import policies
from quaestio.posts.events import announce_post_written
from quaestio.posts.models import Post, PostHistory, PostHistoryType
from quaestio.posts.revising import history_row, locked_post, new_guid, require

# The history rows of the people who wrote the post's text: the original, edits, rollbacks.
CONTENT_TYPES = tuple(range(1, 10))


def answers_of_wiki_question_are_wiki() -> bool:
    return bool(getattr(settings, "QUAESTIO_WIKI_QUESTION_ANSWERS_ARE_WIKI", True))


def convert(post: Post, user, now: datetime, guid: str = "") -> PostHistory:
    """Make a post community wiki: the caller holds its row lock and checked the policy (or a
    rule converts it). `guid`: the revision the conversion belongs to (an answer posted or
    edited with the box ticked), so the history shows one event."""
    post.community_owned_date = now
    Post.objects.filter(id=post.id).update(community_owned_date=now)
    row = history_row(post, PostHistoryType.COMMUNITY_OWNED, guid or new_guid(), user, now, "")
    row.user_display_name = getattr(user, "display_name", "") or ""
    row.save()
    announce_post_written(post.id, "edit")  # search's wiki: filter, the API's cache
    return row


def post_make_community_wiki(user, post_id: int, now: datetime | None = None) -> Post:
    """The author's (answers) or a moderator's (any post) conversion from the post's own page;
    a moderator's is written to the audit log. Converting a wiki post again is refused."""
    from quaestio.moderation.audit import record_moderator_action

    with transaction.atomic():
        post = locked_post(post_id)
        now = now or timezone.now()
        require(policies.can_make_community_wiki(user, post))
        convert(post, user, now)
        if user.is_moderator and post.owner_id != user.id:
            record_moderator_action(user, "community_wiki", post_id=post.id, at=now)
    return post

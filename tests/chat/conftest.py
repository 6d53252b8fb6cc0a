"""A room made the way the site makes one: a moderator moves a post's comments out."""

from __future__ import annotations

import pytest


@pytest.fixture
def room(ask, make_user):
    from quaestio.comments.services import comment_add
    from quaestio.moderation.post_tools import comments_move_to_chat

    asker = make_user(reputation=500, name="Asker Person")
    question = ask(user=asker)
    commenter = make_user(reputation=100, name="Commenter Zed")
    comment_add(commenter, question.id, "A first comment that will be moved to the room.")
    moderator = make_user(reputation=1, name="Mod Erator", is_moderator=True)
    outcome = comments_move_to_chat(moderator, question.id)
    outcome.room.question = question
    outcome.room.commenter = commenter
    outcome.room.asker = asker
    return outcome.room

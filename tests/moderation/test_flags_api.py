"""Flags through the API: the options a post or comment takes, and flagging with a write
token through the same services (the sixth spam flag deletes the post here too)."""

from __future__ import annotations

import pytest

from quaestio.api.services import token_create
from quaestio.moderation.models import Flag
from quaestio.posts.models import Post
from tests.moderation.flag_support import author, comment_on, flaggers
from tests.moderation.support import question, user
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db


def _token(who) -> str:
    return token_create(who, name="bot", scopes=["write_access", "no_expiry"])[1]


def test_options_for_a_question_an_answer_and_a_comment(api):
    q = question(user(10))
    a = make_answer(q, user(10))
    c = comment_on(q)
    flagger = user(15)
    token = _token(flagger)
    _, body = api.get(f"questions/{q.id}/flags/options", access_token=token)
    titles = [o["title"] for o in body["items"]]
    assert "Spam" in titles and "Not an answer" not in titles
    assert next(o for o in body["items"] if o["option_id"] == 6)["requires_comment"] is True
    _, body = api.get(f"answers/{a.id}/flags/options", access_token=token)
    assert "Not an answer" in [o["title"] for o in body["items"]]
    _, body = api.get(f"comments/{c.id}/flags/options", access_token=token)
    assert [o["option_id"] for o in body["items"]] == [11, 12, 13, 14]


def test_flag_add_and_has_flagged(api):
    q = question(user(10))
    token = _token(user(15))
    response, body = api.post(f"questions/{q.id}/flags/add", option_id="1", access_token=token)
    assert response.status_code == 200, body
    assert Flag.objects.get(post=q).kind == "spam"
    _, body = api.get(f"questions/{q.id}/flags/options", access_token=token)
    assert [o["option_id"] for o in body["items"] if o["has_flagged"]] == [1]


def test_refusals_are_api_errors_and_change_nothing(api):
    q = question(user(10))
    response, body = api.post(
        f"questions/{q.id}/flags/add", option_id="1", access_token=_token(user(1))
    )
    assert response.status_code >= 400 and "15 reputation" in body["error_message"]
    response, body = api.post(
        f"questions/{q.id}/flags/add", option_id="99", access_token=_token(user(15))
    )
    assert response.status_code == 400 and body["error_name"] == "bad_parameter"
    assert not Flag.objects.exists()


def test_six_spam_flags_through_the_api_delete_the_post(api):
    q = question(author(150))
    for flagger in flaggers(6):
        api.post(f"questions/{q.id}/flags/add", option_id="1", access_token=_token(flagger))
    assert Post.objects.get(id=q.id).deletion_date is not None

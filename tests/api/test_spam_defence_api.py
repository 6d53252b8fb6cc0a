"""The API's write methods go through the same spam defence as the web pages (issue 17)."""

from __future__ import annotations

import pytest

from quaestio.api.services import token_create
from quaestio.moderation.blocklist_edits import PatternForm, pattern_save
from quaestio.moderation.models import HeldPost
from quaestio.posts.models import Post
from quaestio.tags.models import Tag

pytestmark = pytest.mark.django_db
TITLE = "Which roads did Trotsky take from Tampico to Mexico City?"
BODY = "I have read he arrived by tanker in 1937; how did he travel on from the port?"


@pytest.fixture
def token(make_user):
    Tag.objects.create(name="soviet-union")
    _, secret = token_create(make_user(reputation=1000), name="bot", scopes=["write_access"])
    return secret


@pytest.fixture
def listed(make_user):
    moderator = make_user(is_moderator=True)

    def add(pattern, action):
        pattern_save(moderator, PatternForm("body", pattern, action, "No pills here."))

    return add


def test_api_question_matching_a_refusing_pattern_is_refused(api, token, listed):
    """questions/add with a refused body: an error with the pattern's message, nothing kept."""
    listed(r"cheap\s+pills", "refuse")
    response, body = api.post(
        "questions/add",
        title=TITLE,
        body=BODY + " Cheap pills!",
        tags="soviet-union",
        access_token=token,
    )
    assert response.status_code == 400, body
    assert body["error_message"] == "No pills here."
    assert not Post.objects.exists()


def test_api_question_matching_a_holding_pattern_is_kept_but_held(api, token, listed):
    listed(r"cheap\s+pills", "hold")
    response, body = api.post(
        "questions/add",
        title=TITLE,
        body=BODY + " Cheap pills!",
        tags="soviet-union",
        access_token=token,
    )
    assert response.status_code == 200, body
    post = Post.objects.get()
    assert post.deletion_date is not None
    assert HeldPost.objects.filter(post=post, state="pending").exists()

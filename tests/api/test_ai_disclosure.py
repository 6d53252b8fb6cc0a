"""The API's write methods take `ai_use` and its post objects give `ai_disclosure` (issue 19
point 4): the same policy as the web forms, documented in the OpenAPI document."""

from __future__ import annotations

import pytest

from quaestio.accounts.models import User
from quaestio.api.services import token_create
from quaestio.posts.models import Post

pytestmark = pytest.mark.django_db
ANSWER_TEXT = "Because the archives opened in 1991 show the order came from the top."
ATTRIBUTED = ANSWER_TEXT + "\n\nAI: Claude summarised the archive catalogue for me."


@pytest.fixture
def writer(demo):
    user = User.objects.get(id=101)
    _, secret = token_create(user, name="bot", scopes=["write_access", "no_expiry"])
    return secret


def _with_disclosure(api, kind: str) -> str:
    _, created = api.get("filters/create", include=f"{kind}.ai_disclosure")
    return created["items"][0]["filter"]


def test_answer_with_disclosure_is_stored_and_returned(api, writer):
    """answers/add with ai_use=content and an attribution line stores it; a filter that
    includes answer.ai_disclosure returns it; the default filter leaves it out."""
    name = _with_disclosure(api, "answer")
    response, body = api.post(
        "questions/38738/answers/add",
        body=ATTRIBUTED,
        ai_use="content",
        filter=name,
        access_token=writer,
    )
    assert response.status_code == 200, body
    item = body["items"][0]
    assert item["ai_disclosure"] == "content"
    assert Post.objects.get(id=item["answer_id"]).ai_disclosure == "content"
    _, default = api.get(f"answers/{item['answer_id']}")
    assert "ai_disclosure" not in default["items"][0]


def test_omitted_disclosure_is_undeclared_and_imported_posts_are_null(api, writer):
    """Without ai_use nothing is declared: the field is left out (Stack Exchange's way with
    null values), as on the seed's imported posts, rather than "none"."""
    name = _with_disclosure(api, "answer")
    _, body = api.post(
        "questions/38738/answers/add", body=ANSWER_TEXT, filter=name, access_token=writer
    )
    assert "ai_disclosure" not in body["items"][0]
    question_filter = _with_disclosure(api, "question")
    _, seed = api.get("questions/38738", filter=question_filter)
    assert "ai_disclosure" not in seed["items"][0]


def test_policy_refusals_change_nothing(api, writer, settings):
    """Unattributed content, a forged value, and (banned) any content are write_failed with the
    policy's reason; an edit can change the disclosure."""
    before = Post.objects.count()
    for value, text in (("content", ANSWER_TEXT), ("robot", ANSWER_TEXT)):
        response, body = api.post(
            "questions/38738/answers/add", body=text, ai_use=value, access_token=writer
        )
        assert response.status_code == 400 and body["error_name"] == "write_failed"
    settings.QUAESTIO_AI_POLICY = "banned"
    response, body = api.post(
        "questions/38738/answers/add", body=ATTRIBUTED, ai_use="content", access_token=writer
    )
    assert response.status_code == 400 and "does not allow" in body["error_message"]
    assert Post.objects.count() == before
    _, added = api.post(
        "questions/38738/answers/add", body=ANSWER_TEXT, ai_use="language", access_token=writer
    )
    answer_id = added["items"][0]["answer_id"]
    response, _ = api.post(f"answers/{answer_id}/edit", ai_use="none", access_token=writer)
    assert response.status_code == 200
    assert Post.objects.get(id=answer_id).ai_disclosure == "none"


def test_openapi_documents_the_parameter_and_field(api, demo):
    _, document = api.get("openapi.json")
    text = str(document)
    assert "ai_use" in text and "ai_disclosure" in text

"""The API's closing fields on questions and /questions/{id}/close/options."""

from __future__ import annotations

import pytest

from quaestio.moderation import services
from tests.moderation.support import question, user, voters

pytestmark = pytest.mark.django_db


def test_closed_question_reports_date_reason_and_details(api):
    """closed_date and closed_reason by default; closed_details (asked for by a filter) holds
    the reason, its description, the closers and the original questions."""
    original = question(user(10), title="How did Caesar bridge the Rhine?")
    q = question(user(10))
    team = voters(3)
    for voter in team:
        services.close_vote_cast(voter, q.id, "duplicate", originals=[original.id])
    _, plain = api.get(f"questions/{q.id}")
    item = plain["items"][0]
    assert item["closed_reason"] == "Duplicate" and isinstance(item["closed_date"], int)
    assert "closed_details" not in item
    _, created = api.get("filters/create", include="question.closed_details")
    _, body = api.get(f"questions/{q.id}", filter=created["items"][0]["filter"])
    details = body["items"][0]["closed_details"]
    assert details["reason"] == "Duplicate" and details["on_hold"] is False
    assert details["description"].startswith("<p>This question has been asked before")
    assert [u["user_id"] for u in details["by_users"]] == [v.id for v in team]
    assert details["original_questions"] == [
        {
            "question_id": original.id,
            "title": "How did Caesar bridge the Rhine?",
            "answer_count": 0,
        }
    ]
    _, open_one = api.get(f"questions/{original.id}", filter=created["items"][0]["filter"])
    assert "closed_details" not in open_one["items"][0]
    assert "closed_date" not in open_one["items"][0]


def test_closed_reason_uses_the_2019_names(api):
    """A question closed as needing focus reports "Needs more focus"."""
    q = question(user(10))
    services.question_close(user(1, is_moderator=True), q.id, "needs_focus")
    _, body = api.get(f"questions/{q.id}")
    assert body["items"][0]["closed_reason"] == "Needs more focus"


def test_close_options_list_the_reasons_with_their_votes(api):
    """close/options lists Duplicate (needing a question id), the 2019 reasons and the site's
    reasons under a community-specific option, with the standing votes for each."""
    q = question(user(10))
    services.close_vote_cast(user(3000), q.id, "opinion_based")
    response, body = api.get(f"questions/{q.id}/close/options")
    assert response.status_code == 200
    titles = [o["title"] for o in body["items"]]
    assert titles[:4] == [
        "Duplicate",
        "Needs details or clarity",
        "Needs more focus",
        "Opinion-based",
    ]
    assert body["items"][0]["requires_question_id"] is True
    assert {o["title"]: o["count"] for o in body["items"]}["Opinion-based"] == 1
    community = body["items"][-1]
    assert community["title"] == "A community-specific reason" and community["sub_options"]
    _, missing = api.get("questions/999999999/close/options")
    assert missing["items"] == []


def test_close_and_reopen_vote_counts(api):
    """close_vote_count (asked for by a filter) gives the standing votes, flags excluded."""
    q = question(user(10))
    services.close_vote_cast(user(3000), q.id, "needs_focus")
    services.close_flag_raise(user(20), q.id, "needs_focus")
    _, created = api.get(
        "filters/create", include="question.close_vote_count;question.reopen_vote_count"
    )
    _, body = api.get(f"questions/{q.id}", filter=created["items"][0]["filter"])
    item = body["items"][0]
    assert (item["close_vote_count"], item["reopen_vote_count"]) == (1, 0)


def test_can_close_for_an_authenticated_caller(api):
    """`can_close` (asked for by a filter) says whether the caller may vote to close each
    question now, from the close policy and the vote limits: an open question yes, a closed one
    no, one whose close vote the caller retracted no, and a 1k caller nowhere. An anonymous
    caller gets no can_close at all."""
    from quaestio.api.services import token_create

    open_q, closed_q, retracted_q = question(user(10)), question(user(10)), question(user(10))
    services.question_close(user(1, is_moderator=True), closed_q.id, "needs_focus")
    closer = user(3000)
    services.close_vote_cast(closer, retracted_q.id, "needs_focus")
    services.close_vote_retract(closer, retracted_q.id)
    _, created = api.get("filters/create", include="question.can_close")
    ids = f"{open_q.id};{closed_q.id};{retracted_q.id}"

    def can_close(who) -> dict:
        params = {"filter": created["items"][0]["filter"]}
        if who is not None:
            params["access_token"] = token_create(who, name="t", scopes=["no_expiry"])[1]
        _, body = api.get(f"questions/{ids}", **params)
        return {item["question_id"]: item.get("can_close") for item in body["items"]}

    assert can_close(closer) == {open_q.id: True, closed_q.id: False, retracted_q.id: False}
    assert set(can_close(user(1000)).values()) == {False}
    assert set(can_close(None).values()) == {None}

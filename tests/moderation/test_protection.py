"""Protected questions (spec §7.4): who protects, who may then answer (reputation earned on
this site, the association bonus excluded), Community's automatic protection, history, forms."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from quaestio.core.errors import PermissionDenied
from quaestio.moderation import protection
from quaestio.moderation.post_states import post_states
from quaestio.posts import policies as post_policies
from quaestio.posts.models import Post, PostHistoryType
from quaestio.reputation.models import Reason, ReputationChange
from tests.moderation.states_support import (
    answer,
    community,
    fresh,
    history,
    import_states_dump,
    logged_in,
    moderator,
    queries,
)
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db
PROTECTED, UNPROTECTED = PostHistoryType.QUESTION_PROTECTED, PostHistoryType.QUESTION_UNPROTECTED


def test_15k_user_protects_and_unprotects_with_history_rows():
    protector = user(15_000)
    q = question(user(10))
    assert protection.question_protect(protector, q.id).action == "protected"
    assert protection.question_protect(protector, q.id).action == "unchanged"
    (row,) = history(q, PROTECTED)
    assert json.loads(row.text)["Voters"] == [
        {"Id": protector.id, "DisplayName": protector.display_name}
    ]
    assert fresh(q).protected_date is not None
    assert protection.question_unprotect(protector, q.id).action == "unprotected"
    assert protection.question_unprotect(protector, q.id).action == "unchanged"
    assert len(history(q, UNPROTECTED)) == 1 and fresh(q).protected_date is None


def test_below_the_privilege_is_refused_and_nothing_changes():
    q = question(user(10))
    with pytest.raises(PermissionDenied, match="15,000 reputation"):
        protection.question_protect(user(14_999), q.id)
    assert fresh(q).protected_date is None and not history(q, PROTECTED)


@override_settings(QUAESTIO_PRIVILEGE_SET="beta")
def test_beta_sites_protect_at_3500():
    q = question(user(10))
    assert protection.question_protect(user(3_500), q.id).action == "protected"


def test_questions_younger_than_a_day_cannot_be_protected():
    q = question(user(10))
    Post.objects.filter(id=q.id).update(creation_date=timezone.now() - timedelta(hours=20))
    with pytest.raises(PermissionDenied, match="a day old"):
        protection.question_protect(user(15_000), q.id)
    assert protection.question_protect(moderator(), q.id).action == "protected"


def test_answering_needs_10_reputation_earned_on_this_site():
    """On a protected question 10 reputation earned here lets one answer; a user whose 100
    comes from the association bonus is refused, with the reason."""
    q = question(user(10))
    protection.question_protect(user(15_000), q.id)
    q = fresh(q)
    assert post_policies.may_answer(user(10), q) == (True, "")
    newcomer = user(101)
    ReputationChange.objects.create(
        user=newcomer, amount=100, nominal=100, reason=Reason.ASSOCIATION_BONUS
    )
    allowed, reason = post_policies.may_answer(newcomer, q)
    assert not allowed
    assert "association bonus does not count" in reason and "you have 1." in reason
    assert "you have 5." in post_policies.may_answer(user(5), q)[1]
    assert post_states([q], newcomer)[q.id].answer_refusal == reason
    assert post_states([q], user(10))[q.id].answer_refusal == ""


def test_community_protects_after_three_deleted_new_user_answers():
    bot = community()
    q = question(user(10))
    for _ in range(3):
        answer(q, user(1), deletion_date=timezone.now() - timedelta(hours=2))
    assert protection.auto_protect_sweep() == 1
    (row,) = history(q, PROTECTED)
    assert row.user_id == bot.id and fresh(q).protected_date is not None
    assert protection.auto_protect_sweep() == 0


def test_community_protects_after_five_non_positive_new_user_answers_in_a_day():
    community()
    q = question(user(10))
    other = question(user(10))
    for _ in range(5):
        answer(q, user(1), score=0)
    for _ in range(4):
        answer(other, user(1), score=-1)
    answer(other, user(1), score=1)  # positive: does not count
    answer(other, user(50), score=0)  # not a new user
    old = timezone.now() - timedelta(days=2)
    answer(other, user(1), score=0, creation_date=old)  # outside the 24 hours
    assert protection.auto_protect_sweep() == 1
    assert fresh(q).protected_date is not None and fresh(other).protected_date is None


def test_imported_protection_shows(tmp_path):
    """A dump's type 19 row protects the question: the notice shows, new users are refused."""
    import_states_dump(tmp_path)
    q = Post.objects.get(id=1)
    assert q.protected_date is not None
    state = post_states([q], user(1))[1]
    assert state.protection is not None and "Highly active question" in state.protection.text
    assert "protected" in protection.answer_refusal(user(1), q)


# The forms


def test_protect_form_protects_and_unprotects():
    q = question(user(10))
    client = logged_in(user(15_000))
    assert "Protect" in client.get(f"/questions/{q.id}/protect").content.decode()
    assert client.post(f"/questions/{q.id}/protect").status_code == 302
    assert fresh(q).protected_date is not None
    assert client.post(f"/questions/{q.id}/unprotect").status_code == 302
    assert fresh(q).protected_date is None


def test_protect_form_refuses_forged_and_unprivileged_posts():
    q = question(user(10))
    assert logged_in(user(15_000), csrf=True).post(f"/questions/{q.id}/protect").status_code == 403
    refused = logged_in(user(100)).post(f"/questions/{q.id}/protect")
    assert refused.status_code == 403 and "15,000 reputation" in refused.content.decode()
    page = logged_in(user(100)).get(f"/questions/{q.id}/protect")
    assert page.status_code == 403 and '<form method="post">' not in page.content.decode()
    assert fresh(q).protected_date is None and not history(q, PROTECTED)


def test_protect_route_is_not_taken_by_the_question_route():
    """/questions/<id>/protect is the form, not the question page with the slug "protect"."""
    q = question(user(10))
    response = logged_in(user(15_000)).get(f"/questions/{q.id}/protect")
    assert response.status_code == 200 and "Protect this question" in response.content.decode()


def test_answers_cannot_be_protected():
    q = question(user(10))
    a = answer(q, user(10))
    assert logged_in(user(15_000)).get(f"/questions/{a.id}/protect").status_code == 404


def test_post_states_asks_the_viewer_s_bonus_once_for_many_protected_questions():
    """A list of protected questions costs the same queries for two as for six."""
    protector = user(15_000)
    questions = [question(user(10)) for _ in range(6)]
    for q in questions:
        protection.question_protect(protector, q.id)
    questions = [fresh(q) for q in questions]
    assert queries(lambda: post_states(questions[:2], user(500))) == queries(
        lambda: post_states(questions, user(500))
    )

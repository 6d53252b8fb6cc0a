"""The voting endpoints and pages: plain form posts redirect back, JSON posts get the state."""

from __future__ import annotations

import pytest
from django.test import Client

from quaestio.comments.models import Comment
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason
from quaestio.votes.models import Vote
from quaestio.votes.services import bounty_offer
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter_client():
    voter = make_user(200)
    client = Client()
    client.force_login(voter)
    return voter, client


def test_vote_without_javascript_redirects_back(voter_client):
    """A plain form post votes and redirects to the page it came from."""
    _voter, client = voter_client
    question = make_question(make_user(1))
    referer = f"http://testserver/questions/{question.id}/x"
    response = client.post(f"/posts/{question.id}/vote/up", HTTP_REFERER=referer)
    assert response.status_code == 302 and response["Location"] == referer
    assert Vote.objects.filter(post=question, vote_type=2).count() == 1


def test_vote_redirect_ignores_foreign_referer(voter_client):
    """The redirect never leaves the site."""
    _voter, client = voter_client
    question = make_question(make_user(1))
    response = client.post(f"/posts/{question.id}/vote/up", HTTP_REFERER="https://evil.example/")
    assert response["Location"] == f"/q/{question.id}"


def test_vote_with_json_returns_score_and_state(voter_client):
    """With Accept: application/json the endpoint answers with the new score and vote."""
    _voter, client = voter_client
    question = make_question(make_user(1))
    response = client.post(f"/posts/{question.id}/vote/up", HTTP_ACCEPT="application/json")
    assert response.json() == {
        "post_id": question.id,
        "score": 1,
        "vote": "up",
        "action": "cast",
    }
    response = client.post(f"/posts/{question.id}/vote/up", HTTP_ACCEPT="application/json")
    assert response.json()["vote"] is None and response.json()["score"] == 0


def test_vote_form_with_intent_cannot_undo_itself_when_sent_twice(voter_client):
    """A form that says intent=up, posted twice (a retry, a double click), leaves one upvote;
    intent=none retracts, twice is still no vote; intent=down switches."""
    _voter, client = voter_client
    question = make_question(make_user(1))
    url = f"/posts/{question.id}/vote/up"
    first = client.post(url, {"intent": "up"}, HTTP_ACCEPT="application/json").json()
    again = client.post(url, {"intent": "up"}, HTTP_ACCEPT="application/json").json()
    assert (first["action"], again["action"], again["vote"], again["score"]) == (
        "cast",
        "unchanged",
        "up",
        1,
    )
    for expected in ("retracted", "unchanged"):
        body = client.post(url, {"intent": "none"}, HTTP_ACCEPT="application/json").json()
        assert (body["action"], body["vote"], body["score"]) == (expected, None, 0)
    body = client.post(url, {"intent": "down"}, HTTP_ACCEPT="application/json").json()
    assert (body["action"], body["vote"]) == ("cast", "down")
    assert Vote.objects.filter(post=question).count() == 1


def test_unknown_intent_is_a_clear_error(voter_client):
    """intent=sideways is refused with the accepted values and writes nothing."""
    _voter, client = voter_client
    question = make_question(make_user(1))
    response = client.post(
        f"/posts/{question.id}/vote/up", {"intent": "sideways"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "up, down, none" in response.json()["error"]
    assert not Vote.objects.exists()


def test_refused_vote_gives_json_error_and_changes_nothing():
    """A refused vote answers 403 with the reason; nothing is written."""
    owner = make_user(500)
    question = make_question(owner)
    client = Client()
    client.force_login(owner)
    response = client.post(f"/posts/{question.id}/vote/up", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and "own post" in response.json()["error"]
    response = client.post(f"/posts/{question.id}/vote/up")
    assert response.status_code == 403 and b"own post" in response.content
    assert not Vote.objects.exists()


def test_anonymous_vote_asks_to_log_in():
    """Anonymous voters get 401 (JSON) or a redirect to the login page."""
    question = make_question(make_user(1))
    client = Client()
    response = client.post(f"/posts/{question.id}/vote/up", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    response = client.post(f"/posts/{question.id}/vote/up")
    assert response.status_code == 302 and response["Location"].startswith("/users/login")


def test_anonymous_reader_vote_buttons_lead_to_login_and_back():
    """A visitor's vote buttons are GET forms to the login page that return to the post, so the
    page mints no CSRF secret for someone who cannot vote; a signed-in reader's post the vote."""
    question = make_question(make_user(1))
    answer = make_answer(question, make_user(1))
    anonymous = Client().get(f"/questions/{question.id}/x", follow=True)
    html = anonymous.content.decode()
    assert f'action="/posts/{question.id}/vote/up"' not in html
    assert html.count('<form method="get" action="/users/login" class="vote-form">') == 4
    canonical = anonymous.redirect_chain[-1][0]
    assert f'name="next" value="{canonical}#answer-{answer.id}"' in html
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in anonymous.cookies
    client = Client()
    client.force_login(make_user(15))
    signed_in = client.get(canonical).content.decode()
    assert (
        f'<form method="post" action="/posts/{answer.id}/vote/up" class="vote-form">' in signed_in
    )
    assert "csrfmiddlewaretoken" in signed_in


def test_vote_requires_csrf_token(voter_client):
    """Without the CSRF token the vote is rejected (Django's CSRF protection)."""
    voter, _ = voter_client
    question = make_question(make_user(1))
    client = Client(enforce_csrf_checks=True)
    client.force_login(voter)
    assert client.post(f"/posts/{question.id}/vote/up").status_code == 403
    assert not Vote.objects.exists()


def test_vote_get_is_not_allowed(voter_client):
    """Votes are only accepted as POST."""
    _voter, client = voter_client
    question = make_question(make_user(1))
    assert client.get(f"/posts/{question.id}/vote/up").status_code == 405


def test_accept_endpoint_without_intent_flips_and_question_page_shows_button():
    """The asker sees an accept button on each answer; posting it accepts the answer."""
    asker = make_user(1)
    question = make_question(asker)
    answer = make_answer(question, make_user(1))
    client = Client()
    client.force_login(asker)
    page = client.get(f"/questions/{question.id}/x", follow=True)
    assert f'action="/posts/{answer.id}/accept"'.encode() in page.content
    assert b"voting.js" in page.content
    response = client.post(f"/posts/{answer.id}/accept", HTTP_ACCEPT="application/json")
    assert response.json() == {
        "question_id": question.id,
        "accepted_answer_id": answer.id,
        "changed": True,
    }


def test_accept_form_with_intent_is_idempotent():
    """intent=accept twice keeps the accept; intent=unaccept twice removes it once."""
    asker = make_user(1)
    question = make_question(asker)
    answer = make_answer(question, make_user(1))
    client = Client()
    client.force_login(asker)
    url = f"/posts/{answer.id}/accept"
    for intent, accepted, changed in [
        ("accept", answer.id, True),
        ("accept", answer.id, False),
        ("unaccept", None, True),
        ("unaccept", None, False),
    ]:
        body = client.post(url, {"intent": intent}, HTTP_ACCEPT="application/json").json()
        assert (body["accepted_answer_id"], body["changed"]) == (accepted, changed)


def test_comment_upvote_endpoint():
    """A comment upvote without intent flips; with intent it sets; both report the score."""
    question = make_question(make_user(1))
    comment = Comment.objects.create(post=question, user=make_user(1), text="a useful comment")
    voter = make_user(15)
    client = Client()
    client.force_login(voter)
    response = client.post(f"/comments/{comment.id}/vote/up", HTTP_ACCEPT="application/json")
    assert response.json() == {
        "comment_id": comment.id,
        "score": 1,
        "voted": True,
        "changed": True,
    }
    url = f"/comments/{comment.id}/vote/up"
    body = client.post(url, {"intent": "up"}, HTTP_ACCEPT="application/json").json()
    assert (body["score"], body["voted"], body["changed"]) == (1, True, False)
    body = client.post(url, {"intent": "none"}, HTTP_ACCEPT="application/json").json()
    assert (body["score"], body["voted"], body["changed"]) == (0, False, True)


def test_reputation_page_lists_changes_and_draws_graph():
    """The reputation page groups changes by day and post and draws an SVG graph."""
    user = make_user(1)
    question = make_question(user)
    ledger.change(user.id, 10, Reason.UPVOTE, post_id=question.id)
    ledger.change(user.id, 15, Reason.ACCEPT, post_id=question.id)
    response = Client().get(f"/users/{user.id}/x/reputation", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<polyline" in body and question.title in body and "+25" in body


def test_featured_page_lists_open_bounties():
    """The featured list shows questions with an open bounty."""
    question = make_question(make_user(1))
    bounty_offer(make_user(500), question.id, 50, "attention")
    response = Client().get("/questions/featured")
    assert question.title.encode() in response.content and b"+50" in response.content


def test_bounty_offer_form():
    """The bounty form offers the bounty, or shows why not."""
    question = make_question(make_user(1))
    client = Client()
    client.force_login(make_user(40))
    assert client.get(f"/posts/{question.id}/bounty").status_code == 200
    response = client.post(f"/posts/{question.id}/bounty", {"amount": "50", "reason": "attention"})
    assert response.status_code == 403 and b"75" in response.content


def test_bounty_page_lets_the_offerer_award():
    """With an open bounty, the offerer's bounty page lists answers with award buttons."""
    offerer, answerer = make_user(500), make_user(1)
    question = make_question(make_user(1))
    answer = make_answer(question, answerer)
    bounty_offer(offerer, question.id, 100, "attention")
    client = Client()
    client.force_login(offerer)
    page = client.get(f"/posts/{question.id}/bounty").content.decode()
    assert f'action="/posts/{answer.id}/bounty/award"' in page
    response = client.post(f"/posts/{answer.id}/bounty/award")
    assert response.status_code == 302
    answerer.refresh_from_db()
    assert answerer.reputation == 101

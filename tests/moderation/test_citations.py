"""Citation needed, by the community (moderation.citations): 50-reputation users vote, the third
vote places the notice and the Community comment, an edit adding a source enters the
sources-added review queue, and an approval lifts the notice. Real services, real pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.core.errors import PermissionDenied
from quaestio.moderation import citations, notices
from quaestio.moderation.models import (
    CitationVote,
    PostNotice,
    Review,
    ReviewQueue,
    ReviewTask,
    ReviewTaskState,
)
from quaestio.moderation.reviewing import review_submit
from quaestio.posts.models import PostHistoryType
from quaestio.posts.services import answer_post, post_edit

pytestmark = pytest.mark.django_db

UNSOURCED = "Stalin feared Trotsky's influence abroad, and that is why he had him killed in 1940."
SOURCED = UNSOURCED + "\n\nSee Service (2009), *Trotsky: A Biography*, doi:10.4159/9780674062306."


@pytest.fixture
def unsourced_answer(ask, make_user):
    author = make_user(reputation=200)
    question = ask()
    return answer_post(author, question.id, body=UNSOURCED)


def standing_kind(post_id: int) -> str | None:
    notice = notices.standing_notice(post_id)
    return notice.kind if notice else None


def place_by_votes(post, make_user, needed: int = 3):
    voters = [make_user(reputation=50) for _ in range(needed)]
    outcomes = [citations.citation_vote_cast(voter, post.id) for voter in voters]
    return voters, outcomes


def test_votes_count_and_the_third_places_the_notice_and_the_community_comment(
    unsourced_answer, make_user
):
    _voters, outcomes = place_by_votes(unsourced_answer, make_user)
    assert [(o.action, o.votes) for o in outcomes] == [
        ("voted", 1),
        ("voted", 2),
        ("notice placed", 0),
    ]
    notice = PostNotice.objects.get(post_id=unsourced_answer.id, removed_date=None)
    assert notice.kind == "citation_needed" and notice.owner_id == COMMUNITY_USER_ID
    (comment,) = Comment.objects.filter(post_id=unsourced_answer.id)
    assert comment.user_id == COMMUNITY_USER_ID
    assert comment.text.startswith(
        "Your answer could be improved with additional supporting information. Please edit to "
        "add further details, such as citations or documentation, so that others can confirm "
        "that your answer is correct."
    )
    assert not CitationVote.objects.filter(post_id=unsourced_answer.id, state="pending").exists()
    # The history records the notice as a moderator's would be (type 33, the Community user).
    assert unsourced_answer.history.filter(
        post_history_type=PostHistoryType.POST_NOTICE_ADDED, user_id=COMMUNITY_USER_ID
    ).exists()


def test_the_number_of_votes_is_a_setting(unsourced_answer, make_user, settings):
    settings.QUAESTIO_CITATION_VOTES = 2
    _voters, outcomes = place_by_votes(unsourced_answer, make_user, needed=2)
    assert outcomes[-1].action == "notice placed"
    assert standing_kind(unsourced_answer.id) == "citation_needed"


def test_who_may_vote(unsourced_answer, make_user, ask):
    refused = [
        (make_user(reputation=49), "needs 50 reputation"),
        (unsourced_answer.owner, "Edit your own answer"),
    ]
    for voter, reason in refused:
        with pytest.raises(PermissionDenied, match=reason):
            citations.citation_vote_cast(voter, unsourced_answer.id)
    question = ask()
    with pytest.raises(PermissionDenied, match="Only answers"):
        citations.citation_vote_cast(make_user(reputation=5000), question.id)
    assert not CitationVote.objects.exists()


def test_a_second_vote_changes_nothing_and_a_vote_can_be_taken_back(unsourced_answer, make_user):
    voter = make_user(reputation=60)
    assert citations.citation_vote_cast(voter, unsourced_answer.id).votes == 1
    again = citations.citation_vote_cast(voter, unsourced_answer.id)
    assert (again.action, again.votes) == ("unchanged", 1)
    taken_back = citations.citation_vote_retract(voter, unsourced_answer.id)
    assert (taken_back.action, taken_back.votes) == ("retracted", 0)
    assert citations.citation_vote_cast(voter, unsourced_answer.id).votes == 1


def test_an_edit_adding_a_source_enters_review_and_approval_lifts_the_notice(
    unsourced_answer, make_user, django_capture_on_commit_callbacks
):
    place_by_votes(unsourced_answer, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(unsourced_answer.owner, unsourced_answer.id, body=SOURCED, comment="sources")
    task = ReviewTask.objects.get(post_id=unsourced_answer.id, queue=ReviewQueue.SOURCES_ADDED)
    assert task.state == ReviewTaskState.PENDING
    added = citations.added_sources(unsourced_answer.id)
    assert {(s.kind, s.value) for s in added} == {
        ("doi", "10.4159/9780674062306"),
        ("work", "Trotsky: A Biography"),
    }
    reviewer = make_user(reputation=500)
    outcome = review_submit(reviewer, task.id, "approve")
    assert outcome.completed and outcome.outcome == "approve"
    assert standing_kind(unsourced_answer.id) is None
    removed = PostNotice.objects.get(post_id=unsourced_answer.id)
    assert removed.removed_by_id == reviewer.id


def test_a_rejection_keeps_the_notice(
    unsourced_answer, make_user, django_capture_on_commit_callbacks
):
    place_by_votes(unsourced_answer, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(unsourced_answer.owner, unsourced_answer.id, body=SOURCED, comment="sources")
    task = ReviewTask.objects.get(post_id=unsourced_answer.id, queue=ReviewQueue.SOURCES_ADDED)
    outcome = review_submit(make_user(reputation=500), task.id, "reject")
    assert outcome.completed and outcome.outcome == "reject"
    assert standing_kind(unsourced_answer.id) == "citation_needed"


def test_edits_without_a_new_well_formed_source_do_not_enter_review(
    unsourced_answer, make_user, django_capture_on_commit_callbacks
):
    place_by_votes(unsourced_answer, make_user)
    for body in (
        UNSOURCED + " He was killed in Coyoacán.",  # no source at all
        UNSOURCED + " See doi:10.12/broken.",  # a malformed DOI is not a source
        UNSOURCED + " See ISBN 0-306-40615-3.",  # nor an ISBN with a wrong check digit
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_edit(unsourced_answer.owner, unsourced_answer.id, body=body, comment="edit")
    assert not ReviewTask.objects.filter(queue=ReviewQueue.SOURCES_ADDED).exists()


def test_an_edit_to_a_post_without_the_notice_enters_no_queue(
    unsourced_answer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(unsourced_answer.owner, unsourced_answer.id, body=SOURCED, comment="sources")
    assert not ReviewTask.objects.filter(queue=ReviewQueue.SOURCES_ADDED).exists()


def test_a_moderator_removing_the_notice_ends_the_waiting_review(
    unsourced_answer, make_user, django_capture_on_commit_callbacks
):
    place_by_votes(unsourced_answer, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(unsourced_answer.owner, unsourced_answer.id, body=SOURCED, comment="sources")
    moderator = make_user(reputation=1, is_moderator=True)
    notices.notice_remove(moderator, unsourced_answer.id)
    task = ReviewTask.objects.get(post_id=unsourced_answer.id, queue=ReviewQueue.SOURCES_ADDED)
    assert task.state == ReviewTaskState.INVALIDATED


def test_a_reviewer_below_the_queue_threshold_is_refused(
    unsourced_answer, make_user, django_capture_on_commit_callbacks
):
    place_by_votes(unsourced_answer, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(unsourced_answer.owner, unsourced_answer.id, body=SOURCED, comment="sources")
    task = ReviewTask.objects.get(post_id=unsourced_answer.id, queue=ReviewQueue.SOURCES_ADDED)
    with pytest.raises(PermissionDenied):
        review_submit(make_user(reputation=499), task.id, "approve")
    assert not Review.objects.exists()
    assert standing_kind(unsourced_answer.id) == "citation_needed"


# The pages


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_question_page_offers_the_vote_to_those_who_may(unsourced_answer, make_user):
    question_url = links.post_url(unsourced_answer.parent)
    vote_url = links.post_action_url(unsourced_answer.id, "citation_needed")
    assert vote_url in client_for(make_user(reputation=50)).get(question_url).content.decode()
    assert vote_url not in client_for(make_user(reputation=49)).get(question_url).content.decode()
    assert vote_url not in Client().get(question_url).content.decode()


def test_the_vote_page_casts_and_takes_back_with_csrf(unsourced_answer, make_user):
    voter = make_user(reputation=50)
    client = client_for(voter)
    url = links.post_action_url(unsourced_answer.id, "citation_needed")
    assert "0 of 3 votes" in client.get(url).content.decode()
    assert client.post(url, {"action": "vote"}).status_code == 403  # no CSRF token
    assert not CitationVote.objects.exists()
    token = csrf_token(client, url)
    assert client.post(url, {"action": "vote", "csrfmiddlewaretoken": token}).status_code == 302
    assert "1 of 3 votes, yours among them" in client.get(url).content.decode()
    client.post(url, {"action": "retract", "csrfmiddlewaretoken": token})
    assert not CitationVote.objects.filter(state="pending").exists()


def test_the_vote_page_refuses_with_the_reason(unsourced_answer, make_user):
    client = client_for(make_user(reputation=10))
    url = links.post_action_url(unsourced_answer.id, "citation_needed")
    response = client.get(url)
    assert response.status_code == 403 and "needs 50 reputation" in response.content.decode()


def test_the_review_item_shows_the_added_sources(
    unsourced_answer, make_user, django_capture_on_commit_callbacks
):
    place_by_votes(unsourced_answer, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(unsourced_answer.owner, unsourced_answer.id, body=SOURCED, comment="sources")
    client = client_for(make_user(reputation=500))
    page = client.get(links.review_url(ReviewQueue.SOURCES_ADDED)).content.decode()
    assert "Sources added since the Citation needed notice" in page
    assert 'href="https://doi.org/10.4159/9780674062306"' in page
    assert "Approve: the sources are enough" in page

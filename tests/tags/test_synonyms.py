"""Tag synonyms: who may propose and vote, approval at the threshold, the remap of questions,
new input mapped to the target, and moderators' merges (spec §5.1)."""

from __future__ import annotations

import pytest

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.posts.models import Post
from quaestio.posts.services import question_ask
from quaestio.tags.models import PostTag, SynonymState, Tag, TagPreference, TagSynonym
from quaestio.tags.scores import tag_score
from quaestio.tags.synonyms import remap_batch, synonym_propose, synonym_vote, tag_merge
from tests.tags.support import give_tag_score


@pytest.fixture
def js_questions(ask, make_user):
    """Two questions in [js], one in [javascript]; one carries both."""
    asker = make_user(reputation=1000)
    Tag.objects.get_or_create(name="javascript")
    a = ask(asker, title="How do closures capture variables?", tags="js")
    b = ask(asker, title="Why is this undefined in callbacks?", tags="js javascript")
    c = ask(asker, title="What does strict mode change at all?", tags="javascript")
    return a, b, c


def _expert(make_user, question, score=5, reputation=2500):
    user = make_user(reputation=reputation)
    give_tag_score(user, question, score)
    return user


def test_tag_score_counts_live_non_wiki_answers_in_the_tag(js_questions, make_user):
    """A user's score in a tag sums their answers' scores on questions carrying it; an answer
    in another tag, or a deleted one, does not count."""
    a, b, c = js_questions
    user = make_user(reputation=100)
    give_tag_score(user, c, 4)
    give_tag_score(user, b, 3)
    deleted = give_tag_score(user, a, 10)
    Post.objects.filter(id=deleted.id).update(deletion_date=deleted.creation_date)
    javascript = Tag.objects.get(name="javascript")
    assert tag_score(user.id, javascript.id) == 7


def test_proposing_needs_the_privilege_and_score_in_the_target(js_questions, make_user):
    """2500 reputation alone is not enough: the proposer needs score 5 in the target tag, and
    score without the privilege is not enough either; nothing is written when refused."""
    _a, _b, c = js_questions
    no_score = make_user(reputation=5000)
    with pytest.raises(PermissionDenied, match="answer score of 5"):
        synonym_propose(no_score, "js", "javascript")
    low_rep = _expert(make_user, c, reputation=2000)
    with pytest.raises(PermissionDenied, match="2,500 reputation"):
        synonym_propose(low_rep, "js", "javascript")
    assert not TagSynonym.objects.exists()


def test_four_net_votes_approve_and_remap_questions(
    js_questions, make_user, django_capture_on_commit_callbacks
):
    """The proposal counts as one vote; three more from users with score in the target approve
    it, and every question in [js] then carries [javascript] instead (once), the counts follow,
    and the [js] tag is gone."""
    a, b, c = js_questions
    synonym = synonym_propose(_expert(make_user, c), "js", "javascript")
    assert synonym.state == SynonymState.PROPOSED and synonym.score == 1
    for _ in range(2):
        synonym = synonym_vote(_expert(make_user, c, reputation=1), synonym.id, 1)
    assert synonym.state == SynonymState.PROPOSED
    voter = _expert(make_user, c, reputation=1)
    with django_capture_on_commit_callbacks(execute=True):
        synonym = synonym_vote(voter, synonym.id, 1)
    synonym.refresh_from_db()
    assert synonym.state == SynonymState.APPROVED and synonym.score == 4
    assert synonym.remap_remaining == 0  # the in-process task ran on commit
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.tags == "<javascript>" and b.tags == "<javascript>"
    assert not Tag.objects.filter(name="js").exists()
    assert Tag.objects.get(name="javascript").count == 3
    javascript = Tag.objects.get(name="javascript")
    assert PostTag.objects.filter(tag=javascript).count() == 3


def test_voter_without_score_is_refused_and_downvotes_reject(js_questions, make_user):
    """A vote needs score 5 in the target tag; two net votes against reject the proposal."""
    _a, _b, c = js_questions
    synonym = synonym_propose(_expert(make_user, c), "js", "javascript")
    with pytest.raises(PermissionDenied, match="answer score of 5"):
        synonym_vote(make_user(reputation=50000), synonym.id, 1)
    for _ in range(3):
        synonym = synonym_vote(_expert(make_user, c, reputation=1), synonym.id, -1)
    synonym.refresh_from_db()
    assert synonym.state == SynonymState.REJECTED
    assert Tag.objects.filter(name="js").exists()


def test_new_questions_with_the_source_get_the_target(
    js_questions, make_user, django_capture_on_commit_callbacks
):
    """Once approved, asking with [js] tags the question [javascript]."""
    moderator = make_user(reputation=1, is_moderator=True)
    synonym_propose(moderator, "js", "javascript")  # a moderator's proposal decides
    question = question_ask(
        make_user(reputation=1000),
        title="Does the event loop run microtasks first?",
        body="A body long enough to pass the thirty character minimum for questions.",
        tags="js event-loop",
    )
    assert question.tags == "<javascript><event-loop>"


def test_remap_runs_in_batches_with_progress(js_questions, make_user, settings):
    """With the task not yet run, each batch moves some questions and leaves the remaining
    count on the synonym; the last batch finishes and moves the watchers to the target."""
    a, b, _c = js_questions
    watcher = make_user()
    TagPreference.objects.create(user=watcher, tag=Tag.objects.get(name="js"), kind="watched")
    synonym = TagSynonym.objects.create(
        source="js", target=Tag.objects.get(name="javascript"), state=SynonymState.APPROVED
    )
    assert remap_batch(synonym.id, batch=1) == 1
    synonym.refresh_from_db()
    assert synonym.remap_remaining == 1
    assert remap_batch(synonym.id, batch=1) in (0, 1)
    remap_batch(synonym.id, batch=1)
    assert not Tag.objects.filter(name="js").exists()
    assert TagPreference.objects.get(user=watcher).tag.name == "javascript"


def test_only_moderators_merge_tags(js_questions, make_user, django_capture_on_commit_callbacks):
    """A 100k user may not merge; a moderator's merge retags at once and maps future input."""
    with pytest.raises(PermissionDenied, match="Only moderators"):
        tag_merge(make_user(reputation=100000), "js", "javascript")
    assert Tag.objects.filter(name="js").exists()
    moderator = make_user(is_moderator=True)
    with django_capture_on_commit_callbacks(execute=True):
        synonym = tag_merge(moderator, "js", "javascript")
    assert synonym.state == SynonymState.APPROVED
    assert not Tag.objects.filter(name="js").exists()


def test_bad_pairs_are_refused(js_questions, make_user):
    """A tag cannot be its own synonym, nor can a name be proposed twice."""
    moderator = make_user(is_moderator=True)
    with pytest.raises(ValidationFailed, match="itself"):
        synonym_propose(moderator, "javascript", "javascript")
    _a, _b, c = js_questions
    synonym_propose(_expert(make_user, c), "js", "javascript")
    with pytest.raises(ValidationFailed, match="already"):
        synonym_propose(moderator, "js", "javascript")

"""Destroying a spammer (issue 17.4, spec §1.4): the account goes with its posts and comments,
confirmed twice and recorded; its votes are discarded, so the reputation they gave others goes
too, and the totals agree with `recalc-reputation` and `recount` afterwards."""

from __future__ import annotations

import pytest
from django.test import Client

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add
from quaestio.core.counters import recount
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation.models import ModeratorAction
from quaestio.moderation.spammer import spammer_destroy
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post
from quaestio.reputation.recalc import recalculate
from quaestio.votes.models import Vote
from quaestio.votes.services import vote_set

pytestmark = pytest.mark.django_db
ANSWER = "Buy cheap watches at our shop, the best prices on the whole internet today!"


@pytest.fixture
def moderator(make_user):
    return make_user(name="Mod Erator", is_moderator=True)


@pytest.fixture
def spammer_site(make_user, ask):
    """A spammer who asked, answered, commented, and upvoted an honest user's question."""
    honest = make_user(reputation=1, name="Honest Asker")
    honest_question = ask(honest, title="How did Roman legions cross wide rivers?")
    spammer = make_user(reputation=200, name="Cheap Watches")
    spam_question = ask(spammer, title="Where can I buy the cheapest watches?")
    spam_answer = answer_post(spammer, honest_question.id, body=ANSWER)
    comment_add(spammer, honest_question.id, "Visit our shop for cheap watches now!")
    vote_set(spammer, honest_question.id, "up")
    return honest, honest_question, spammer, spam_question, spam_answer


def test_destroy_removes_account_posts_comments_and_votes_and_records_it(moderator, spammer_site):
    honest, honest_question, spammer, spam_question, spam_answer = spammer_site
    assert User.objects.get(id=honest.id).reputation == 11  # +10 for the spammer's upvote
    outcome = spammer_destroy(moderator, spammer.id, "Cheap Watches")
    assert (outcome.posts, outcome.comments, outcome.votes) == (2, 1, 1)
    assert not User.objects.filter(id=spammer.id).exists()
    for post in (spam_question, spam_answer):
        post = Post.objects.get(id=post.id)
        assert post.deletion_date is not None and post.owner_id is None
        assert post.owner_display_name == f"user{spammer.id}"
    assert not Comment.objects.filter(post=honest_question, deletion_date=None).exists()
    assert not Vote.objects.filter(post=honest_question).exists()
    question = Post.objects.get(id=honest_question.id)
    assert question.score == 0 and question.answer_count == 0 and question.comment_count == 0
    assert User.objects.get(id=honest.id).reputation == 1  # the spammer's vote is gone
    audit = ModeratorAction.objects.get(action="destroy-user")
    assert audit.target_user_id == spammer.id and "Cheap Watches" in audit.details


def test_after_destroying_the_recount_and_recalculation_find_nothing_to_fix(
    moderator, spammer_site
):
    _honest, _question, spammer, *_ = spammer_site
    spammer_destroy(moderator, spammer.id, "Cheap Watches")
    assert recalculate(fix=False) == []
    assert not any(recount().values())


def test_the_second_confirmation_must_name_the_account(moderator, spammer_site):
    _honest, _question, spammer, *_ = spammer_site
    with pytest.raises(ValidationFailed, match="Cheap Watches"):
        spammer_destroy(moderator, spammer.id, "cheap watches?")
    assert User.objects.filter(id=spammer.id).exists()
    assert not ModeratorAction.objects.exists()


def test_only_moderators_destroy_and_never_a_moderator(moderator, make_user, spammer_site):
    _honest, _question, spammer, *_ = spammer_site
    with pytest.raises(PermissionDenied, match="Only moderators"):
        spammer_destroy(make_user(reputation=50000), spammer.id, "Cheap Watches")
    other = make_user(is_moderator=True, name="Other Mod")
    with pytest.raises(PermissionDenied, match="Moderators cannot be destroyed"):
        spammer_destroy(moderator, other.id, "Other Mod")


def test_the_page_asks_twice_before_destroying(moderator, spammer_site):
    _honest, _question, spammer, *_ = spammer_site
    client = Client()
    client.force_login(moderator)
    url = f"/users/{spammer.id}/destroy"
    assert "Continue" in client.get(url).content.decode()
    second = client.post(url, {"step": "1"}).content.decode()
    assert 'name="confirm_name"' in second and User.objects.filter(id=spammer.id).exists()
    wrong = client.post(url, {"step": "2", "confirm_name": "nope"})
    assert wrong.status_code == 400 and User.objects.filter(id=spammer.id).exists()
    done = client.post(url, {"step": "2", "confirm_name": "Cheap Watches"})
    assert done.status_code == 200 and "Account destroyed" in done.content.decode()
    assert not User.objects.filter(id=spammer.id).exists()

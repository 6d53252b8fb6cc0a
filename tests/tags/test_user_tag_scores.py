"""Each person's standing per tag (tags.UserTagScore, issue 18.1): kept by votes, answers,
retags and deletions in their transactions, rebuilt by `quaestio recount` and the importer,
and read by the profile's tags tab, paged and sorted."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quaestio.core.counters import recount
from quaestio.core.links import user_url
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post, post_delete, post_edit, post_undelete
from quaestio.tags.models import PostTag, Tag, UserTagScore
from quaestio.tags.user_scores import USER_TAG_SCORES
from quaestio.votes.services import vote_set

pytestmark = pytest.mark.django_db
ANSWER = "An answer long enough to pass the minimum, about bridges and boats of the legions."


def standing(user, tag: str) -> tuple[int, int, int] | None:
    row = UserTagScore.objects.filter(user_id=user.id, tag__name=tag).first()
    return (row.answer_score, row.answer_count, row.post_count) if row else None


def in_step() -> bool:
    """The kept rows are what a rebuild from the posts computes."""
    return recount(only={USER_TAG_SCORES}) == {USER_TAG_SCORES: 0}


def test_votes_answers_retags_and_deletions_keep_the_standing(ask, make_user):
    asker, answerer = make_user(reputation=1000), make_user(reputation=1000)
    voter = make_user(reputation=1000)
    question = ask(asker, tags="rome legions")
    assert standing(asker, "rome") == (0, 0, 1)
    answer = answer_post(answerer, question.id, body=ANSWER)
    assert standing(answerer, "legions") == (0, 1, 1)
    vote_set(voter, answer.id, "up")  # a vote moves the kept score
    assert standing(answerer, "rome") == standing(answerer, "legions") == (1, 1, 1)
    vote_set(voter, question.id, "up")  # a question's score is no tag score
    assert standing(asker, "rome") == (0, 0, 1)
    assert in_step()
    # A retag moves everyone's standing from the removed tag to the added one.
    post_edit(
        asker, question.id, body=question.body_markdown, title=question.title, tags="rome gaul"
    )
    assert standing(answerer, "legions") is None and standing(asker, "legions") is None
    assert standing(answerer, "gaul") == (1, 1, 1) and standing(asker, "gaul") == (0, 0, 1)
    assert in_step()
    vote_set(voter, answer.id, None)  # retracted
    assert standing(answerer, "gaul") == (0, 1, 1)
    post_delete(answerer, answer.id)
    assert standing(answerer, "rome") is None
    post_undelete(answerer, answer.id)
    assert standing(answerer, "rome") == (0, 1, 1)
    assert in_step()


def test_recount_fixes_corrupted_missing_and_stray_rows(ask, make_user):
    user = make_user(reputation=1000)
    ask(user, title="How did Roman legions cross rivers in Gaul?", tags="rome gaul")
    rome = Tag.objects.get(name="rome")
    UserTagScore.objects.filter(user=user, tag=rome).update(answer_score=99, post_count=7)
    UserTagScore.objects.filter(user=user, tag__name="gaul").delete()
    stray = Tag.objects.create(name="stray")
    UserTagScore.objects.create(user=user, tag=stray, post_count=3)
    assert recount(only={USER_TAG_SCORES}) == {USER_TAG_SCORES: 3}
    assert standing(user, "rome") == standing(user, "gaul") == (0, 0, 1)
    assert standing(user, "stray") is None
    assert in_step()


def test_import_fills_the_standing(tmp_path):
    import io

    from quaestio.dumps.importer import import_dump
    from tests.dumps.conftest import MINIMAL, write_dump

    files = dict(MINIMAL)
    files["Posts"] = [MINIMAL["Posts"][0], MINIMAL["Posts"][1].replace('Score="0"', 'Score="4"')]
    import_dump(write_dump(tmp_path / "d", files), out=io.StringIO())
    row = UserTagScore.objects.get(user_id=7, tag__name="hops")
    # The dump's kept score (4), not its votes: the answer and the question are Ann's.
    assert (row.answer_score, row.answer_count, row.post_count) == (4, 1, 2)
    assert in_step()


def _tags_page(user, query: str) -> str:
    response = Client().get(user_url(user.id, user.display_name) + "?tab=tags" + query)
    assert response.status_code == 200
    return response.content.decode()


def test_tags_tab_pages_and_sorts_all_of_a_users_tags(make_user):
    """35 tags: 30 on the first page, 5 on the second, by score or by name; the Profile tab's
    top tags are the best six."""
    user, other = make_user(reputation=500), make_user(reputation=500)
    for n in range(35):
        tag = Tag.objects.create(name=f"t{n:02d}", count=1)
        question = Post.objects.create(post_type=1, owner=other, title=f"Q{n}", body="x", tags="")
        PostTag.objects.create(post=question, tag=tag)
        Post.objects.create(post_type=2, parent=question, owner=user, body="x", score=(n * 7) % 35)
    recount(only={USER_TAG_SCORES})
    first = _tags_page(user, "")
    assert "35 tags" in first and 'class="pager"' in first
    names = re.findall(r'class="tag"[^>]*>(t\d\d)<', first)
    scores = [(n * 7) % 35 for n in range(35)]
    by_score = sorted(range(35), key=lambda n: (-scores[n], n))
    assert names == [f"t{n:02d}" for n in by_score[:30]]
    second = re.findall(r'class="tag"[^>]*>(t\d\d)<', _tags_page(user, "&page=2"))
    assert second == [f"t{n:02d}" for n in by_score[30:]]
    by_name = re.findall(r'class="tag"[^>]*>(t\d\d)<', _tags_page(user, "&sort=name&page=2"))
    assert by_name == [f"t{n:02d}" for n in range(30, 35)]
    profile = Client().get(user_url(user.id, user.display_name)).content.decode()
    top = re.findall(r'class="tag"[^>]*>(t\d\d)<', profile)
    assert top[:6] == [f"t{n:02d}" for n in by_score[:6]]

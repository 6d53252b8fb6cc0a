"""PostgreSQL's fact lexemes: each document's creation date and score (backends/postgres_facts)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from django.db import connection

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType
from quaestio.search.backends import postgres, postgres_facts
from quaestio.search.backends.postgres_facts import date_cover, fact_lexemes, score_query
from quaestio.search.selectors import search_ids
from quaestio.search.services import index_post, reindex_all


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_an_interval_is_covered_by_whole_years_months_and_days():
    """The cover of [start, end) uses the largest calendar units that fit, edges rounded out
    to whole UTC days; an open interval has none."""
    assert date_cover(at(2020, 1, 1), at(2021, 1, 1)) == ["#y:2020"]
    assert date_cover(at(2020, 3, 1), at(2020, 4, 1)) == ["#m:2020-03"]
    assert date_cover(at(2020, 3, 15), at(2020, 3, 16)) == ["#d:2020-03-15"]
    assert date_cover(at(2019, 12, 30, 13), at(2021, 2, 1)) == [
        "#d:2019-12-30",
        "#d:2019-12-31",
        "#y:2020",
        "#m:2021-01",
    ]
    assert date_cover(at(2020, 1, 1), None) is None
    assert date_cover(None, at(2020, 1, 1)) is None
    assert len(date_cover(at(2000, 1, 2), at(2020, 1, 1))) == 30 + 11 + 19
    assert date_cover(at(1950, 1, 2), at(2020, 12, 31)) is None  # too many: the column instead


def test_a_score_range_becomes_steps_reached_and_not_reached():
    """`score:3..` needs step 3 reached; `..2` step 3 not reached; a bound between steps is
    rounded out to the step below (low) or above (high); beyond every step, no condition."""
    assert score_query(3, None) == "'#s:3'"
    assert score_query(None, 2) == "!'#s:3'"
    assert score_query(6, 8) == "'#s:5' & !'#s:10'"
    assert score_query(-50, None) is None
    assert score_query(None, 5000) is None
    assert fact_lexemes(at(2020, 3, 15, 23, 59), 3) == [
        "#y:2020",
        "#m:2020-03",
        "#d:2020-03-15",
        "#s:-5",
        "#s:-1",
        "#s:0",
        "#s:1",
        "#s:2",
        "#s:3",
    ]


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("the fact lexemes are PostgreSQL's")


def _stored_facts() -> dict[int, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT post_id, ARRAY(SELECT lexeme FROM unnest(document) "
            "WHERE lexeme ~ '^#[ymds]:') FROM search_document"
        )
        return {post_id: sorted(found) for post_id, found in cursor.fetchall()}


def _expected_facts() -> dict[int, list[str]]:
    return {
        post.id: sorted(fact_lexemes(post.creation_date, post.score)) for post in Post.objects.all()
    }


def _posts() -> list[Post]:
    question = Post.objects.create(
        post_type=PostType.QUESTION,
        title="Aqueducts of Rome",
        body="<p>Arches.</p>",
        creation_date=at(2020, 12, 31, 23, 30),
        score=4,
    )
    answer = Post.objects.create(
        post_type=PostType.ANSWER,
        parent=question,
        body="<p>Aqueducts carried water.</p>",
        creation_date=at(2021, 1, 1, 0, 30),
        score=-2,
    )
    return [question, answer]


def test_every_writer_and_the_sql_twins_store_the_same_facts(postgres_only):
    """Index on write, reindex, the set-based fill of an import and migration 0005 all give a
    document the lexemes of its post's creation date and score."""
    posts = _posts()
    for post in posts:
        index_post(post.id)
    assert _stored_facts() == _expected_facts()
    reindex_all()
    assert _stored_facts() == _expected_facts()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_document SET document = ts_delete(document, "
            "ARRAY(SELECT lexeme FROM unnest(document) WHERE lexeme ~ '^#[ymds]:'))"
        )
    postgres.fill_facts(posts[0].id, posts[-1].id)
    assert _stored_facts() == _expected_facts()
    migration = importlib.import_module("quaestio.search.migrations.0005_document_facts")
    with connection.cursor() as cursor:
        cursor.execute(migration.STRIP_FUNCTION)
        cursor.execute("UPDATE search_document SET document = pg_temp.without_facts(document)")
        assert set(map(tuple, _stored_facts().values())) == {()}
        cursor.execute(migration.SCORE_FUNCTION)
        cursor.execute(f"UPDATE search_document SET document = document || {migration.FACTS}")
    assert _stored_facts() == _expected_facts()


def test_a_score_written_in_bulk_is_refreshed_only_where_it_changed(postgres_only):
    """refresh_scores rewrites the documents whose score lexemes differ from their posts'
    scores, and only those."""
    question, answer = _posts()
    reindex_all()
    Post.objects.filter(id=question.id).update(score=0)  # 4 -> 0: steps 1..4 no longer reached
    Post.objects.filter(id=answer.id).update(score=-3)  # -2 -> -3: the same steps
    assert postgres_facts.score_lexemes(-3) == postgres_facts.score_lexemes(-2)
    assert postgres.refresh_scores() == 1
    assert _stored_facts() == _expected_facts()
    assert postgres.refresh_scores([question.id, answer.id]) == 0


@pytest.mark.django_db
def test_a_vote_moves_a_post_in_and_out_of_score_searches(django_capture_on_commit_callbacks):
    """A vote cast or taken back changes which `word score:` searches find the post, as soon
    as it commits (on either database)."""
    from quaestio.votes.services import vote_set

    owner = User.objects.create_user("owner@example.com", "owner", reputation=1)
    voter = User.objects.create_user("voter@example.com", "voter", reputation=5000)
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(
            post_type=PostType.QUESTION, title="Aqueducts", body="<p>Arches.</p>", owner=owner
        )
    assert search_ids("aqueducts score:1..")[0] == []
    with django_capture_on_commit_callbacks(execute=True):
        vote_set(voter, post.id, "up")
    assert search_ids("aqueducts score:1..")[0] == [post.id]
    assert search_ids("aqueducts score:..0")[0] == []
    with django_capture_on_commit_callbacks(execute=True):
        vote_set(voter, post.id, None)  # taken back
    assert search_ids("aqueducts score:1..")[0] == []
    assert search_ids("aqueducts score:..0")[0] == [post.id]


@pytest.mark.django_db
def test_scores_recounted_from_the_votes_are_searched_as_recounted(capsys):
    """`quaestio recount` rewrites scores in bulk; `word score:` searches follow it (on either
    database)."""
    from quaestio.cli_commands import recount_counters

    question, _answer = _posts()  # scores 4 and -2, with no votes behind them
    reindex_all()
    assert search_ids("aqueducts score:1..")[0] == [question.id]
    recount_counters(None)
    assert "post scores: 2 corrected" in capsys.readouterr().out
    assert search_ids("aqueducts score:1..")[0] == []
    assert set(search_ids("aqueducts score:0")[0]) == {p.id for p in Post.objects.all()}

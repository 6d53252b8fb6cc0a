"""PostgreSQL's phrase index: search_document.pairs (see backends/postgres.py, migration 0004)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from quaestio.posts.models import Post, PostType
from quaestio.search.backends import postgres_document as postgres
from quaestio.search.selectors import search_ids
from quaestio.search.services import index_post, reindex_all

pytestmark = pytest.mark.django_db

BODIES = [
    "<p>The Roman roads ran straight; roads of Rome were paved.</p>",
    "<p>Paved roads? <code>roman_roads = paved(roads)</code> "
    '<a href="https://example.com/roman/roads">Roman roads</a></p>',
    "<p>" + "roads " * 300 + "roman roads</p>",  # more occurrences than a tsvector keeps
]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the pairs column is PostgreSQL's")


def _posts() -> list[Post]:
    return [
        Post.objects.create(post_type=PostType.QUESTION, title=f"Roman roads {i}", body=body)
        for i, body in enumerate(BODIES)
    ]


def test_the_migration_derives_the_pairs_a_reindex_writes():
    """Filling existing rows from their stored documents (migration 0004) gives each post of
    usual length the very pairs the Python indexer writes; for the post whose word repeats past
    what a tsvector keeps, the pairs `<->` can still match are all there. Its id blocks are
    the indexer's too."""
    posts = _posts()
    reindex_all()
    migration = importlib.import_module("quaestio.search.migrations.0004_document_pairs")
    with connection.cursor() as cursor:
        cursor.execute(migration.PAIRS_FUNCTION)
        cursor.execute(
            "SELECT post_id, pairs, pg_temp.document_pairs(document) FROM search_document"
        )
        rows = {post_id: (written, derived) for post_id, written, derived in cursor.fetchall()}
        cursor.execute("DROP FUNCTION pg_temp.document_pairs(tsvector)")
        # The id blocks it appends to a document are those the Python indexer writes.
        cursor.execute(
            f"SELECT post_id, tsvector_to_array({migration.BLOCKS}) FROM search_document"
        )
        for post_id, blocks in cursor.fetchall():
            assert sorted(blocks) == sorted(postgres.block_lexemes(post_id))
    for post in posts[:2]:
        written, derived = rows[post.id]
        assert written == derived and written
    written, derived = rows[posts[2].id]
    assert set(derived) <= set(written)
    assert postgres.pair_hash("roman", "road") in derived


def test_every_writer_stores_the_pairs_of_each_field():
    """The live index-on-write path and reindex store the same pairs: the title's, body's,
    code's (unstemmed) and links' adjacent tokens, and none across a field's end."""
    posts = _posts()
    for post in posts:
        index_post(post.id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT post_id, pairs FROM search_document ORDER BY post_id")
        live = cursor.fetchall()
    reindex_all()
    with connection.cursor() as cursor:
        cursor.execute("SELECT post_id, pairs FROM search_document ORDER BY post_id")
        assert cursor.fetchall() == live
    pairs = set(dict(live)[posts[1].id])
    for first, second in [("pave", "road"), ("roads", "paved"), ("com", "roman")]:
        assert postgres.pair_hash(first, second) in pairs, (first, second)
    assert postgres.pair_hash("0", "pave") not in pairs  # title "... 1" then body "Paved"


def test_phrases_are_answered_through_the_pairs_with_the_same_results():
    """A phrase, a phrase with a word, and a phrase excluded find the posts the tsquery alone
    finds (a shared bucket may add candidates, never results)."""
    posts = _posts()
    reindex_all()
    ids = {post.id for post in posts}
    assert set(search_ids('"roman roads"')[0]) == ids
    assert set(search_ids('"paved roads roman"')[0]) == {posts[1].id}
    assert set(search_ids('"rome were paved" straight')[0]) == {posts[0].id}
    assert set(search_ids('roads -"rome were paved"')[0]) == ids - {posts[0].id}
    assert set(search_ids('code:"roman_roads paved"')[0]) == {posts[1].id}
    assert search_ids('"paved roman"')[0] == []


def test_id_blocks_cover_a_slice_with_few_lexemes():
    """A slice's bounds are covered by aligned blocks, largest first, rounded out to the
    smallest block; each post's document holds the three blocks of its id."""
    assert postgres.blocks_covering(1024, 2048) == ["#10:1"]
    assert postgres.blocks_covering(1000, 1025) == ["#10:0", "#10:1"]
    covering = postgres.blocks_covering(5_000, 1_000_000)
    assert covering[:2] == ["#10:4", "#10:5"] and "#18:1" in covering and len(covering) < 50
    assert postgres.block_lexemes(300_000) == ["#18:1", "#14:18", "#10:292"]
    post = Post.objects.create(post_type=PostType.QUESTION, title="Aqueducts", body="<p>x</p>")
    index_post(post.id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document @@ CAST(%s AS tsquery) FROM search_document WHERE post_id = %s",
            [" & ".join(f"'{block}'" for block in postgres.block_lexemes(post.id)), post.id],
        )
        assert cursor.fetchone()[0]

"""PostgreSQL keeps how many titles hold each word (search_titleterm), for Similar to tell rare
words from common ones without counting: every write of the index keeps it, and `quaestio
recount` finds nothing to correct. SQLite keeps none (FTS5 reads a word's newest titles and
stops), so these tests are PostgreSQL's."""

from __future__ import annotations

import pytest
from django.db import connection

from quaestio.core.counters import recount
from quaestio.posts.models import Post, PostType
from quaestio.search.services import index_post, reindex_all, remove_post

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL's engine keeps title word counts"
)


def _counts(*words: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term, questions FROM search_titleterm WHERE term = ANY(%s)", [list(words)]
        )
        return dict(cursor.fetchall())


def _question(title: str) -> Post:
    post = Post.objects.create(post_type=PostType.QUESTION, title=title, body="<p>body</p>")
    index_post(post.id)
    return post


def test_indexing_editing_and_removing_keep_the_counts(db):
    """A title's words are counted when indexed, moved when the title changes, taken back when
    the post leaves the index; a recount then corrects nothing."""
    first = _question("Zebra crossing rules")
    _question("Zebra stripes")
    assert _counts("zebra", "cross", "stripe") == {"zebra": 2, "cross": 1, "stripe": 1}
    Post.objects.filter(id=first.id).update(title="Pelican crossing rules")
    index_post(first.id)
    assert _counts("zebra", "pelican")["zebra"] == 1
    assert _counts("pelican") == {"pelican": 1}
    remove_post(first.id)
    assert _counts("pelican", "cross").get("pelican", 0) == 0
    changed = recount()
    assert changed["search title word counts"] == 0


def test_reindex_and_recount_rebuild_the_counts(db):
    """A rebuilt index counts its titles; counts gone wrong are set right by `quaestio recount`."""
    _question("Walrus tusks")
    reindex_all()
    assert _counts("walrus") == {"walrus": 1}
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_titleterm SET questions = 7 WHERE term = 'walrus'")
        cursor.execute("INSERT INTO search_titleterm VALUES ('ghostword', 3)")
    changed = recount()
    assert changed["search title word counts"] == 1
    assert changed["search title word counts of words no longer held"] == 1
    assert _counts("walrus", "ghostword") == {"walrus": 1}


def test_a_common_word_is_read_only_among_the_newest_posts(db, monkeypatch):
    """Similar reads a word held by more than MATCHES_READ titles only within a span of the
    newest post ids (GIN asked with their id blocks), a rare one whole; the rarest first."""
    from quaestio.search.backends import get_backend, postgres_titles

    monkeypatch.setattr(postgres_titles, "MATCHES_READ", 2)
    for n in range(3):
        _question(f"Common heron number {n}")
    rare = _question("Common heron with an egret")
    counts, probes, params = get_backend().title_probes_sql(["heron", "egret"], 100)
    assert counts == {"heron": 4, "egret": 1}
    egret, heron = params[0], params[2]  # the rarest first
    assert "egret" in egret and "#10:" not in egret
    assert "heron" in heron and "#10:" in heron
    with connection.cursor() as cursor:
        cursor.execute(probes, params)
        found = cursor.fetchall()
    assert (1, rare.id) in found and sum(k == 0 for k, _ in found) == 4

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

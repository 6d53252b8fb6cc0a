"""Writes to the search index. Other rooms call these after their transaction commits:

    transaction.on_commit(lambda: search_services.index_post(post.id))   # new post, edit, rollback
    transaction.on_commit(lambda: search_services.remove_post(post.id))  # hard delete only

A score change (a vote cast or taken back) calls `schedule_score`: PostgreSQL's engine keeps
each post's score in its document for `score:` searches (see backends/postgres_facts.py).
Soft deletion, closing, locking, tags and accepts need no call: those are read from the posts
tables at query time. The post_save/post_delete receivers in signals.py schedule the same
calls for any save of a Post, so a forgotten call is caught; an explicit call is still cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from django.db import transaction

from quaestio.posts.models import Post, PostType
from quaestio.search.backends import get_backend
from quaestio.search.text import Document, build_document

logger = logging.getLogger(__name__)

SEARCHABLE_TYPES = (PostType.QUESTION, PostType.ANSWER)
BATCH_SIZE = 2000

Progress = Callable[[int, int], None]  # (posts done, posts in all)


def _remember_words(words: set[str]) -> None:
    get_backend().remember_words(sorted(words))


def index_post(post_id: int) -> None:
    """Bring one post's index entry up to date with its row (removing it if it is gone)."""
    row = (
        Post.objects.filter(id=post_id, post_type__in=SEARCHABLE_TYPES)
        .values_list("title", "body")
        .first()
    )
    backend = get_backend()
    with transaction.atomic():
        if row is None:
            backend.remove([post_id])
            return
        document, words = build_document(post_id, row[0], row[1])
        backend.upsert([document])
        _remember_words(words)


def remove_post(post_id: int) -> None:
    """Drop a post from the index; for posts removed from the database, not soft-deleted ones."""
    get_backend().remove([post_id])


def schedule_index(post_id: int) -> None:
    """Index the post once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: _safely(index_post, post_id))


def refresh_score(post_id: int) -> None:
    """Bring what the engine keeps of one post's score up to the post's row."""
    get_backend().refresh_scores([post_id])


def refresh_scores() -> None:
    """Every post's, after scores were rewritten in bulk (`quaestio recount`)."""
    get_backend().refresh_scores()


def schedule_score(post_id: int) -> None:
    """Refresh the post's score in the index once the current transaction commits."""
    transaction.on_commit(lambda: _safely(refresh_score, post_id))


def schedule_remove(post_id: int) -> None:
    transaction.on_commit(lambda: _safely(remove_post, post_id))


def _safely(action: Callable[[int], None], post_id: int) -> None:
    # The write that triggered this has committed; a failing index must not turn it into an
    # error page. `quaestio reindex` repairs whatever was missed.
    try:
        action(post_id)
    except Exception:
        logger.exception("search index update failed for post %s", post_id)


def _documents(total_words: set[str], progress: Progress | None, total: int) -> Iterator[list]:
    done = 0
    last_id = None
    while True:
        rows = Post.objects.filter(post_type__in=SEARCHABLE_TYPES)
        if last_id is not None:
            rows = rows.filter(id__gt=last_id)
        batch = list(rows.order_by("id").values_list("id", "title", "body")[:BATCH_SIZE])
        if not batch:
            return
        documents: list[Document] = []
        for post_id, title, body in batch:
            document, words = build_document(post_id, title, body)
            documents.append(document)
            total_words.update(words)
        last_id = batch[-1][0]
        done += len(batch)
        yield documents
        if progress:
            progress(done, total)


def reindex_all(progress: Progress | None = None) -> int:
    """Rebuild the whole index from the posts tables; returns the number of posts indexed.

    Runs in one transaction so searches see the old index until the new one is complete.
    """
    total = Post.objects.filter(post_type__in=SEARCHABLE_TYPES).count()
    words: set[str] = set()
    with transaction.atomic():
        get_backend().bulk_load(_documents(words, progress, total))
        _remember_words(words)
    if progress and total == 0:
        progress(0, 0)
    return total

"""Background entry points of the search room: a question title's embedding (meaning.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def embed_question(post_id: int) -> int:
    """After a question is asked or its title edited: its vector for similar questions."""
    from quaestio.search.meaning import embed_questions

    return embed_questions([post_id])


@task()
def remove_question_vector(post_id: int) -> None:
    """After a post is removed from the database: a tombstone every process's index reads."""
    from quaestio.search.meaning import remove_questions

    remove_questions([post_id])

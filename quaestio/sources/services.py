"""Writes of a post's sources: replaced from its Markdown whenever its body is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from quaestio.core.parallel import map_in_workers
from quaestio.sources.extract import Source, sources_of, sources_of_html
from quaestio.sources.models import PostSource, SourcesBackfill


def rows_for(post_id: int, sources: Iterable[Source]) -> list[PostSource]:
    """The rows of a post's well-formed sources, in reading order."""
    kept = [source for source in sources if source.valid]
    return [
        PostSource(
            post_id=post_id,
            position=position,
            kind=source.kind,
            value=source.value,
            domain=source.domain[:253],
            title=source.title[:300],
            author=source.author[:200],
            year=source.year,
        )
        for position, source in enumerate(kept)
    ]


def sources_replace(post_id: int, markdown: str, *, new_post: bool = False) -> int:
    """Replace the post's source rows with those its Markdown cites, in the caller's
    transaction (the body write's), so the rows never disagree with the body a reader sees.
    Returns the number of rows kept; `new_post` skips the delete a new post has no rows for."""
    rows = rows_for(post_id, sources_of(markdown))
    with transaction.atomic():
        if not new_post:
            PostSource.objects.filter(post_id=post_id).delete()
        PostSource.objects.bulk_create(rows)
    return len(rows)


# --- backfill: posts written before sources were kept, and imported dumps --------------------

BATCH = 500
_FILLED_TYPES = (1, 2)  # questions and answers; tag wikis cite nothing worth listing


def _sources_of_post(markdown: str, html: str) -> list[Source]:
    # An imported post with no body revision has only its HTML (dumps/derive.py).
    return sources_of(markdown) if markdown.strip() else sources_of_html(html)


def _read_batch(posts: list[tuple[int, str, str]]) -> list[tuple[int, list[Source]]]:
    """(id, sources) of (id, markdown, html) posts: the workers' part, no database."""
    return [(pid, _sources_of_post(md, html)) for pid, md, html in posts]


def _read_imported_batch(posts: list[tuple[int, str, str]]) -> list[tuple[int, list[Source]]]:
    """An imported post's sources are read from its HTML: the dump's Body is what its page
    shows (derived Markdown is only the editor's starting point), and lxml reads it in less
    than half the time markdown-it parses the Markdown (bench/sources_backfill.py)."""
    return [(pid, sources_of_html(html)) for pid, _md, html in posts]


def _write_batch(read: list[tuple[int, list[Source]]]) -> int:
    rows = [row for pid, sources in read for row in rows_for(pid, sources)]
    with transaction.atomic():
        PostSource.objects.filter(post_id__in=[pid for pid, _ in read]).delete()
        PostSource.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def fill_batch(posts: list[tuple[int, str, str]]) -> int:
    """Replace the source rows of (id, markdown, html) posts in one statement pair."""
    return _write_batch(_read_batch(posts))


def _batches(last_id: int, site: str | None, size: int):
    """The posts after `last_id`, `size` at a time, as (id, markdown, html), by id."""
    while True:
        posts = list(
            _posts_after(last_id, site)
            .order_by("id")
            .values_list("id", "body_markdown", "body")[:size]
        )
        if not posts:
            return
        yield posts
        last_id = posts[-1][0]


def _posts_after(last_id: int, site: str | None):
    from quaestio.posts.models import Post

    posts = Post.objects.filter(post_type__in=_FILLED_TYPES, id__gt=last_id)
    return posts.filter(imported_from=site) if site is not None else posts


def backfill(
    progress: Callable[[int, int], None] | None = None,
    *,
    restart: bool = False,
    site: str | None = None,
    batch: int = BATCH,
    workers: int | None = None,
) -> tuple[int, int]:
    """Fill every question's and answer's sources, in batches of `batch` posts by id, each
    committed with its checkpoint so an interrupted run resumes (unless `restart`). With
    `site`, only that imported site's posts and no checkpoint: the dump importer's step, run
    in its transaction, reading each post from its HTML (what its page shows). `workers`
    processes read the sources (the CPU count by default). Returns (posts read, source rows
    written)."""
    state = None
    last_id = 0
    if site is None:
        state, _ = SourcesBackfill.objects.get_or_create(id=1)
        if not restart and not state.finished:
            last_id = state.last_post_id
    total = _posts_after(last_id, site).count()
    done = rows_written = 0
    reader = _read_batch if site is None else _read_imported_batch
    # Reading sources is CPU work (a markdown-it or lxml parse per post); the workers do it
    # while this process reads the next posts and writes the rows, in its transaction.
    for read in map_in_workers(reader, _batches(last_id, site, batch), workers):
        with transaction.atomic():
            rows_written += _write_batch(read)
            last_id = read[-1][0]
            if state is not None:
                SourcesBackfill.objects.filter(id=1).update(last_post_id=last_id, finished=False)
        done += len(read)
        if progress:
            progress(min(done, total), total)
    if state is not None:
        SourcesBackfill.objects.filter(id=1).update(last_post_id=last_id, finished=True)
    if progress and done == 0:
        progress(0, 0)
    return done, rows_written

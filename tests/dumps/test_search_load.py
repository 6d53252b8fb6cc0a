"""The search index of imported posts is built while Posts.xml loads, equal to a reindex."""

from __future__ import annotations

import pytest
from django.db import connection

from quaestio.dumps.importer import import_dump
from quaestio.search.models import SearchWord
from quaestio.search.services import reindex_all
from tests.dumps.conftest import MINIMAL, write_dump

pytestmark = pytest.mark.django_db


def _index() -> tuple[dict, set[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT post_id, document::text, pairs::text FROM search_document")
        else:
            cursor.execute("SELECT rowid, title, body, code, url FROM search_fts")
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    return rows, set(SearchWord.objects.values_list("word", flat=True))


@pytest.mark.parametrize("workers", [0, 1])
def test_index_built_during_import_equals_the_live_reindex(generated, quiet, workers):
    """Every question and answer is indexed by the import, exactly as `quaestio reindex`
    indexes it, with the same wildcard vocabulary; the parsing process may be forked or not."""
    import_dump(generated, out=quiet, workers=workers)
    loaded, loaded_words = _index()
    assert loaded, "the import indexed nothing"
    reindex_all()
    rebuilt, rebuilt_words = _index()
    assert loaded == rebuilt
    assert loaded_words == rebuilt_words


def test_imported_posts_are_found_by_search(tmp_path, quiet):
    """A word of an imported question's title finds it through the site's search."""
    from quaestio.search.selectors import search_ids

    import_dump(write_dump(tmp_path / "d", MINIMAL), out=quiet)
    ids, _total = search_ids("hops")
    assert 1 in ids
    ids, _total = search_ids("flow*")  # the wildcard vocabulary knows "flowers"
    assert 2 in ids


def test_a_stale_index_row_is_replaced(tmp_path, quiet):
    """An index row left by a post deleted behind the site's back does not block the import:
    the imported post's row replaces it."""
    from quaestio.search.backends import get_backend
    from quaestio.search.text import build_document

    document, _words = build_document(2, "stale", "<p>stale words</p>")
    get_backend().upsert([document])
    import_dump(write_dump(tmp_path / "d", MINIMAL), out=quiet)
    loaded, _words = _index()
    assert "stale" not in str(loaded[2])


def test_batches_left_unindexed_for_the_importer_index_alike(generated, quiet, monkeypatch):
    """The parsing process hands a batch over unindexed when the importer waits for it; the
    importer then indexes it itself. Every other batch so here: the same index as a reindex."""
    from quaestio.dumps import pipeline

    finish = pipeline._finish
    turns = iter(range(1_000_000))

    handed_over = []

    def alternating(batch, id_index, indexer, _waiting):
        batch = finish(batch, id_index, indexer, lambda: next(turns) % 2 == 0)
        if indexer is not None:
            handed_over.append(batch.unindexed)
        return batch

    monkeypatch.setattr(pipeline, "_finish", alternating)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 16 * 1024)  # several batches of posts
    import_dump(generated, out=quiet, workers=0)
    assert True in handed_over and False in handed_over, handed_over
    loaded, loaded_words = _index()
    reindex_all()
    rebuilt, rebuilt_words = _index()
    assert loaded == rebuilt
    assert loaded_words == rebuilt_words

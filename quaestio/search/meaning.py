"""Similar questions by meaning: each question title's sentence embedding (search/encoder.py),
kept in search_titlevector on either database, searched in process, fused with the words.

Why not pgvector: Debian's PostgreSQL here has no pgvector package, and SQLite needs the same
engine anyway. Each process keeps the vectors of the live site in one float32 matrix (384 ×
4 bytes per question: 150 MB at 100,000 questions) and answers a title with one exact
matrix-vector product (≈15 ms at 100,000) and a partial sort. float16 or int8 in memory would
halve or quarter that, but numpy has no BLAS for them: converting per query cost 10× the
product (bench/meaning.py). The table keeps float16, which the load widens once.

Keeping every process current: each write of vectors takes the next number of the
"title_vectors" counter (core_pagegeneration's row) in its transaction and stamps its rows
with it; the counter's row lock orders the writers, so a reader that sees number N can load
every row stamped up to N. Before answering, a process reads the counter (one indexed read)
and loads the rows newer than what it has. A removed question leaves a row with an empty
vector (a tombstone) so the removal reaches every process the same way. A counter lower than
the process's (a restored backup) reloads everything.

Fusion (see `fused`): the candidates of the word ranking (search/selectors.py) and of the
meaning ranking, ordered by their cosine plus a bonus for a good word rank; suggestions found by
meaning alone must reach QUAESTIO_MEANING_MIN_SIMILARITY, so a title like nothing on the site
still finds nothing.
The filters are today's: live questions only, read from the posts table at query time (a
deleted question's vector may linger in a process until its tombstone arrives; it is never
shown).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction

from quaestio.core.models import PageGeneration
from quaestio.posts.models import Post, PostType

# One BLAS thread unless the deployment says otherwise (set before numpy loads): an ask's
# products are small, and OpenBLAS's second thread spinning for them cost 9x the CPU (395 against
# 43 ms per ask at 100,000 questions on our shared 2 cores, bench/meaning.py's notes).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
try:  # the `meaning` extra; without it similar questions use words only
    import numpy as np
except ImportError:  # pragma: no cover - the demo's plain install
    np = None

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
FUSION_DEPTH = 30  # candidates taken from each ranking before fusing
WORD_WEIGHT = 0.1  # the word ranking's first adds this to a cosine (bench/meaning.py)
EMBED_BATCH = 256  # titles per encoder call and per written transaction in `quaestio embed`

_COUNTER = "title_vectors"
_TABLE = PageGeneration._meta.db_table
_NEXT = (
    f"INSERT INTO {_TABLE} (name, number) VALUES (%s, 1) "
    f"ON CONFLICT (name) DO UPDATE SET number = {_TABLE}.number + 1 RETURNING number"
)
_READ = f"SELECT number FROM {_TABLE} WHERE name = %s"

Progress = Callable[[int, int], None]


# --- the model ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def model_installed() -> bool:
    """Whether the `meaning` extra is here (the packaged model and the tokenizer)."""
    if np is None:
        return False
    try:
        import tokenizers  # noqa: F401

        from quaestio.search.encoder import model_dir

        return (model_dir() / "model.safetensors").exists()
    except ImportError:
        return False


def enabled() -> bool:
    """QUAESTIO_MEANING=on and the extra installed; otherwise similar questions use words only."""
    if getattr(settings, "QUAESTIO_MEANING", "off") != "on":
        return False
    if not model_installed():
        _warn_missing()
        return False
    return True


@lru_cache(maxsize=1)
def _warn_missing() -> None:
    logger.warning(
        "QUAESTIO_MEANING=on but the model is not installed (pip install 'quaestio[meaning]'): "
        "similar questions use words only"
    )


_encoder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _encoder():
    from quaestio.search.encoder import Encoder

    return Encoder()


def embed(titles: list[str]) -> np.ndarray:
    """Unit vectors (float32) of the titles, one row each."""
    with _encoder_lock:  # numpy releases the GIL; one title batch at a time keeps memory flat
        return _encoder().encode(titles)


def digest(title: str) -> str:
    return hashlib.blake2b((title or "").encode(), digest_size=8).hexdigest()


# --- the table -----------------------------------------------------------------------------------


def _next_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [_COUNTER])
        return cursor.fetchone()[0]


def _current_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_READ, [_COUNTER])
        row = cursor.fetchone()
    return row[0] if row else 0


def _write(rows: list[tuple[int, str, bytes]]) -> None:
    """(post id, title digest, float16 bytes or b"" for a tombstone) in one transaction."""
    from quaestio.search.models import TitleVector

    if not rows:
        return
    with transaction.atomic():
        version = _next_version()
        TitleVector.objects.bulk_create(
            [
                TitleVector(post_id=i, model=MODEL_NAME, digest=d, vector=v, version=version)
                for i, d, v in rows
            ],
            update_conflicts=True,
            unique_fields=["post_id"],
            update_fields=["model", "digest", "vector", "version"],
        )


def embed_questions(post_ids: Iterable[int]) -> int:
    """Bring the vectors of these posts up to their titles: embed the questions whose title
    changed, leave a tombstone for those no longer there. Returns how many were embedded."""
    from quaestio.search.models import TitleVector

    ids = sorted(set(post_ids))
    titles = dict(
        Post.objects.filter(id__in=ids, post_type=PostType.QUESTION).values_list("id", "title")
    )
    held = dict(
        TitleVector.objects.filter(post_id__in=ids, model=MODEL_NAME).values_list(
            "post_id", "digest"
        )
    )
    changed = [i for i in ids if i in titles and held.get(i) != digest(titles[i])]
    gone = [i for i in ids if i not in titles and i in held and held[i] != ""]
    vectors = embed([titles[i] for i in changed]) if changed else None
    rows = [(i, digest(titles[i]), _to_bytes(vectors[n])) for n, i in enumerate(changed)]
    rows += [(i, "", b"") for i in gone]
    _write(rows)
    return len(changed)


def remove_questions(post_ids: Iterable[int]) -> None:
    """Tombstones for posts removed from the database."""
    _write([(int(i), "", b"") for i in post_ids])


def embed_all(
    progress: Progress | None = None, everything: bool = False, workers: int | None = None
) -> int:
    """Embed every question without a vector of this model (every question with
    everything=True), EMBED_BATCH titles per transaction, in id order (an interrupted run
    resumes where it stopped); returns how many were embedded.

    `workers` (default QUAESTIO_EMBED_WORKERS, the number of cores) processes encode the
    titles while this one reads them and writes the vectors; 1 encodes here."""
    from quaestio.search.models import TitleVector

    questions = Post.objects.filter(post_type=PostType.QUESTION)
    if not everything:
        done = TitleVector.objects.filter(model=MODEL_NAME).exclude(digest="")
        questions = questions.exclude(id__in=done.values("post_id"))
    total = questions.count()
    if workers is None:
        workers = embed_workers()
    batches = _title_batches(questions)
    embedded = 0
    for batch, vectors in _encoded(batches, min(workers, -(-total // EMBED_BATCH))):
        _write([(i, digest(t), _to_bytes(vectors[n])) for n, (i, t) in enumerate(batch)])
        embedded += len(batch)
        if progress:
            progress(embedded, total)
    if progress and total == 0:
        progress(0, 0)
    return embedded


def embed_workers() -> int:
    """QUAESTIO_EMBED_WORKERS, or the number of cores this process may use."""
    configured = getattr(settings, "QUAESTIO_EMBED_WORKERS", 0)
    if configured >= 1:
        return configured
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _title_batches(questions) -> Iterable[list[tuple[int, str]]]:
    """(id, title) of the questions, EMBED_BATCH at a time in id order, read as asked for."""
    last_id = 0
    while True:
        batch = list(
            questions.filter(id__gt=last_id).order_by("id").values_list("id", "title")[:EMBED_BATCH]
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1][0]


def _encoded(batches, workers: int) -> Iterable[tuple[list[tuple[int, str]], np.ndarray]]:
    """(batch, its titles' vectors): by worker processes when there are two or more batches
    for them, here otherwise (starting a worker costs about a second: the model's load)."""
    if workers < 2:
        for batch in batches:
            yield batch, embed([title for _, title in batch])
        return
    from quaestio.search.encoder import EncoderPool

    with EncoderPool(workers) as pool:
        yield from pool.encode_in_order((batch, [t for _, t in batch]) for batch in batches)


def _to_bytes(vector: np.ndarray) -> bytes:
    return vector.astype("<f2").tobytes()


# --- the in-process index --------------------------------------------------------------------


class _Index:
    """The vectors of this process: a float32 matrix grown by doubling, the post id of each
    row, and the counter number loaded up to."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        # Without numpy (the demo's plain install) meaning is off and the index stays unused.
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32) if np is not None else None
        self.ids = np.zeros(0, dtype=np.int64) if np is not None else None
        self.rows: dict[int, int] = {}
        self.size = 0
        self.version = 0

    def sync(self) -> None:
        current = _current_version()
        if current == self.version:
            return
        if current < self.version:
            self.reset()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT post_id, vector FROM search_titlevector WHERE version > %s AND model = %s",
                [self.version, MODEL_NAME],
            )
            found = cursor.fetchall()
        self._apply(found)
        self.version = current

    def _apply(self, found: list[tuple]) -> None:
        ids, blobs = [], []
        for post_id, blob in found:
            blob = bytes(blob)
            if blob:
                ids.append(post_id)
                blobs.append(blob)
            elif post_id in self.rows:  # a tombstone: the row can never match again
                self.matrix[self.rows[post_id]] = 0.0
        if not ids:
            return
        vectors = np.frombuffer(b"".join(blobs), dtype="<f2").reshape(-1, DIMENSIONS)
        new = [i for i in ids if i not in self.rows]
        self._grow(self.size + len(new))
        for post_id in new:
            self.rows[post_id] = self.size
            self.ids[self.size] = post_id
            self.size += 1
        positions = np.fromiter((self.rows[i] for i in ids), dtype=np.int64, count=len(ids))
        self.matrix[positions] = vectors.astype(np.float32)

    def _grow(self, needed: int) -> None:
        if needed <= len(self.matrix):
            return
        capacity = max(needed, 2 * len(self.matrix), 1024)
        matrix = np.zeros((capacity, DIMENSIONS), dtype=np.float32)
        matrix[: self.size] = self.matrix[: self.size]
        ids = np.zeros(capacity, dtype=np.int64)
        ids[: self.size] = self.ids[: self.size]
        self.matrix, self.ids = matrix, ids

    def nearest(self, vector: np.ndarray, k: int, floor: float) -> list[tuple[int, float]]:
        if self.size == 0 or k <= 0:
            return []
        scores = self.matrix[: self.size] @ vector
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] >= floor]

    def cosines(self, vector: np.ndarray, post_ids: list[int]) -> dict[int, float]:
        held = [i for i in post_ids if i in self.rows]
        if not held:
            return {}
        rows = self.matrix[[self.rows[i] for i in held]]
        return dict(zip(held, (rows @ vector).tolist(), strict=True))


_index = _Index()


def forget() -> None:
    """Empty this process's index (tests roll the table back under it)."""
    with _index.lock:
        _index.reset()


def nearest_questions(title: str, k: int) -> list[tuple[int, float]]:
    """(post id, cosine) of the k live questions whose titles mean most nearly `title`, at
    least QUAESTIO_MEANING_MIN_SIMILARITY alike, best first."""
    found, _ = _nearest_and_cosines(title, k, [])
    return found


def _nearest_and_cosines(
    title: str, k: int, also: list[int]
) -> tuple[list[tuple[int, float]], dict[int, float]]:
    """The k nearest live questions, and the cosines of the questions `also` lists."""
    vector = embed([title])[0]
    floor = float(getattr(settings, "QUAESTIO_MEANING_MIN_SIMILARITY", 0.5))
    with _index.lock:
        _index.sync()
        # Over-fetch: some of the nearest may be deleted questions, dropped just below.
        found = _index.nearest(vector, 2 * k + 10, floor)
        cosines = _index.cosines(vector, also)
    live = set(
        Post.objects.filter(
            id__in=[i for i, _ in found], post_type=PostType.QUESTION, deletion_date__isnull=True
        ).values_list("id", flat=True)
    )
    return [(i, s) for i, s in found if i in live][:k], cosines


def fused(title: str, word_ranked: list[int], limit: int) -> list[int]:
    """The `limit` best of the word ranking's and the meaning ranking's candidates, by the
    cosine of their titles plus WORD_WEIGHT / (1 + word rank) for those the words found.

    Not reciprocal rank fusion: it lifts whatever both lists hold, and a title sharing two
    words while meaning something else is in both (its cosine passes the floor) while a
    paraphrase is only in one; scores keep how much nearer the paraphrase is."""
    words = word_ranked[:FUSION_DEPTH]
    try:
        found, cosines = _nearest_and_cosines(title, FUSION_DEPTH, words)
    except Exception:  # a broken model must not take the ask page down: words still answer
        logger.exception("similar questions by meaning failed; words only")
        return word_ranked[:limit]
    scores = dict(found)
    for rank, post_id in enumerate(words):
        scores[post_id] = cosines.get(post_id, 0.0) + WORD_WEIGHT / (1 + rank)
    word_rank = {post_id: rank for rank, post_id in enumerate(words)}
    order = sorted(scores, key=lambda i: (-scores[i], word_rank.get(i, len(words)), -i))
    return order[:limit]


# --- writes from the site --------------------------------------------------------------------


def schedule_embed(post_id: int) -> None:
    """Embed the question's title by a task once the current transaction commits."""
    if enabled():
        transaction.on_commit(lambda: _enqueue("embed", post_id))


def schedule_remove(post_id: int) -> None:
    if enabled():
        transaction.on_commit(lambda: _enqueue("remove", post_id))


def _enqueue(action: str, post_id: int) -> None:
    from quaestio.search import tasks

    try:
        task = tasks.embed_question if action == "embed" else tasks.remove_question_vector
        task.enqueue(post_id)
    except Exception:  # the write has committed; `quaestio embed` repairs what was missed
        logger.exception("title embedding failed for post %s", post_id)

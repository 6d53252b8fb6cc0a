"""Parsing a dump file into batches of database rows, in a second process when possible.

Parsing, converting and rendering (lxml, nh3, markdown-it) are pure CPU work that needs no
database; inserting needs the one connection that holds the import's transaction. So a forked
producer process parses the file while the importer inserts the previous batch, and the two
cores of our machines both work. A bounded queue keeps at most a few batches in flight, so
memory stays flat. Where fork is unavailable (or with workers=0) the same generator runs in
the importer's own process.
"""

from __future__ import annotations

import json
import multiprocessing
import queue as queue_module
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from quaestio.dumps.errors import DumpError
from quaestio.dumps.schema import DumpFileSpec
from quaestio.dumps.source import DumpSource
from quaestio.dumps.xmlio import CountingReader, iter_rows

IN_FLIGHT = 2  # batches the producer may run ahead of the inserts
# A batch also ends after this much XML, so files of long rows (Posts, PostHistory) do not
# make batches, and so memory, grow with the batch's row count.
BATCH_BYTES = 1024 * 1024


@dataclass
class Batch:
    rows: list[list]
    extras: list[tuple]  # (file code, row id, JSON) for DumpExtra
    rows_so_far: int
    bytes_read: int
    size: int | None
    sequences: set[tuple[str, ...]] = field(default_factory=set)  # attribute orders, last batch
    last: bool = False
    low_id: int = 0  # the smallest and largest row id in `rows` (rows non-empty)
    high_id: int = 0
    index_rows: list[tuple] = field(default_factory=list)  # search engine rows (Posts.xml)
    index_words: list[str] = field(default_factory=list)  # new wildcard vocabulary words
    unindexed: bool = False  # left for the importer to index (it was waiting for this batch)


def parse_batches(
    source: DumpSource,
    spec: DumpFileSpec,
    convert: Callable,
    finish_row: Callable[[list], None] | None,
    id_index: int,
    batch_size: int,
    indexer=None,
    consumer_waiting: Callable[[], bool] | None = None,
) -> Iterator[Batch]:
    """The file's rows in batches. With `indexer` (a searchload.PostIndexer: Posts.xml), each
    batch also carries its posts' search engine rows, built here rather than in the importer:
    the importer is the one process that can insert, so CPU work that needs no database is
    moved off it. Unless the importer is already waiting for this process (`consumer_waiting`,
    when parsing runs in a process of its own): then the batch goes out unindexed and the
    importer, idle otherwise, indexes it, so the two cores share Posts.xml's work as it comes."""
    sequences: set[tuple[str, ...]] = set()
    # One encoder for the file: json.dumps with options builds a new encoder on every call.
    encode = json.JSONEncoder(ensure_ascii=False).encode
    code = spec.code
    rows_so_far = 0
    with source.open(spec.filename) as (stream, size):
        counting = CountingReader(stream)
        rows: list[list] = []
        extras: list[tuple] = []
        batch_ends = BATCH_BYTES
        for attributes, line in iter_rows(counting, spec.filename, spec.root):
            values, extra = convert(attributes, line)
            sequences.add(tuple(attributes))
            if finish_row is not None:
                finish_row(values)
            rows.append(values)
            if extra is not None:
                extras.append((code, values[id_index], encode(extra)))
            if len(rows) >= batch_size or counting.bytes_read >= batch_ends:
                batch_ends = counting.bytes_read + BATCH_BYTES
                rows_so_far += len(rows)
                batch = Batch(rows, extras, rows_so_far, counting.bytes_read, size)
                yield _finish(batch, id_index, indexer, consumer_waiting)
                rows, extras = [], []
        rows_so_far += len(rows)
        last = Batch(rows, extras, rows_so_far, counting.bytes_read, size, sequences, last=True)
        yield _finish(last, id_index, indexer, consumer_waiting)


def _finish(batch: Batch, id_index: int, indexer, consumer_waiting) -> Batch:
    """The batch's id range and (Posts.xml) search rows, computed in the parsing process."""
    if batch.rows:
        ids = [values[id_index] for values in batch.rows]
        batch.low_id, batch.high_id = min(ids), max(ids)
        if indexer is not None and consumer_waiting is not None and consumer_waiting():
            batch.unindexed = True
        elif indexer is not None:
            for values in batch.rows:
                indexer.add(values)
            batch.index_rows, batch.index_words = indexer.drain()
    return batch


def _produce(out: multiprocessing.Queue, waiting, arguments: tuple) -> None:
    try:
        for batch in parse_batches(*arguments, lambda: waiting.value == 1):
            out.put(("batch", batch))
    except DumpError as error:
        out.put(("dump-error", (error.reason, error.file, error.line, error.row_id)))
    except BaseException as error:  # noqa: BLE001 - reported to the importer, which raises
        out.put(("crash", f"{type(error).__name__}: {error}"))


class Producer:
    """Parses one file into batches, in a forked process started at once (so the next file
    can be parsed while this one is inserted) or, with workers=0, lazily in this process."""

    def __init__(
        self,
        source: DumpSource,
        spec: DumpFileSpec,
        convert: Callable,
        finish_row: Callable[[list], None] | None,
        id_index: int,
        batch_size: int,
        workers: int,
        indexer=None,
    ) -> None:
        self.spec = spec
        self.arguments = (source, spec, convert, finish_row, id_index, batch_size, indexer)
        self.process = None
        if workers >= 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.channel = context.Queue(maxsize=IN_FLIGHT)
            # 1 while the importer waits for this file's next batch (shared memory, no lock:
            # one writer, and a stale read only changes who indexes a batch, not the result).
            self.waiting = context.RawValue("b", 0)
            self.process = context.Process(
                target=_produce, args=(self.channel, self.waiting, self.arguments), daemon=True
            )
            self.process.start()

    def batches(self) -> Iterator[Batch]:
        if self.process is None:
            yield from parse_batches(*self.arguments)
            return
        try:
            while True:
                try:
                    self.waiting.value = 1
                    kind, payload = self.channel.get(timeout=1.0)
                    self.waiting.value = 0
                except queue_module.Empty:
                    if not self.process.is_alive():
                        raise DumpError(
                            "the parsing process stopped unexpectedly", file=self.spec.filename
                        ) from None
                    continue
                if kind == "dump-error":
                    reason, file, line, row_id = payload
                    raise DumpError(reason, file=file, line=line, row_id=row_id)
                if kind == "crash":
                    raise DumpError(f"could not read the file: {payload}", file=self.spec.filename)
                yield payload
                if payload.last:
                    break
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()

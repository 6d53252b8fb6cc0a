"""Parsing the dump's files into batches of database rows, in a second process when possible.

Parsing, converting and rendering (expat, nh3, the comment renderer, search documents) are
pure CPU work that needs no database; inserting needs the one connection that holds the
import's transaction. So one forked process parses every file, in import order, while the
importer inserts, and the two cores of our machines both work. The parsing process spools its
batches to disk rather than handing them over through a short queue, so it never waits for the
inserts (nor for what the importer does between files); at most SPOOL_AHEAD batches are unread,
and each process holds one batch at a time, so memory stays flat. Where fork is unavailable
(or with workers=0) the same generator runs in the importer's own process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import queue as queue_module
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from quaestio.dumps.errors import DumpError
from quaestio.dumps.schema import DumpFileSpec
from quaestio.dumps.source import DumpSource
from quaestio.dumps.xmlio import CountingReader, iter_rows

# Batches the parsing process may have spooled that the importer has not read yet: enough to
# parse on through an index build between two files; bounds the spool's disk use (each batch
# holds at most 10,000 rows or about 1 MB of XML).
SPOOL_AHEAD = 64
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


@dataclass
class FileJob:
    """What the parsing process needs to turn one dump file into batches."""

    spec: DumpFileSpec
    convert: Callable
    finish_row: Callable[[list], None] | None
    id_index: int
    batch_size: int
    indexer: object = None  # a searchload.PostIndexer for Posts.xml

    def batches(self, source: DumpSource, consumer_waiting=None) -> Iterator[Batch]:
        return parse_batches(
            source,
            self.spec,
            self.convert,
            self.finish_row,
            self.id_index,
            self.batch_size,
            self.indexer,
            consumer_waiting,
        )


def _parse_all(channel, waiting, room, spool: str, source: DumpSource, jobs: list) -> None:
    """The parsing process: every file in import order, each batch pickled to a spool file of
    its own and announced on `channel`. It waits only when SPOOL_AHEAD batches are unread."""
    try:
        number = 0
        for job in jobs:
            for batch in job.batches(source, lambda: waiting.value == 1):
                data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
                room.acquire()
                number += 1
                path = os.path.join(spool, str(number))
                with open(path, "wb") as out:
                    out.write(data)
                channel.put(("batch", (job.spec.name, path)))
    except DumpError as error:
        channel.put(("dump-error", (error.reason, error.file, error.line, error.row_id)))
    except BaseException as error:  # noqa: BLE001 - reported to the importer, which raises
        channel.put(("crash", f"{type(error).__name__}: {error}"))


class Parser:
    """Parses the dump's files, in import order, in one forked process (or, with workers=0 or
    without fork, lazily in this process as the importer asks for each file's batches).

    The parsing process does not wait for the inserts: its batches go to a spool on disk, at
    most SPOOL_AHEAD of them unread, each file deleted once the importer has read it. So the
    parsing of every file runs at its own speed while the importer inserts and, between files,
    does work of its own (index builds, checks) that used to leave the parsing core idle; and
    both processes' memory stays flat (one batch each), whatever the dump's size.
    """

    def __init__(self, source: DumpSource, jobs: list[FileJob], workers: int) -> None:
        self.source = source
        self.jobs = {job.spec.name: job for job in jobs}
        self.process = None
        self.waited = 0.0  # seconds the importer waited for the parsing process (the bench)
        if workers >= 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.spool = tempfile.mkdtemp(prefix="quaestio-import-spool-")
            self.channel = context.Queue()  # small messages: at most SPOOL_AHEAD + 1 pending
            self.room = context.Semaphore(SPOOL_AHEAD)
            # 1 while the importer waits for the next batch (shared memory, no lock: one
            # writer, and a stale read only changes who indexes a batch, not the result).
            self.waiting = context.RawValue("b", 0)
            self.process = context.Process(
                target=_parse_all,
                args=(self.channel, self.waiting, self.room, self.spool, source, jobs),
                daemon=True,
            )
            self.process.start()

    def batches(self, spec: DumpFileSpec) -> Iterator[Batch]:
        """The file's batches; files must be asked for in the order the jobs were given."""
        if self.process is None:
            yield from self.jobs[spec.name].batches(self.source)
            return
        while True:
            name, path = self._next(spec)
            if name != spec.name:  # pragma: no cover - a bug in the importer's file order
                raise RuntimeError(f"expected a batch of {spec.filename}, got one of {name}")
            with open(path, "rb") as spooled:
                batch = pickle.load(spooled)
            os.unlink(path)
            self.room.release()
            yield batch
            if batch.last:
                return

    def _next(self, spec: DumpFileSpec) -> tuple[str, str]:
        """The next batch's (file name, spool path); raises the parsing process's errors."""
        began = time.perf_counter()
        while True:
            try:
                self.waiting.value = 1
                kind, payload = self.channel.get(timeout=1.0)
                self.waited += time.perf_counter() - began
            except queue_module.Empty:
                if not self.process.is_alive():
                    raise DumpError(
                        "the parsing process stopped unexpectedly", file=spec.filename
                    ) from None
                continue
            finally:
                self.waiting.value = 0
            if kind == "dump-error":
                reason, file, line, row_id = payload
                raise DumpError(reason, file=file, line=line, row_id=row_id)
            if kind == "crash":
                raise DumpError(f"could not read the file: {payload}", file=spec.filename)
            return payload

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            shutil.rmtree(self.spool, ignore_errors=True)
            self.process = None

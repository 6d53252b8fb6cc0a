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
# parse on through the index builds between two files; bounds the spool's disk use (each batch
# holds at most 10,000 rows or about 1 MB of XML, so at most about 128 MB on disk). At 64 the
# parsing process stalled for a second or more while PostgreSQL built the search indexes after
# Posts.xml, with PostHistory, Comments and Votes still to parse.
SPOOL_AHEAD = 128
# A batch also ends after this much XML, so files of long rows (Posts, PostHistory) do not
# make batches, and so memory, grow with the batch's row count.
BATCH_BYTES = 1024 * 1024
# A spool folder is named for the importer's process id, so a later import can tell the
# folders of importers that died without cleaning up (kill -9) from those still running.
SPOOL_PREFIX = "quaestio-import-spool-"


@dataclass
class Batch:
    rows: list[list]  # database rows, in file order, followed by those of `raw` once converted
    rows_so_far: int
    bytes_read: int
    size: int | None
    sequences: set[tuple[str, ...]] = field(default_factory=set)  # attribute orders, last batch
    last: bool = False
    # The batch's last rows as the dump gave them, (attributes, line): handed over unconverted
    # because the importer was waiting for this batch; it converts them itself (`complete`).
    raw: list[tuple[dict[str, str], int]] = field(default_factory=list)
    extras: list[tuple] = field(default_factory=list)  # (file code, row id, JSON): DumpExtra
    low_id: int = 0  # the smallest and largest row id in `rows` (rows non-empty)
    high_id: int = 0
    index_rows: list[tuple] = field(default_factory=list)  # search engine rows (Posts.xml)
    index_words: list[str] = field(default_factory=list)  # new wildcard vocabulary words
    # Left for the importer to finish (it was waiting): `raw` rows, id range, search rows.
    handed_over: bool = False
    # PostgreSQL: rows, extras and search rows that `_finish` formatted as COPY text (and took
    # out of `rows`, `extras`, `index_rows`); the importer hands them to COPY as they are.
    copy_rows: CopyText | None = None  # only rows the importer need not see (FileJob.held)
    copy_extras: CopyText | None = None
    copy_index: CopyText | None = None
    index_ids: list[int] = field(default_factory=list)  # post ids of the search rows


@dataclass
class CopyText:
    """Rows formatted for COPY (bulk.copy_text_formatter), how many, and their ids' range."""

    data: bytearray
    count: int
    low_id: int = 0
    high_id: int = 0


# How many rows the parsing process converts between two looks at whether the importer waits.
WAIT_CHECK_ROWS = 256


@dataclass
class FileJob:
    """What it takes to turn one dump file into batches of database rows."""

    spec: DumpFileSpec
    convert: Callable
    finish_row: Callable[[list], None] | None
    id_index: int
    batch_size: int
    indexer: object = None  # a searchload.PostIndexer for Posts.xml
    # PostgreSQL: rows -> COPY text (bulk.copy_text_formatter); None keeps rows as lists.
    to_copy_text: Callable | None = None
    # Rows the importer must see as values (its per-row hooks); the others go as COPY text.
    held: Callable[[list], bool] | None = None
    # One encoder for the file: json.dumps with options builds a new encoder on every call.
    encode: Callable[[dict], str] = field(
        default_factory=lambda: json.JSONEncoder(ensure_ascii=False).encode, repr=False
    )

    def batches(
        self, source: DumpSource, consumer_waiting: Callable[[], bool] | None = None
    ) -> Iterator[Batch]:
        """The file's rows in batches, each row converted here as it is read (sanitised,
        rendered; Posts.xml's search rows built per batch), unless the importer is waiting for
        this process (`consumer_waiting`, when parsing runs in a process of its own): then the
        rest of the batch goes out raw and the importer, idle otherwise, converts and indexes
        it itself (`complete`). So the two cores share the per-row work as it comes, whichever
        of them is behind."""
        spec = self.spec
        sequences: set[tuple[str, ...]] = set()
        rows_so_far = 0
        with source.open(spec.filename) as (stream, size):
            counting = CountingReader(stream)
            batch = Batch([], 0, 0, size)
            rows, raw = batch.rows, batch.raw
            batch_ends = BATCH_BYTES
            try:
                for pair in iter_rows(counting, spec.filename, spec.root):
                    attributes, line = pair
                    sequences.add(tuple(attributes))
                    if batch.handed_over:
                        raw.append(pair)
                    else:
                        self._convert_into(batch, attributes, line)
                        if (
                            consumer_waiting is not None
                            and len(rows) % WAIT_CHECK_ROWS == 0
                            and consumer_waiting()
                        ):
                            batch.handed_over = True
                    if len(rows) + len(raw) >= self.batch_size or counting.bytes_read >= batch_ends:
                        batch_ends = counting.bytes_read + BATCH_BYTES
                        rows_so_far += len(rows) + len(raw)
                        batch.rows_so_far, batch.bytes_read = rows_so_far, counting.bytes_read
                        yield self._hand_over(batch)
                        batch = Batch([], 0, 0, size)
                        rows, raw = batch.rows, batch.raw
            except DumpError:
                # Raw rows come before the malformed spot in the file: an error of theirs is
                # the one to report.
                self.complete(batch)
                raise
            rows_so_far += len(rows) + len(raw)
            batch.rows_so_far, batch.bytes_read = rows_so_far, counting.bytes_read
            batch.sequences, batch.last = sequences, True
            yield self._hand_over(batch)

    def _hand_over(self, batch: Batch) -> Batch:
        """The batch, finished here unless the importer takes it over."""
        return batch if batch.handed_over else self._finish(batch)

    def complete(self, batch: Batch) -> Batch:
        """Finish a handed-over batch: convert its raw rows, then as `_finish`."""
        for attributes, line in batch.raw:
            self._convert_into(batch, attributes, line)
        batch.raw, batch.handed_over = [], False
        return self._finish(batch)

    def _convert_into(self, batch: Batch, attributes: dict[str, str], line: int) -> None:
        """One dump row converted (sanitised, rendered) into the batch's database rows, its
        unknown attributes into the batch's extras: the same in either process."""
        values, extra = self.convert(attributes, line)
        if self.finish_row is not None:
            self.finish_row(values)
        batch.rows.append(values)
        if extra is not None:
            batch.extras.append((self.spec.code, values[self.id_index], self.encode(extra)))

    def _finish(self, batch: Batch) -> Batch:
        """The batch's id range and (Posts.xml) search rows, then (PostgreSQL) its COPY text."""
        if batch.rows:
            ids = [values[self.id_index] for values in batch.rows]
            batch.low_id, batch.high_id = min(ids), max(ids)
            if self.indexer is not None:
                for values in batch.rows:
                    self.indexer.add(values)
                batch.index_rows, batch.index_words = self.indexer.drain()
        if self.to_copy_text is not None:
            self._as_copy_text(batch)
        return batch

    def _as_copy_text(self, batch: Batch) -> None:
        """Format what the importer only writes (rows it need not see, extras, search rows) as
        COPY text, here, in whichever process finishes the batch."""
        to_text, id_index = self.to_copy_text, self.id_index
        if self.held is None:
            written, batch.rows = batch.rows, []
        else:
            written, held = [], []
            for values in batch.rows:
                (held if self.held(values) else written).append(values)
            batch.rows = held
        if written:
            ids = [values[id_index] for values in written]
            batch.copy_rows = CopyText(to_text(written), len(written), min(ids), max(ids))
        if batch.extras:
            batch.copy_extras = CopyText(to_text(batch.extras), len(batch.extras))
            batch.extras = []
        if batch.index_rows:
            batch.index_ids = [row[0] for row in batch.index_rows]
            batch.copy_index = CopyText(to_text(batch.index_rows), len(batch.index_rows))
            batch.index_rows = []


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


def remove_stale_spools(folder: str | None = None) -> list[str]:
    """Deletes the spool folders of importers no longer running; returns their paths."""
    folder = folder or tempfile.gettempdir()
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        pid = name[len(SPOOL_PREFIX) :].partition("-")[0]
        if not name.startswith(SPOOL_PREFIX) or not pid.isdigit() or _running(int(pid)):
            continue
        path = os.path.join(folder, name)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to judge
        return True
    except OverflowError:
        return False
    return True


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
            remove_stale_spools()
            self.spool = tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-")
            self.channel = context.Queue()  # small messages: at most SPOOL_AHEAD + 1 pending
            self.room = context.Semaphore(SPOOL_AHEAD)
            # 1 while the importer waits for the next batch (shared memory, no lock: one
            # writer, and a stale read only changes which process converts some rows, not
            # the rows).
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

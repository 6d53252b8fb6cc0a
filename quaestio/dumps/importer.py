"""`quaestio import-dump`: load a Stack Exchange data dump, streaming, in one transaction.

The importer is the one audited exception to "services write the domain tables" (DESIGN.md):
it bulk-loads rows exactly as the dump gives them (ids kept), then derives what the live site
keeps denormalised and runs the live site's own recount. Everything happens in one transaction:
any bad row rolls the whole import back, so the database is either untouched or fully loaded.

Policies (stated here, counted in the report):
* Votes and PostLinks pointing at posts missing from the dump (deleted posts) are kept as they
  are, so export gives them back; so are accepted-answer and tag-wiki ids of missing posts.
* A post, revision, comment or badge pointing at a missing user or post is an error: real dumps
  never carry one (the dump drops the ids of deleted users), so it means a damaged file.
* The dump's Score is kept; scores are not recounted from votes, because the dump's votes are
  incomplete (votes of deleted users vanish, vote rows on deleted posts remain). The report
  says how many posts' scores differ from their votes. Every other counter is recounted.
* The dump's Community user (Id -1) updates the site's own Community user.
* Tags named by posts but missing from Tags.xml are created (new ids) and counted.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TextIO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.core import site_counts
from quaestio.dumps import checks, derive, indexes, pipeline, searchload
from quaestio.dumps.bulk import BulkWriter, copy_text_formatter, driver_errors
from quaestio.dumps.errors import DumpError
from quaestio.dumps.models import DumpImport
from quaestio.dumps.progress import Progress, say
from quaestio.dumps.render import comment_html
from quaestio.dumps.report import FileResult, ImportReport
from quaestio.dumps.rows import build_converter, table_columns
from quaestio.dumps.schema import (
    BADGES,
    COMMENTS,
    IMPORT_ORDER,
    POST_HISTORY,
    POSTS,
    TAGS,
    USERS,
    VOTES,
    DumpFileSpec,
)
from quaestio.dumps.source import DumpSource
from quaestio.dumps.sqlite_session import (
    sqlite_import_memory,
    sqlite_references_checked_by_importer,
)
from quaestio.moderation.notice_import import notices_from_history
from quaestio.posts.models import parse_tags
from quaestio.reputation.services import record_opening_balances
from quaestio.search.backends import get_backend
from quaestio.search.backends.base import WORDS_TABLE

DEFAULT_BATCH_SIZE = 10_000
UNUSABLE_PASSWORD = "!"  # imported users sign in only after claiming their account


class _Rejected(Exception):
    """The database refused a batch; the import is rolled back and the file diagnosed."""

    def __init__(self, spec: DumpFileSpec, ids: tuple[int, int], message: str) -> None:
        super().__init__(message)
        self.spec = spec
        self.ids = ids
        self.message = message


def import_dump(
    path: str | Path,
    *,
    site: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    out: TextIO | None = None,
    workers: int = 1,
) -> ImportReport:
    """Import the dump at `path`. workers=1 parses in a second process; 0 in this one."""
    source = DumpSource(path)
    importer = Importer(source, site or source.site_name, batch_size, out or sys.stderr, workers)
    return importer.run()


def topological_order(sequences: set[tuple[str, ...]]) -> list[str]:
    """One attribute order that every observed row order agrees with (first seen wins ties)."""
    first_seen: dict[str, int] = {}
    after: dict[str, set[str]] = {}
    for sequence in sorted(sequences, key=lambda seq: (-len(seq), seq)):
        for position, name in enumerate(sequence):
            first_seen.setdefault(name, len(first_seen))
            after.setdefault(name, set()).update(sequence[position + 1 :])
    before_count = {name: 0 for name in after}
    for laters in after.values():
        for later in laters:
            before_count[later] += 1
    order: list[str] = []
    ready = sorted((n for n, c in before_count.items() if c == 0), key=first_seen.get)
    while ready:
        name = ready.pop(0)
        order.append(name)
        for later in after[name]:
            before_count[later] -= 1
            if before_count[later] == 0:
                ready.append(later)
        ready.sort(key=first_seen.get)
    # A cycle (rows disagreeing on order) cannot be reproduced by one order; keep the rest.
    order.extend(sorted(set(after) - set(order), key=first_seen.get))
    return order


class Importer:
    def __init__(
        self, source: DumpSource, site: str, batch_size: int, out: TextIO, workers: int = 1
    ) -> None:
        self.source = source
        self.workers = workers
        self.parser: pipeline.Parser | None = None
        self.columns: dict[str, list[str]] = {}
        self.jobs: dict[str, pipeline.FileJob] = {}
        self.loaded: set[DumpFileSpec] = set()
        self.steps_done: set[str] = set()
        self.check_references = True  # by the importer's own queries (SQLite); see run()
        self.dropped: dict[str, list[tuple[str, str]]] = {}  # plain indexes, by table
        self.analyzed: set[str] = set()
        self.built: set[str] = set()
        self.kept_dangling: dict[str, int] = {}
        self.constraints: list[tuple[str, str, str]] = []  # foreign keys dropped for the load
        self.restored: list[tuple[str, str, str]] = []
        self.site = site
        self.batch_size = batch_size
        self.out = out
        self.report = ImportReport(site=site)
        self.id_ranges: dict[str, list[int]] = {}
        self.orders: dict[str, list[str]] = {}
        self.community_values: list | None = None
        # PostgreSQL: batches come with their rows preformatted for COPY (see bulk.py).
        self.to_copy_text = copy_text_formatter()

    # --- the whole import ---------------------------------------------------------------

    def run(self) -> ImportReport:
        self._refuse_repeat()
        for spec in IMPORT_ORDER:
            if spec.required_file and not self.source.has(spec.filename):
                raise DumpError(
                    f"{spec.filename} is missing from {self.source.path}; a dump needs it"
                )
        started = time.perf_counter()
        say(f"Importing {self.site} from {self.source.path}", self.out)
        try:
            with sqlite_import_memory(), sqlite_references_checked_by_importer():
                self._run_in_transaction(started)
        except _Rejected as rejected:
            # The transaction is rolled back; read the file again to say which row was at fault.
            raise checks.diagnose(
                self.source, rejected.spec, rejected.ids, rejected.message
            ) from None
        self._refresh_statistics()
        self.report.elapsed = time.perf_counter() - started
        return self.report

    def _refresh_statistics(self) -> None:
        """Planner statistics of the finished tables, indexes included, once the import is in.

        PostgreSQL, once the import has committed: VACUUM (ANALYZE) the loaded tables. The
        rows COPY wrote are not yet marked all-visible, so every index-only scan still reads
        the table's pages (measured at scale 190 just after an import: the 1,000th page of the
        score tab 279 ms of SQL with 31,566 heap fetches, /users page 10,000 471 ms; after this
        VACUUM 7 and 27 ms), until autovacuum comes round, which on a busy box took longer than
        the benchmark. It runs outside the import's transaction (VACUUM cannot run in one), so
        it changes no row; inside an outer transaction (tests) it is left to autovacuum.

        SQLite: ANALYZE the loaded tables again. Each file's tables were analysed before their
        indexes were built, and SQLite never analyses by itself, so its planner knew nothing of
        the lists' partial indexes and took (post_type, score) for the score tab, sorting every
        question: 90 ms for page 1 at scale 190, 0.07 ms with the statistics (6 s of ANALYZE)."""
        quote = connection.ops.quote_name
        tables = ", ".join(quote(table) for table in loaded_tables())
        if connection.vendor == "sqlite":
            with self._phase("analyze the loaded tables and their indexes"):
                with connection.cursor() as cursor:
                    for table in loaded_tables():
                        cursor.execute(f"ANALYZE {quote(table)}")
            return
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with self._phase("vacuum and analyze the loaded tables"):
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")

    def _run_in_transaction(self, started: float) -> None:
        with transaction.atomic():
            record = DumpImport.objects.create(site=self.site, source=str(self.source.path))
            self._prepare()
            loaded = loaded_tables()
            self.dropped = {table: indexes.plain_indexes([table]) for table in loaded}
            for table_indexes in self.dropped.values():
                indexes.drop(table_indexes)
            self.constraints = indexes.drop_foreign_keys(indexes.foreign_keys(loaded))
            # With the foreign keys dropped for the load (PostgreSQL), adding them back
            # validates the same references: the named check runs only if one of them
            # fails (_restore_foreign_keys), not twice on every import.
            self.check_references = not self.constraints
            with site_counts.paused_for_import():
                self._load_files()  # and, between files, every step the loaded files allow
                self.report.load_seconds = time.perf_counter() - started
                self._run_ready_steps()
                with self._phase("analyze, build indexes and add foreign keys of the rest"):
                    self._settle_tables(loaded)
                    self._restore_foreign_keys(self.constraints)
            with self._phase("recount the site's counts (questions, users, tags, badges)"):
                self.report.recount.update(site_counts.recount_site_counts())
            self._finish(record)
            say(f"  search index: {self.index_writer.indexed:,} posts indexed", self.out)
            self.report.elapsed = time.perf_counter() - started
            record.report = self.report.as_dict()
            record.finished = timezone.now()
            record.save(update_fields=["report", "finished", "attribute_orders", "id_ranges"])

    def _load_files(self) -> None:
        present = [spec for spec in IMPORT_ORDER if self.source.has(spec.filename)]
        self.report.missing_files = [spec.filename for spec in IMPORT_ORDER if spec not in present]
        # Absent files count as loaded: the steps waiting for them can run without them.
        self.loaded = {spec for spec in IMPORT_ORDER if spec not in present}
        self.parser = pipeline.Parser(
            self.source, [self._job(spec) for spec in present], self.workers
        )
        try:
            for spec in present:
                self._load(spec)
                self.loaded.add(spec)
                # The parsing process is busy with the files ahead meanwhile: what the loaded
                # files allow is done now, on this core, not after the load with one core idle.
                self._run_ready_steps()
        finally:
            self.report.waited_for_parsing = self.parser.waited
            self.parser.stop()

    def _refuse_repeat(self) -> None:
        earlier = DumpImport.objects.filter(site=self.site).first()
        if earlier:
            raise DumpError(
                f"the dump of {self.site} was already imported here on "
                f"{earlier.started:%Y-%m-%d %H:%M} UTC; importing it again would duplicate it, "
                "so nothing was changed (import into a fresh data directory to start over)"
            )

    def _prepare(self) -> None:
        from quaestio.accounts.models import User
        from quaestio.tags.models import Tag

        self.community_exists = User.objects.filter(id=COMMUNITY_USER_ID).exists()
        self.tag_ids: dict[str, int] = dict(Tag.objects.values_list("name", "id"))
        self.next_tag_id = max(self.tag_ids.values(), default=0) + 1
        self.post_tags: list[tuple[int, int, int]] = []
        self.post_tag_writer = BulkWriter("tags_posttag", ["post_id", "tag_id", "position"])
        self.new_tag_writer = BulkWriter("tags_tag", ["id", "name", "count", *_TAG_FLAGS])
        self.index_writer = searchload.IndexWriter()

    # --- one file -----------------------------------------------------------------------

    def _job(self, spec: DumpFileSpec) -> pipeline.FileJob:
        """What the parsing process needs for a file (and the columns its rows fill)."""
        columns, defaults = table_columns(spec.table)
        self.columns[spec.name] = columns
        self._site_defaults(spec, columns, defaults)
        self.jobs[spec.name] = pipeline.FileJob(
            spec,
            build_converter(spec, columns, defaults),
            _finisher(spec, columns),
            columns.index("id"),
            self.batch_size,
            # Posts are indexed where they are converted: by the parsing process unless the
            # importer, the one process that can insert, is waiting for it.
            searchload.PostIndexer(columns) if spec is POSTS else None,
            self.to_copy_text,
            _held_rows(spec, columns),
        )
        return self.jobs[spec.name]

    def _load(self, spec: DumpFileSpec) -> None:
        if spec is USERS and self.community_exists:
            # A site that imported another dump before keeps one Community; this dump's wins.
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM dumps_dumpextra WHERE file = %s AND row_id = %s",
                    [USERS.code, COMMUNITY_USER_ID],
                )
        columns = self.columns[spec.name]
        id_index = columns.index("id")
        keep = self._hook(spec, columns)
        job = self.jobs[spec.name]
        writer = BulkWriter(spec.table, columns)
        extra_writer = BulkWriter("dumps_dumpextra", ["file", "row_id", "data"])
        result = FileResult(spec.filename)
        progress = Progress(spec.filename, self.source.size(spec.filename), self.out)
        for batch in self.parser.batches(spec):
            if batch.handed_over:  # the parsing process was behind: this process finishes it
                job.complete(batch)
            progress.total = batch.size or progress.total  # an archive's file: known once out
            if keep is None:
                rows, span = batch.rows, (batch.low_id, batch.high_id)
            else:
                rows = [values for values in batch.rows if keep(values)]
                span = (batch.low_id, batch.high_id) if len(rows) == len(batch.rows) else None
            self._flush(spec, writer, extra_writer, rows, batch, id_index, span)
            if batch.index_rows or batch.copy_index or batch.index_words:
                self.index_writer.write(batch)
            result.rows = batch.rows_so_far
            if batch.last:
                result.seconds = progress.done(result.rows)
                result.start_rate, result.end_rate = progress.start_rate, progress.end_rate
                self.orders[spec.name] = topological_order(batch.sequences)
            else:
                progress.update(result.rows, batch.bytes_read)
        result.extras = extra_writer.rows_written
        self.report.files.append(result)
        if spec is USERS and self.community_values is not None:
            self._update_community(columns)

    def _flush(self, spec, writer, extra_writer, rows, batch, id_index, span=None) -> None:
        """Write a batch's rows (those kept, and those that came as COPY text), its extras and
        the post tags its posts named; note its id range (`span`, or from the rows written)."""
        copied, extras = batch.copy_rows, batch.copy_extras
        if not rows and not copied and not batch.extras and not extras and not self.post_tags:
            return
        integrity_error, driver_error = driver_errors()
        if span is None:
            ids = [values[id_index] for values in rows]
            if copied:
                ids += [copied.low_id, copied.high_id]
            span = (min(ids), max(ids)) if ids else None
        try:
            writer.write(rows, *_text_of(copied))
            extra_writer.write(batch.extras, *_text_of(extras))
            if self.post_tags:
                self.post_tag_writer.write(self.post_tags)
                self.post_tags = []
        except (integrity_error, driver_error) as error:
            raise _Rejected(spec, span or (0, 0), str(error).strip()) from None
        if span is not None:
            low, high = span
            known = self.id_ranges.setdefault(spec.name, [low, high])
            known[0], known[1] = min(known[0], low), max(known[1], high)

    def _site_defaults(self, spec: DumpFileSpec, columns: list[str], defaults: list) -> None:
        """Values every imported row of a file gets: the credit to the site, no password."""
        if spec is USERS:
            defaults[columns.index("password")] = UNUSABLE_PASSWORD
        if spec in (USERS, POSTS):
            defaults[columns.index("imported_from")] = self.site

    def _hook(self, spec: DumpFileSpec, columns: list[str]):
        """Per-row work that needs the import's state; returning False keeps the row out."""
        if spec is USERS:
            id_index = columns.index("id")

            def community(values: list) -> bool:
                if values[id_index] == COMMUNITY_USER_ID and self.community_exists:
                    self.community_values = values
                    return False
                return True

            return community
        if spec is TAGS:
            id_index, name_index = columns.index("id"), columns.index("name")

            def remember_tag(values: list) -> bool:
                self.tag_ids[values[name_index]] = values[id_index]
                self.next_tag_id = max(self.next_tag_id, values[id_index] + 1)
                return True

            return remember_tag
        if spec is POSTS:
            id_index, tags_index = columns.index("id"), columns.index("tags")

            def post_tags(values: list) -> bool:
                raw = values[tags_index]
                if raw:
                    names = dict.fromkeys(parse_tags(raw))  # ordered, without repeats
                    post_id = values[id_index]
                    for position, name in enumerate(names):
                        self.post_tags.append((post_id, self._tag_id(name), position))
                return True

            return post_tags
        return None

    def _tag_id(self, name: str) -> int:
        tag_id = self.tag_ids.get(name)
        if tag_id is None:
            tag_id = self.tag_ids[name] = self.next_tag_id
            self.next_tag_id += 1
            self.new_tag_writer.write([(tag_id, name, 0, False, False)])
            self.report.created_tags += 1
        return tag_id

    def _update_community(self, columns: list[str]) -> None:
        """The dump's Community row replaces what the placeholder the site was created with
        says about it (name, dates, profile, counts); its site role (moderator) stays."""
        from_dump = {attr.column for attr in USERS.attrs} | {"imported_from"}
        assignments = [
            (c, v)
            for c, v in zip(columns, self.community_values, strict=True)
            if c in from_dump and c != "id"
        ]
        sql = "UPDATE accounts_user SET {} WHERE id = %s".format(
            ", ".join(f"{connection.ops.quote_name(c)} = %s" for c, _ in assignments)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for _, v in assignments] + [COMMUNITY_USER_ID])
        self.community_values = None

    # --- what the loaded files allow ------------------------------------------------------

    @contextmanager
    def _phase(self, name: str):
        say(f"{name}…", self.out)
        began = time.perf_counter()
        yield
        self.report.phases[name] = time.perf_counter() - began

    def _steps(self) -> list[tuple[str, set[DumpFileSpec], Callable[[], None]]]:
        """(name, files it needs loaded, work), in the order they must run when several are
        ready at once. Each runs as soon as its files are loaded (absent files count)."""
        steps: list[tuple[str, set[DumpFileSpec], Callable[[], None]]] = [
            (
                f"{spec.filename}: analyze, check references, build indexes",
                {spec, *_ALSO_NEEDS.get(spec, ())},
                partial(self._settle_file, spec),
            )
            for spec in IMPORT_ORDER
        ]
        steps += [
            # A dump gives totals, not the events behind them: the ledger records each
            # imported user's total as an opening balance rather than inventing history.
            (
                "open the reputation ledger (imported totals as opening balances)",
                {USERS},
                partial(record_opening_balances, only_new_users=True),
            ),
            (
                "derive Markdown and close/lock/protect state from history",
                {POSTS, POST_HISTORY},
                self._derive_from_history,
            ),
            (
                "read each post's sources (links, DOIs, ISBNs, cited works)",
                {POSTS, POST_HISTORY},
                self._derive_sources,
            ),
            (
                "post notices from history (their kinds where the dump allows)",
                {USERS, POSTS, POST_HISTORY, VOTES},
                partial(notices_from_history, self.site),
            ),
            (
                "recount answer, comment and tag counts (the live site's recount)",
                {TAGS, POSTS, COMMENTS},
                partial(self._recount, only=POST_AND_TAG_COUNTERS),
            ),
            (
                "build the indexes of posts and tags",
                {TAGS, POSTS, POST_HISTORY, COMMENTS},
                partial(self._settle_rewritten, ["posts_post", "tags_tag"]),
            ),
            (
                "each person's standing per tag (profile tags tabs)",
                {USERS, TAGS, POSTS},
                lambda: self.report.recount.update(derive.user_tag_scores(self.out)),
            ),
            (
                "the tags questions carry together (related tags)",
                {TAGS, POSTS},
                lambda: self.report.recount.update(derive.tag_pairs(self.out)),
            ),
            (
                "recount badge counts (the live site's recount; scores kept)",
                {USERS, BADGES},
                # Every other counter: the badge counts (and any counter added to the site's).
                partial(self._recount, exclude=POST_AND_TAG_COUNTERS),
            ),
            (
                "build the indexes of users",
                {USERS, BADGES},
                partial(self._settle_rewritten, ["accounts_user"]),
            ),
            (
                "count posts whose kept score differs from their votes",
                {POSTS, VOTES},
                self._count_scores_differing,
            ),
        ]
        return steps

    def _run_ready_steps(self) -> None:
        for name, needs, work in self._steps():
            if name not in self.steps_done and needs <= self.loaded:
                with self._phase(name):
                    work()
                self.steps_done.add(name)

    def _settle_file(self, spec: DumpFileSpec) -> None:
        """A loaded file's tables get their statistics, its references are checked, and its
        tables' indexes are built (on PostgreSQL, not those of tables later steps rewrite)."""
        tables = [spec.table, *_also_settled(spec)]
        indexes.analyze(tables)
        self.analyzed.update(tables)
        if self.check_references:
            checks.refuse_broken_references(self.source, self.id_ranges, [spec])
        self.kept_dangling.update(checks.count_kept_dangling(self.id_ranges, [spec]))
        if spec is POSTS:
            self.index_writer.finish(self.id_ranges.get(POSTS.name))
        rewritten = _REWRITTEN_LATER if connection.vendor == "postgresql" else ()
        self._settle_rewritten([table for table in tables if table not in rewritten])

    def _settle_rewritten(self, tables: list[str]) -> None:
        """Indexes and (PostgreSQL) foreign keys back on tables no later step writes to."""
        self._build_indexes(tables)
        self._restore_foreign_keys([c for c in self.constraints if c[0] in tables])

    def _settle_tables(self, tables: list[str]) -> None:
        """Statistics and indexes for the tables no file step settled."""
        indexes.analyze([table for table in tables if table not in self.analyzed])
        self.analyzed.update(tables)
        self._build_indexes(tables)

    def _build_indexes(self, tables: list[str]) -> None:
        for table in tables:
            if table not in self.built:
                indexes.rebuild(self.dropped.get(table, []))
                self.built.add(table)

    def _derive_from_history(self) -> None:
        # On PostgreSQL the posts' indexes are still dropped: each post row is rewritten once
        # with only its primary key to maintain. SQLite's correlated form uses the history's
        # index (built by the PostHistory.xml step).
        derive.markdown_from_history(self.site)
        derive.states_from_history(self.site)

    def _derive_sources(self) -> None:
        # After the Markdown is derived (the step before, same files): the live site's parse,
        # with the HTML's anchors for posts that have no body revision.
        from quaestio.core.progress import progress_bar
        from quaestio.sources.services import backfill

        posts, rows = backfill(progress_bar("posts", self.out), site=self.site)
        say(f"  sources: {rows:,} kept from {posts:,} posts", self.out)

    def _recount(self, only: set[str] | None = None, exclude: set[str] = frozenset()) -> None:
        # On PostgreSQL before the indexes of the rows they write are built: the set-based
        # statements need no secondary index, and the badge counters rewrite 44,000-75,000
        # user rows a million-row dump, each with every index of accounts_user to maintain if
        # it were there (5.3 of the recount's 6 s). SQLite's correlated counters use the
        # indexes the files' steps built.
        self.report.recount.update(derive.recount_except_scores(self.out, only, exclude))

    def _count_scores_differing(self) -> None:
        self.report.scores_differing_from_votes = derive.scores_differing_from_votes(self.site)

    def _restore_foreign_keys(self, constraints: list[tuple[str, str, str]]) -> None:
        """Add dropped foreign keys back (once their table is written). PostgreSQL validates
        each; if one fails, the importer's own checks name the file, line and row at fault
        (the dump is refused). Rows written to a table with its foreign keys back queue no
        check as long as the key columns stay as they are (counters, Markdown)."""
        constraints = [c for c in constraints if c not in self.restored]
        if not constraints:
            return
        self.restored.extend(constraints)
        integrity_error = connection.Database.IntegrityError
        try:
            with transaction.atomic():  # a savepoint, so the checks can still query
                indexes.restore_foreign_keys(constraints)
        except (IntegrityError, integrity_error) as error:
            checks.refuse_broken_references(self.source, self.id_ranges)
            raise DumpError(f"a reference in the dump is broken: {error}".strip()) from None

    def _finish(self, record: DumpImport) -> None:
        derive.reset_sequences()
        self.report.kept_dangling = checks.in_report_order(self.kept_dangling)
        record.attribute_orders = self.orders
        record.id_ranges = self.id_ranges


def _text_of(copied: pipeline.CopyText | None) -> tuple[bytes | bytearray, int]:
    return (copied.data, copied.count) if copied else (b"", 0)


def _held_rows(spec: DumpFileSpec, columns: list[str]) -> Callable[[list], bool] | None:
    """The rows of a file the importer must see as values (its hooks read them), when the
    others come as COPY text: every tag and post (names, post tags), the Community user."""
    if spec in (TAGS, POSTS):
        return lambda values: True
    if spec is USERS:
        id_index = columns.index("id")
        return lambda values: values[id_index] == COMMUNITY_USER_ID
    return None


def _finisher(spec: DumpFileSpec, columns: list[str]):
    """Per-row work that needs nothing but the row, done where the file is parsed."""
    if spec is COMMENTS:
        text_index, html_index = columns.index("text"), columns.index("text_html")

        def render(values: list) -> None:
            values[html_index] = comment_html(values[text_index])

        return render
    return None


_TAG_FLAGS = ["is_moderator_only", "is_required"]
# Tags.xml's step waits for Posts.xml, which adds the tags its posts name.
_ALSO_NEEDS = {TAGS: {POSTS}}
# PostgreSQL: tables that steps after their file rewrite row by row (Markdown and states of
# posts, the recount's counters): their indexes are built after those steps, so each row
# written keeps up its primary key only.
_REWRITTEN_LATER = ("accounts_user", "posts_post", "tags_tag")
POST_AND_TAG_COUNTERS = {"answer counts", "comment counts", "tag counts"}


def _also_settled(spec: DumpFileSpec) -> list[str]:
    """Tables a file's step settles besides the file's own: with Posts.xml, the post tags and
    the search engine's table (its entries are completed by finish_bulk_load first)."""
    return ["tags_posttag", get_backend().bulk_table] if spec is POSTS else []


def loaded_tables() -> list[str]:
    """Every table the import writes in bulk: their plain indexes are dropped for the load."""
    return [spec.table for spec in IMPORT_ORDER] + [
        "tags_posttag",
        "dumps_dumpextra",
        get_backend().bulk_table,  # the search engine's: its indexes are rebuilt once, after
        # The wildcard vocabulary: a word a post; its pattern index (a second B-tree in random
        # word order) is rebuilt once, after; its key stays (duplicates are skipped by it).
        WORDS_TABLE,
        "reputation_reputationchange",  # the opening balances, written before the indexes
    ]

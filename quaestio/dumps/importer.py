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

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from quaestio.dumps import checks, derive
from quaestio.dumps.bulk import BulkWriter, driver_errors
from quaestio.dumps.errors import DumpError
from quaestio.dumps.models import DumpImport
from quaestio.dumps.progress import Progress, say
from quaestio.dumps.render import render_comment_html
from quaestio.dumps.rows import build_converter, table_columns
from quaestio.dumps.schema import COMMENTS, IMPORT_ORDER, POSTS, TAGS, USERS, DumpFileSpec
from quaestio.dumps.source import DumpSource
from quaestio.dumps.xmlio import CountingReader, iter_rows
from quaestio.posts.models import parse_tags

DEFAULT_BATCH_SIZE = 10_000
UNUSABLE_PASSWORD = "!"  # imported users sign in only after claiming their account


@dataclass
class FileResult:
    name: str
    rows: int = 0
    seconds: float = 0.0
    extras: int = 0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class ImportReport:
    site: str
    files: list[FileResult] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    kept_dangling: dict[str, int] = field(default_factory=dict)
    created_tags: int = 0
    recount: dict[str, int] = field(default_factory=dict)
    scores_differing_from_votes: int = 0
    load_seconds: float = 0.0
    elapsed: float = 0.0

    @property
    def rows(self) -> int:
        return sum(result.rows for result in self.files)

    def as_dict(self) -> dict:
        return {
            "files": {r.name: {"rows": r.rows, "seconds": round(r.seconds, 3)} for r in self.files},
            "missing_files": self.missing_files,
            "kept_dangling": self.kept_dangling,
            "created_tags": self.created_tags,
            "recount": self.recount,
            "scores_differing_from_votes": self.scores_differing_from_votes,
            "elapsed": round(self.elapsed, 3),
        }

    def lines(self) -> list[str]:
        out = [f"Imported {self.site}:"]
        for r in self.files:
            out.append(
                f"  {r.name:<16} {r.rows:>12,} rows {r.seconds:8.2f} s {r.rate:>10,.0f} rows/s"
            )
        rate = self.rows / self.elapsed if self.elapsed else 0
        out.append(
            f"  {'total':<16} {self.rows:>12,} rows {self.elapsed:8.2f} s {rate:>10,.0f} rows/s"
        )
        if self.missing_files:
            out.append("  files not in the dump (skipped): " + ", ".join(self.missing_files))
        for name, count in self.kept_dangling.items():
            out.append(f"  kept, pointing at a post not in the dump: {count:,} {name}")
        if self.created_tags:
            out.append(
                f"  tags used by posts but missing from Tags.xml, created: {self.created_tags:,}"
            )
        for name, changed in self.recount.items():
            out.append(f"  recount {name}: {changed:,} corrected")
        out.append(
            f"  scores kept from the dump; {self.scores_differing_from_votes:,} differ from the "
            "dump's votes (votes of deleted users are not in dumps)"
        )
        return out


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
) -> ImportReport:
    source = DumpSource(path)
    return Importer(source, site or source.site_name, batch_size, out or sys.stderr).run()


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
    def __init__(self, source: DumpSource, site: str, batch_size: int, out: TextIO) -> None:
        self.source = source
        self.site = site
        self.batch_size = batch_size
        self.out = out
        self.report = ImportReport(site=site)
        self.id_ranges: dict[str, list[int]] = {}
        self.orders: dict[str, list[str]] = {}
        self.community_values: list | None = None

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
            with transaction.atomic():
                record = DumpImport.objects.create(site=self.site, source=str(self.source.path))
                self._prepare()
                for spec in IMPORT_ORDER:
                    if self.source.has(spec.filename):
                        self._load(spec)
                    else:
                        self.report.missing_files.append(spec.filename)
                self.report.load_seconds = time.perf_counter() - started
                self._finish(record)
                self.report.elapsed = time.perf_counter() - started
                record.report = self.report.as_dict()
                record.finished = timezone.now()
                record.save(update_fields=["report", "finished", "attribute_orders", "id_ranges"])
        except _Rejected as rejected:
            # The transaction is rolled back; read the file again to say which row was at fault.
            raise checks.diagnose(
                self.source, rejected.spec, rejected.ids, rejected.message
            ) from None
        return self.report

    def _refuse_repeat(self) -> None:
        earlier = DumpImport.objects.filter(site=self.site).first()
        if earlier:
            raise DumpError(
                f"the dump of {self.site} was already imported here on "
                f"{earlier.started:%Y-%m-%d %H:%M} UTC; importing it again would duplicate it, "
                "so nothing was changed (import into a fresh data directory to start over)"
            )

    def _prepare(self) -> None:
        from quaestio.accounts.models import COMMUNITY_USER_ID, User
        from quaestio.tags.models import Tag

        self.community_exists = User.objects.filter(id=COMMUNITY_USER_ID).exists()
        self.tag_ids: dict[str, int] = dict(Tag.objects.values_list("name", "id"))
        self.next_tag_id = max(self.tag_ids.values(), default=0) + 1
        self.post_tags: list[tuple[int, int, int]] = []
        self.post_tag_writer = BulkWriter("tags_posttag", ["post_id", "tag_id", "position"])
        self.new_tag_writer = BulkWriter("tags_tag", ["id", "name", "count", *_TAG_FLAGS])

    # --- one file -----------------------------------------------------------------------

    def _load(self, spec: DumpFileSpec) -> None:
        if spec is USERS and self.community_exists:
            # A site that imported another dump before keeps one Community; this dump's wins.
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM dumps_dumpextra WHERE file = %s AND row_id = -1", [USERS.code]
                )
        columns, defaults = table_columns(spec.table)
        self._site_defaults(spec, columns, defaults)
        convert = build_converter(spec, columns, defaults)
        id_index = columns.index("id")
        hook = self._hook(spec, columns)
        writer = BulkWriter(spec.table, columns)
        extra_writer = BulkWriter("dumps_dumpextra", ["file", "row_id", "data"])
        sequences: set[tuple[str, ...]] = set()
        result = FileResult(spec.filename)
        batch: list[list] = []
        extras: list[tuple] = []
        code = spec.code
        dumps = json.dumps
        with self.source.open(spec.filename) as (stream, size):
            counting = CountingReader(stream)
            progress = Progress(spec.filename, size, self.out)
            for attributes, line in iter_rows(counting, spec.filename, spec.root):
                values, extra = convert(attributes, line)
                sequences.add(tuple(attributes))
                if extra is not None:
                    extras.append((code, values[id_index], dumps(extra, ensure_ascii=False)))
                result.rows += 1
                if hook is not None and hook(values) is False:
                    continue
                batch.append(values)
                if len(batch) >= self.batch_size:
                    self._flush(spec, writer, extra_writer, batch, extras, id_index)
                    batch, extras = [], []
                    progress.update(result.rows, counting.bytes_read)
            self._flush(spec, writer, extra_writer, batch, extras, id_index)
            result.seconds = progress.done(result.rows)
        result.extras = extra_writer.rows_written
        self.orders[spec.name] = topological_order(sequences)
        self.report.files.append(result)
        if spec is USERS and self.community_values is not None:
            self._update_community(columns)

    def _flush(self, spec, writer, extra_writer, batch, extras, id_index) -> None:
        if not batch and not extras and not self.post_tags:
            return
        integrity_error, driver_error = driver_errors()
        ids = (batch[0][id_index], batch[-1][id_index]) if batch else (0, 0)
        try:
            writer.write(batch)
            extra_writer.write(extras)
            if self.post_tags:
                self.post_tag_writer.write(self.post_tags)
                self.post_tags = []
        except (integrity_error, driver_error) as error:
            raise _Rejected(spec, ids, str(error).strip()) from None
        if batch:
            low = min(row[id_index] for row in batch)
            high = max(row[id_index] for row in batch)
            span = self.id_ranges.setdefault(spec.name, [low, high])
            span[0], span[1] = min(span[0], low), max(span[1], high)

    def _site_defaults(self, spec: DumpFileSpec, columns: list[str], defaults: list) -> None:
        """Values every imported row of a file gets: the credit to the site, no password."""
        if spec is USERS:
            defaults[columns.index("password")] = UNUSABLE_PASSWORD
        if spec in (USERS, POSTS):
            defaults[columns.index("imported_from")] = self.site

    def _hook(self, spec: DumpFileSpec, columns: list[str]):
        """Per-file work beyond copying attributes; returning False keeps the row out of the batch."""
        if spec is USERS:
            id_index = columns.index("id")

            def community(values: list) -> bool:
                if values[id_index] == -1 and self.community_exists:
                    self.community_values = values
                    return False
                return True

            return community
        if spec is TAGS:
            id_index, name_index = columns.index("id"), columns.index("name")

            def remember_tag(values: list) -> None:
                self.tag_ids[values[name_index]] = values[id_index]
                self.next_tag_id = max(self.next_tag_id, values[id_index] + 1)

            return remember_tag
        if spec is POSTS:
            id_index, tags_index = columns.index("id"), columns.index("tags")

            def post_tags(values: list) -> None:
                raw = values[tags_index]
                if raw:
                    names = dict.fromkeys(parse_tags(raw))  # ordered, without repeats
                    post_id = values[id_index]
                    for position, name in enumerate(names):
                        self.post_tags.append((post_id, self._tag_id(name), position))

            return post_tags
        if spec is COMMENTS:
            text_index, html_index = columns.index("text"), columns.index("text_html")

            def render(values: list) -> None:
                values[html_index] = render_comment_html(values[text_index])

            return render
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
        """The dump's Community row replaces the placeholder the site was created with."""
        assignments = [
            (c, v) for c, v in zip(columns, self.community_values, strict=True) if c != "id"
        ]
        sql = "UPDATE accounts_user SET {} WHERE id = -1".format(
            ", ".join(f"{connection.ops.quote_name(c)} = %s" for c, _ in assignments)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for _, v in assignments])
        self.community_values = None

    # --- after loading ------------------------------------------------------------------

    def _finish(self, record: DumpImport) -> None:
        say("Deriving post state from the history, checking references…", self.out)
        derive.markdown_from_history(self.site)
        derive.states_from_history(self.site)
        checks.refuse_broken_references(self.source, self.id_ranges)
        self.report.kept_dangling = checks.count_kept_dangling(self.id_ranges)
        derive.reset_sequences()
        say(
            "Recounting counters with the live site's recount (scores kept from the dump):",
            self.out,
        )
        self.report.recount = derive.recount_except_scores(self.out)
        self.report.scores_differing_from_votes = derive.scores_differing_from_votes(self.site)
        record.attribute_orders = self.orders
        record.id_ranges = self.id_ranges


_TAG_FLAGS = ["is_moderator_only", "is_required"]

"""Search latency on generated corpora, per backend: p50/p95 of a fixed query mix.

    .venv/bin/python bench/search.py --sizes 100000 1000000 --backends sqlite postgres \
        --data /tmp/my-search-bench --pg-prefix my_search_bench

Each (backend, size) runs in its own process with its own database (a SQLite file under
--data/sqlite-<size>, or the PostgreSQL database <pg-prefix>_<size> at --postgres), generated
once and reused: remove it (or DROP DATABASE) to make it again. `--rounds 0` only makes the
corpora; pick your own --data and --pg-prefix so no one else's run shares them.

The corpus: questions and answers (2 : 3) whose titles and bodies are drawn from a Zipf law over
a vocabulary of real words counted in the Stack Exchange dumps under ../shared (when present)
plus a tail of rarer invented words, bodies of log-normal length (median about 110 words for
questions, 80 for answers; some with code blocks and links), stored as rendered HTML and as
Markdown source like a live post; 1-5 tags from 800 (Zipf), 20,000 users, ten years of dates.
Rows go straight into the tables the live site writes (every column; executemany on SQLite, COPY
on PostgreSQL) with the secondary indexes dropped during the load and rebuilt after, tag counts
recomputed, then the search index is built by `quaestio reindex`'s code (reindex_all), and
ANALYZE run (VACUUM ANALYZE on PostgreSQL, as autovacuum would). Measured at 1,000,000 posts on our 2-core machine while it was shared (load 4-7):
loading took 200 s on SQLite and 234 s on PostgreSQL (5,000 posts/s: generating the text is most
of it), indexing about 13 minutes on SQLite and 20 on PostgreSQL, GIN included (both were
building at once; half that on a quiet machine is likely). It was ~45 minutes before, through
the ORM with the indexes in place.

Each query runs through quaestio.search.selectors.search, the function the search page calls
(tag ids, engine pool, posts, owners, highlights), rounds interleaved so every query sees the
same machine conditions; a primary-key fetch between queries measures the noise floor. It prints
p50/p95 over the whole mix and per kind of query (16 kinds, 4 instances each).
Target (issue 6): p95 < 50 ms at 1,000,000 posts.

PostgreSQL at 1,000,000 posts, before and after search_document gained tag_ids and
creation_date (search migration 0003) and bounded slices became two statements, measured
interleaved in one process (each query run old then new, alternately, 3 rounds; identical
results checked) on the shared 2-core machine at load 7, so only the ratios mean much:
whole mix p50/p95 86.8/318 -> 72.6/224 ms; word + [tag] 265/422 -> 52/126; created:2020 word
285/396 -> 188/300; word score:3.. 207/318 -> 182/295; phrase 145/402 -> 150/445 (unchanged:
each candidate's document is still re-read for positions). The target is still missed there.
This bench itself, new / old / new code back to back at load 10-12: whole mix 91.6/297,
106.3/357, 81.9/245 ms; word + [tag] 47/112, 221/431, 40/131. SQLite (same code path and
schema as before) at that load: 25.0/59.5, 27.4/65.4 (old), 28.5/69.8: above 50 ms at p95
only because of the load; it measured 14.6/36.1 on a quieter machine.

PostgreSQL at 1,000,000 posts after search migration 0004 (search_document.pairs: buckets of
adjacent word pairs, GIN; documents carry their post's id blocks) and the pool read without
ranking unless the sort is relevance, narrow slices asked of GIN by id block, the posts of a
slice read newest first until the pool is full, enable_indexscan off only around a wide
slice's statement (four round trips fewer a search). Old code on a
copy of the corpus, new code on the migrated one, both VACUUM ANALYZEd (this server runs with
autovacuum off; a new corpus is now vacuumed), this bench alternated old / new / old / new,
3 rounds each, on the shared 2-core machine at load 2-4: whole mix p50/p95 45.1/136,
30.9/97, 49.4/263 (a stall), 30.3/93 ms; phrase 100/327, 18/36, 165/780, 17/25; common word
56/71, 25/32, 53/84, 25/41; word -word 48/77, 37/104, 53/160, 41/51; word score:3..
123/284, 89/120, 100/183, 90/206; created:2020 word 103/190, 82/175, 123/1839, 94/114; prefix*
59/95, 43/142, 72/753, 43/128. At load 6-7.5: 51.5/159, 41.3/125, 51.7/149, 47.3/149.
The same 512 (query, sort, page) reads return the same ids and totals from both. The target is still
missed: a slice wide enough for a filter passing one post in six or ten (score:, created:)
reads thousands of matches and their posts. The table and its indexes grew from 1.8 to 3.0 GB
(the pairs index is 586 MB); migrating the 1,000,000 rows took 21 minutes at load 8.

PostgreSQL after search migration 0005: each document also holds lexemes of its post's creation
date (year, month, day) and score (one per step of SCORE_STEPS reached), so `created:` and
`score:` are intersected with the words by GIN (backends/postgres_facts.py); pool dates are read
as epoch seconds. Old code (b972337) on the corpus main generated, new code on a copy migrated
by 0005 and VACUUM ANALYZEd, this bench alternated old / new / old / new, 3 rounds each,
on the shared 2-core machine (another engineer's import benchmark running):

    bench/search.py --sizes 1000000 --backends postgres --pg-prefix <old or new> --rounds 3

At 1,000,000 posts, load 3.9-4.6, two alternations: whole mix p50/p95 old 46.3/157, 48.6/173,
52.9/219, 54.5/162 ms; new 53.2/103, 46.6/93, 36.3/71, 41.4/88. created:2020 word old 157/266,
143/239, 209/294, 172/408; new 79/103, 81/122, 64/76, 65/89. word score:3.. (votes) old
146/240, 173/235, 197/290, 148/245; new 80/122, 78/92, 45/83, 62/89. prefix* old 73/113,
85/110, 83/130, 84/127; new 89/118, 78/104, 52/98, 81/109 (unchanged: each statement builds
the prefix's whole GIN bitmap, 48 ms for every* alone). The other kinds moved within the noise
(a primary-key fetch took 1.2-3.5 ms instead of ~0.3). At 100,000 posts, load 3.6-4.0: old
20.9/57.5, 14.0/37.3; new 16.8/44.1, 14.5/32.9. The same 512 (query, sort, page) reads return
the same ids and totals from both. The target is still missed on this loaded machine: what is
left is spread over the kinds (round trips, the wide slice's primary-key bitmap, 12-35 ms for
290,000 ids, prefix bitmaps). Migrating the 1,000,000 documents took 7 min 23 s at load 4-8;
the table with its indexes grew from 3.03 to 3.13 GB. A vote that moves a post's score across
a step rewrites its document (1-7 ms after commit at that load; one that crosses none writes
nothing).

The same code on an idle machine (load 1.3-1.6, 2026-11-27 11:03 UTC, after both branches of the
day were merged), two runs at 1,000,000 posts on PostgreSQL: whole mix p50/p95 19.0/35.8 and
17.6/33.9 ms, the slowest kinds prefix* 33.7/39.4 and created:2020 word 29.2/38.0 ms; at
100,000 posts 7.85/16.7 ms. The target (p95 < 50 ms at 1,000,000) is met there.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_DUMPS = REPO.parent / "shared" / "data" / "se-dumps"
# Worktrees sit one level deeper than a clone; look beside either.
if not SHARED_DUMPS.exists():
    SHARED_DUMPS = Path("/work/shared/data/se-dumps")
SEED = 20240615
TAIL_WORDS = 80_000
ZIPF_EXPONENT = 1.05
POOL_WORDS = 4_000_000


# Corpus generation ---------------------------------------------------------------------------


def real_word_counts() -> Counter:
    """Word frequencies of the real dumps' posts, if they are here."""
    counts: Counter = Counter()
    if not SHARED_DUMPS.exists():
        return counts
    from lxml import etree

    for posts in SHARED_DUMPS.glob("*/Posts.xml"):
        for _event, row in etree.iterparse(str(posts), tag="row"):
            text = (row.get("Title") or "") + " " + re.sub(r"<[^>]+>", " ", row.get("Body") or "")
            counts.update(w.lower() for w in re.findall(r"[A-Za-z][a-z]{1,}", text))
            row.clear()
    return counts


def invented_word(rng: random.Random) -> str:
    syllables = (
        "ka lo mi ter van dra sul pen or ix bel qua ro det un fa gri mo sel tu cas ne pi vor"
    )
    return "".join(rng.choice(syllables.split()) for _ in range(rng.randint(2, 4)))


def vocabulary(rng: random.Random) -> list[str]:
    """Words in rank order: real ones by real frequency, then an invented tail of rarer ones."""
    real = [w for w, _ in real_word_counts().most_common()]
    if not real:
        real = [invented_word(rng) for _ in range(5000)]
    seen = set(real)
    tail = []
    while len(tail) < TAIL_WORDS:
        word = invented_word(rng)
        if word not in seen:
            seen.add(word)
            tail.append(word)
    return real + tail


class Writer:
    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words = words
        self.rng = rng
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(words))]
        total = 0.0
        self.cumulative = []
        for w in weights:
            total += w
            self.cumulative.append(total)

        # Drawing word by word is the slowest part of generating a million posts; windows of
        # one long Zipf-distributed stream keep the same word frequencies at a fraction of it.
        self.stream = self.rng.choices(self.words, cum_weights=self.cumulative, k=POOL_WORDS)

    def draw(self, n: int) -> list[str]:
        start = self.rng.randrange(POOL_WORDS - n)
        return self.stream[start : start + n]

    def title(self) -> str:
        words = self.draw(self.rng.randint(4, 13))
        return (" ".join(words).capitalize() + "?")[:250]

    def body(self, median_words: int) -> tuple[str, str]:
        """The rendered HTML a post stores, and the Markdown source it came from."""
        n = max(8, min(3000, int(self.rng.lognormvariate(math.log(median_words), 0.7))))
        paragraphs = []
        for start in range(0, n, 45):
            words = self.draw(min(45, n - start))  # each paragraph from its own window
            paragraphs.append(" ".join(words).capitalize() + ".")
        html = ["<p>" + p + "</p>" for p in paragraphs]
        if self.rng.random() < 0.25:
            code = " ".join(self.draw(self.rng.randint(3, 20))).replace(" ", "_", 2) + "()"
            html.append(f"<pre><code>{code}\n</code></pre>")
            paragraphs.append("    " + code)
        if self.rng.random() < 0.15:
            host = self.rng.choice(["en.wikipedia.org", "example.com", "docs.python.org"])
            url = f"https://{host}/{self.draw(1)[0]}"
            html.append(f'<p>See <a href="{url}">this</a>.</p>')
            paragraphs.append(f"See [this]({url}).")
        return "\n".join(html), "\n\n".join(paragraphs)


def _table_columns(model, sample: dict) -> tuple[str, list[str], list[str], dict]:
    """A model's table, columns, attribute names and defaults: every concrete column with the
    value a live write would give it, but an auto primary key the rows leave to the database."""
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in sample)
    ]
    defaults = {f.attname: f.get_default() for f in fields}
    return model._meta.db_table, [f.column for f in fields], [f.attname for f in fields], defaults


class BulkLoader:
    """Writes generated rows straight into a model's table: executemany on SQLite, COPY on
    PostgreSQL, with the table's secondary indexes dropped for the load and rebuilt after it
    (one sort per index instead of a million b-tree inserts)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.dropped: list[str] = []

    def drop_indexes(self, tables: list[str]) -> None:
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                    "AND i.indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [tables],
                )
            else:
                marks = ", ".join(["%s"] * len(tables))
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({marks})",
                    tables,
                )
            found = cursor.fetchall()
            for name, definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.append(definition)

    def restore_indexes(self, log) -> None:
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SET maintenance_work_mem = '256MB'")
            for definition in self.dropped:
                started = time.monotonic()
                cursor.execute(definition)
                log(f"  {definition[:90]}: {time.monotonic() - started:.1f} s")
        self.dropped.clear()

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        table, columns, attnames, defaults = _table_columns(model, rows[0])
        ops = self.connection.ops
        date_fields = {
            f.attname
            for f in model._meta.concrete_fields
            if f.get_internal_type() == "DateTimeField"
        }
        values = []
        for row in rows:
            merged = {**defaults, **row}
            if not self.postgres:
                for name in date_fields:
                    if merged[name] is not None:
                        merged[name] = ops.adapt_datetimefield_value(merged[name])
            values.append(tuple(merged[name] for name in attnames))
        quoted = ", ".join(f'"{c}"' for c in columns)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', values)


def generate(size: int, log) -> None:
    """Fill an empty database with `size` posts (40% questions), their tags and owners.

    Rows go straight into the tables the live writes fill (every column, defaults included),
    in big batches with the secondary indexes dropped and rebuilt after; the search index is
    then built by `quaestio reindex`'s own code (run_one).
    """
    from datetime import UTC, datetime, timedelta

    from django.core.management.color import no_style
    from django.db import connection, transaction

    from quaestio.accounts.models import User
    from quaestio.posts.models import Post, PostType, format_tags
    from quaestio.tags.models import PostTag, Tag

    rng = random.Random(SEED)
    writer = Writer(vocabulary(rng), rng)
    tag_names = [f"tag-{writer.words[i]}"[:35] for i in range(40, 840)]
    tag_weights = [1 / (i + 1) for i in range(len(tag_names))]
    start = datetime(2014, 1, 1, tzinfo=UTC)
    span = 10 * 365 * 86400
    loader = BulkLoader(connection)
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(id=i, display_name=f"user{i}", email=f"u{i}@bench.invalid")
                for i in range(1, 20_001)
            ],
            batch_size=5000,
        )
        Tag.objects.bulk_create([Tag(id=i + 1, name=n) for i, n in enumerate(tag_names)])
        if loader.postgres:
            # The generated rows are consistent by construction; skip the per-row FK triggers.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        loader.drop_indexes([Post._meta.db_table, PostTag._meta.db_table])
        tag_ids = {name: i + 1 for i, name in enumerate(tag_names)}
        questions = int(size * 0.4)
        post_id = 0
        question_ids: list[int] = []
        started = time.monotonic()
        batch: list[dict] = []
        post_tags: list[dict] = []

        def flush():
            loader.write(Post, batch)
            loader.write(PostTag, post_tags)
            batch.clear()
            post_tags.clear()

        while post_id < size:
            post_id += 1
            created = start + timedelta(seconds=rng.randrange(span))
            is_question = post_id <= questions or not question_ids
            if is_question:
                tags = list(
                    dict.fromkeys(rng.choices(tag_names, weights=tag_weights, k=rng.randint(1, 5)))
                )
                body, markdown = writer.body(110)
                batch.append(
                    dict(
                        id=post_id,
                        post_type=PostType.QUESTION,
                        title=writer.title(),
                        body=body,
                        body_markdown=markdown,
                        tags=format_tags(tags),
                        owner_id=rng.randint(1, 20_000),
                        creation_date=created,
                        last_activity_date=created + timedelta(days=rng.randrange(200)),
                        score=int(rng.expovariate(0.4)) - 1,
                        view_count=int(rng.expovariate(1 / 800)),
                        answer_count=rng.choice([0, 1, 1, 2, 2, 3, 4]),
                        closed_date=created if rng.random() < 0.08 else None,
                        deletion_date=created if rng.random() < 0.02 else None,
                    )
                )
                post_tags += [
                    dict(post_id=post_id, tag_id=tag_ids[t], position=i) for i, t in enumerate(tags)
                ]
                question_ids.append(post_id)
            else:
                body, markdown = writer.body(80)
                batch.append(
                    dict(
                        id=post_id,
                        post_type=PostType.ANSWER,
                        parent_id=rng.choice(question_ids),
                        body=body,
                        body_markdown=markdown,
                        owner_id=rng.randint(1, 20_000),
                        creation_date=created,
                        last_activity_date=created,
                        score=int(rng.expovariate(0.5)) - 1,
                    )
                )
            if len(batch) >= 20_000:
                flush()
                if post_id % 100_000 == 0:
                    rate = post_id / (time.monotonic() - started)
                    log(f"  generated {post_id:,}/{size:,} posts ({rate:,.0f}/s)")
        if batch:
            flush()
        log("  rebuilding the posts' indexes")
        loader.restore_indexes(log)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tags_tag SET count = (SELECT COUNT(*) FROM tags_posttag pt "
                "WHERE pt.tag_id = tags_tag.id)"
            )
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [User, Tag, Post, PostTag]
            ):
                cursor.execute(statement)


# The query mix -------------------------------------------------------------------------------


def query_mix(words: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    """(query, sort, kind) triples shaped like what readers type: mostly 1-3 specific words, some
    phrases, operators and filters, a few broad words. Fixed by the seed."""
    from quaestio.search.text import STOP_WORDS

    content = [w for w in words if w not in STOP_WORDS and len(w) > 3]
    common = content[20:200]
    mid = content[200:3000]
    rare = content[3000:20000]
    tags = [f"tag-{words[i]}"[:35] for i in range(40, 140)]
    pick = rng.choice
    mix = []
    for _ in range(4):
        mix += [
            (pick(mid), "relevance", "word"),
            (f"{pick(mid)} {pick(mid)}", "relevance", "two words"),
            (f"{pick(common)} {pick(mid)} {pick(mid)}", "relevance", "three words"),
            (f'"{pick(common)} {pick(common)}"', "relevance", "phrase"),
            (pick(rare), "relevance", "rare word"),
            (f"{pick(mid)} [{pick(tags)}]", "relevance", "word [tag]"),
            (f"{pick(mid)} score:3..", "votes", "word score:3.. (votes)"),
            (f"{pick(mid)} -{pick(common)}", "relevance", "word -word"),
            (f"intitle:{pick(mid)}", "newest", "intitle: (newest)"),
            (f"{pick(mid)[:5]}*", "relevance", "prefix*"),
            (
                f"[{pick(tags)}] is:question answers:0",
                "newest",
                "[tag] is:question answers:0 (newest)",
            ),
            (pick(common), "relevance", "common word"),
            (f"user:{rng.randint(1, 20000)}", "newest", "user: (newest)"),
            (f"created:2020 {pick(mid)}", "relevance", "created:2020 word"),
            (f"{pick(mid)} OR {pick(rare)}", "active", "word OR rare (active)"),
            (f"{pick(mid)} {pick(mid)} is:answer", "votes", "two words is:answer (votes)"),
        ]
    return mix


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_one(backend: str, size: int, rounds: int, log) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from quaestio.posts.models import Post
    from quaestio.search.backends import get_backend
    from quaestio.search.selectors import search
    from quaestio.search.services import reindex_all

    assert connection.vendor == backend, (connection.vendor, backend)
    call_command("migrate", interactive=False, verbosity=0)
    result: dict = {"backend": backend, "size": size}
    existing = Post.objects.count()
    if existing != size:
        if existing:
            raise SystemExit(
                f"{backend} database holds {existing:,} posts, not {size:,}: remove it"
            )
        log(f"{backend} {size:,}: generating")
        started = time.monotonic()
        generate(size, log)
        result["generate_s"] = round(time.monotonic() - started, 1)
    if get_backend().indexed_count() != size:
        log(f"{backend} {size:,}: indexing")
        started = time.monotonic()
        reindex_all(progress=lambda done, total: done % 100_000 == 0 and log(f"  indexed {done:,}"))
        result["index_s"] = round(time.monotonic() - started, 1)
        # Planner statistics for the freshly loaded tables, as an import would leave them; on
        # PostgreSQL also the visibility map, as autovacuum sets it on a stock server soon after
        # a bulk load (ours runs without autovacuum): without it every index-only lookup of a
        # post's search facts reads the post's row too.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
    if rounds == 0:  # --rounds 0: only make the corpus
        return result
    rng = random.Random(SEED + 1)
    words = vocabulary(random.Random(SEED))
    mix = query_mix(words, rng)
    for query, sort, _kind in mix:  # warm caches once; not measured
        search(query, sort=sort)
    timings: dict[int, list[float]] = {i: [] for i in range(len(mix))}
    # The noise floor on this machine right now: one primary-key fetch of a post, interleaved.
    baseline: list[float] = []
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        order = list(range(len(mix)))
        rng.shuffle(order)
        for i in order:
            query, sort, _kind = mix[i]
            started = time.perf_counter()
            search(query, sort=sort)
            timings[i].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            Post.objects.filter(id=rng.randint(1, size)).first()
            baseline.append((time.perf_counter() - started) * 1000)
    every = [t for ts in timings.values() for t in ts]
    result.update(
        queries=len(mix),
        runs=len(every),
        p50_ms=round(percentile(every, 0.5), 2),
        p95_ms=round(percentile(every, 0.95), 2),
        max_ms=round(max(every), 2),
        pk_fetch_p50_ms=round(percentile(baseline, 0.5), 2),
        load_average=[round(load_before, 1), round(os.getloadavg()[0], 1)],
        slowest=sorted(
            ((round(statistics.median(ts), 1), mix[i][0], mix[i][1]) for i, ts in timings.items()),
            reverse=True,
        )[:5],
        # p50/p95 of each kind of query (four instances of each in the mix).
        kinds={
            kind: [
                round(percentile(ts, 0.5), 1),
                round(percentile(ts, 0.95), 1),
            ]
            for kind in dict.fromkeys(k for _q, _s, k in mix)
            for ts in [[t for i, t_list in timings.items() if mix[i][2] == kind for t in t_list]]
        },
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=5, help="runs of the whole mix per corpus")
    parser.add_argument("--data", default="/tmp/quaestio-search-bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--pg-prefix",
        default="quaestio_bench",
        help="PostgreSQL databases are named <prefix>_<size>",
    )
    parser.add_argument("--worker", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.worker:
        backend, size = args.worker[0], int(args.worker[1])
        print(json.dumps(run_one(backend, size, args.rounds, log)))
        return 0

    results = []
    for size in args.sizes:
        for backend in args.backends:
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="quaestio.settings")
            env["QUAESTIO_DATA_DIR"] = f"{args.data}/sqlite-{size}"
            vendor = "postgresql" if backend.startswith("postgres") else "sqlite"
            if vendor == "postgresql":
                database = f"{args.pg_prefix}_{size}"
                subprocess.run(
                    ["psql", f"{args.postgres}/postgres", "-qc", f"CREATE DATABASE {database}"],
                    capture_output=True,
                )
                env["DATABASE_URL"] = f"{args.postgres}/{database}"
            else:
                env.pop("DATABASE_URL", None)
                Path(env["QUAESTIO_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
            command = [
                sys.executable,
                __file__,
                "--worker",
                vendor,
                str(size),
                "--rounds",
                str(args.rounds),
            ]
            finished = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, cwd=REPO)
            if finished.returncode != 0:
                log(f"{backend} {size:,}: failed (exit {finished.returncode})")
                continue
            results.append(json.loads(finished.stdout.strip().splitlines()[-1]))
            log(json.dumps(results[-1]))
    print(
        f"\n{'backend':<11}{'posts':>11}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'runs':>7}"
        f"{'pk ms':>8}  load (start, end)  index s"
    )
    for r in results:
        if "p50_ms" not in r:
            print(f"{r['backend']:<11}{r['size']:>11,}  made: {r}")
            continue
        print(
            f"{r['backend']:<11}{r['size']:>11,}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['max_ms']:>9}"
            f"{r['runs']:>7}{r['pk_fetch_p50_ms']:>8}  {str(r['load_average']):<17}  "
            f"{r.get('index_s', '(reused)')}"
        )
        for median, query, sort in r["slowest"]:
            print(f"{'':>11}slow: {median:>7} ms  {query!r} ({sort})")
        for kind, (p50, p95) in sorted(r["kinds"].items(), key=lambda item: -item[1][1]):
            print(f"{'':>11}kind: p50 {p50:>7} p95 {p95:>7} ms  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

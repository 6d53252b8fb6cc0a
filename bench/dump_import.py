"""Dump import speed and memory: rows/s per file and end to end, on SQLite and PostgreSQL.

    .venv/bin/python bench/dump_import.py                    # 1,000,000 rows, both databases
    .venv/bin/python bench/dump_import.py --rows 200000 --backends sqlite
    .venv/bin/python bench/dump_import.py --memory-only      # peak memory at 1x and 10x beer
    .venv/bin/python bench/dump_import.py --backends postgres --pg-url postgres://…/imp2_bench

Each import runs in a fresh process (and a fresh data directory / PostgreSQL database), so
its peak memory (ru_maxrss of the importer and of its parsing process) is its own. The dump is
made by quaestio.dumps.generator (beer-shaped mix) and cached under /tmp between runs. The
machine is shared: run it when nothing else is busy, and read the figures as that moment's.
Besides wall time it prints CPU seconds of the importer, of the parsing process and (PostgreSQL)
of the server process, and how long the importer sat idle waiting for parsed rows: on a busy
machine those say more than the wall clock. To compare two checkouts, run them alternately:

    PYTHONPATH=/path/to/other/checkout .venv/bin/python /path/to/other/checkout/bench/dump_import.py

The PostgreSQL database (--pg-url, else $BENCH_PG_URL) is dropped and created again for
every run: give it a name of your own on a shared server.

Latest figures: quaestio/dumps/README.md, "Speed and memory". Phase 5 (2026-11-27, six
alternated runs each, load average 3.4-6.9 on 2 cores throughout, so read them as that load's),
1,023,448 rows, old = b972337, medians: PostgreSQL 48.9 s (20,914 rows/s) old against 43.1 s
(23,760 rows/s) new; SQLite 29.1 s (35,194 rows/s) against 29.2 s (34,990 rows/s); CPU of
importer + parser + server (PostgreSQL) 42.9 s against 38.1 s. Nine more alternated runs in
quieter minutes (load 0.6-5.4 at their start, ours included): PostgreSQL median 34.4 s
(29,777 rows/s) old against 20.8 s (49,204 rows/s) new, best 22.5 against 18.7 s (54,638
rows/s); 3 of the 9 new runs passed 50,000 rows/s. No run was on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "quaestio-bench-dumps"
ROWS_PER_SCALE = 26_444  # rows Options(scale=1) writes: about the size of beer
# Bump when quaestio.dumps.generator changes what it writes, so cached dumps are regenerated.
GENERATOR_VERSION = 2  # 2: PostHistory rows carry UserId (were UserUserId)
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/quaestio_bench_dumps")


def generated(scale: float) -> Path:
    from quaestio.dumps.generator import Options, generate

    folder = CACHE / f"v{GENERATOR_VERSION}-scale-{scale:g}"
    done = folder / ".complete"
    if not done.exists():
        started = time.perf_counter()
        print(f"generating a dump at scale {scale:g} in {folder} …", file=sys.stderr, flush=True)
        counts = generate(folder, Options(scale=scale, seed=1))
        done.write_text(json.dumps(counts))
        print(
            f"  {sum(counts.values()):,} rows in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    return folder


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def run_import(folder: Path, backend: str, workers: int, pg_url: str = PG_URL) -> dict:
    """Import in a child process; returns its report and peak memory."""
    env = dict(os.environ)
    env["QUAESTIO_DATA_DIR"] = tempfile.mkdtemp(prefix="quaestio-bench-")
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        fresh_postgres(pg_url)
        env["DATABASE_URL"] = pg_url
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child_process = subprocess.Popen(
            [sys.executable, __file__, "--child", str(folder), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=err,
            text=True,
            cwd=REPO,
        )
        memory = sample_memory(child_process)
        out.seek(0)
        err.seek(0)
        if child_process.returncode != 0:
            raise SystemExit(f"import failed:\n{err.read()[-3000:]}")
        figures = json.loads(out.read().strip().splitlines()[-1])
    figures["rss_samples"] = memory
    return figures


def sample_memory(process: subprocess.Popen, every: float = 1.0) -> list[tuple[float, int, int]]:
    """(seconds, importer MB, parsing processes MB) read from /proc every second until the
    import ends: whether memory stays flat over the import, not only its peak."""
    started = time.perf_counter()
    samples = []
    while process.poll() is None:
        samples.append(
            (time.perf_counter() - started, _rss_mb(process.pid), _children_mb(process.pid))
        )
        time.sleep(every)
    return samples


def _rss_mb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _children_mb(pid: int) -> int:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    return sum(_rss_mb(int(child)) for child in children)


def child(folder: str, workers: int) -> None:
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    from quaestio.dumps.importer import import_dump

    with open(os.devnull, "w") as quiet:
        report = import_dump(folder, out=quiet, workers=workers)
    server_cpu = _server_cpu_seconds()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_kb, children_kb = own.ru_maxrss, children.ru_maxrss
    print(
        json.dumps(
            {
                "files": {
                    r.name: [r.rows, r.seconds, r.start_rate, r.end_rate] for r in report.files
                },
                "rows": report.rows,
                "load_seconds": report.load_seconds,
                "phases": report.phases,
                "elapsed": report.elapsed,
                "peak_mb": self_kb / 1024,
                "parser_peak_mb": children_kb / 1024,
                "cpu_seconds": own.ru_utime + own.ru_stime,
                "parser_cpu_seconds": children.ru_utime + children.ru_stime,
                "server_cpu_seconds": server_cpu,
                "waited_for_parsing": report.waited_for_parsing,
            }
        )
    )


def _server_cpu_seconds() -> float | None:
    """PostgreSQL: CPU seconds of this connection's server process (same machine), which
    does the COPY parsing, index builds and recount; None on SQLite (it runs in-process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another machine, or not allowed to look
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def show(label: str, figures: dict) -> None:
    print(f"\n{label}")
    print(
        f"  {'file':<16} {'rows':>10} {'seconds':>9} {'rows/s':>9} {'first 10%':>10} {'last 10%':>9}"
    )
    for name, (rows, seconds, start_rate, end_rate) in figures["files"].items():
        rate = rows / seconds if seconds else 0
        print(
            f"  {name:<16} {rows:>10,} {seconds:9.2f} {rate:>9,.0f} {start_rate:>10,.0f} "
            f"{end_rate:>9,.0f}"
        )
    rows = figures["rows"]
    load = figures["load_seconds"]
    print(f"  {'all files':<16} {rows:>10,} rows {load:7.2f} s {rows / load:>9,.0f} rows/s")
    for name, seconds in figures["phases"].items():
        print(f"    then {name}: {seconds:.2f} s")
    elapsed = figures["elapsed"]
    print(f"  {'end to end':<16} {rows:>10,} rows {elapsed:7.2f} s {rows / elapsed:>9,.0f} rows/s")
    print(
        f"  peak memory: importer {figures['peak_mb']:.0f} MB, "
        f"parsing process {figures['parser_peak_mb']:.0f} MB"
    )
    samples = figures.get("rss_samples") or []
    if samples:
        picks = [samples[min(len(samples) - 1, len(samples) * tenth // 10)] for tenth in range(11)]
        print(
            "  RSS over the import (s: importer + parsing MB): "
            + ", ".join(f"{at:.0f}: {own}+{parser}" for at, own, parser in picks)
        )
    # CPU seconds do not depend on what else the shared machine is running, wall time does.
    cpu, parser_cpu = figures["cpu_seconds"], figures["parser_cpu_seconds"]
    print(
        f"  CPU time: importer {cpu:.1f} s, parsing processes {parser_cpu:.1f} s "
        f"({rows / (cpu + parser_cpu):,.0f} rows per CPU-second, importer and parser)"
    )
    if figures.get("server_cpu_seconds") is not None:
        print(f"  CPU time of the PostgreSQL server process: {figures['server_cpu_seconds']:.1f} s")
    if figures.get("waited_for_parsing") is not None:
        print(f"  importer idle, waiting for parsed rows: {figures['waited_for_parsing']:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1, choices=(0, 1))
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--pg-url",
        default=PG_URL,
        help="PostgreSQL database to import into; it is dropped and created again for each "
        "run (default: $BENCH_PG_URL, else %(default)s)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers)
        return
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="quaestio-bench-"))

    if not args.memory_only:
        folder = generated(round(args.rows / ROWS_PER_SCALE + 0.5, 1))
        for backend in args.backends.split(","):
            figures = run_import(folder, backend, args.workers, args.pg_url)
            show(f"{backend}, {figures['rows']:,} rows, workers={args.workers}", figures)

    if not args.skip_memory:
        print("\nPeak memory as the dump grows (SQLite):")
        for scale in (1, 10):
            figures = run_import(generated(scale), "sqlite", args.workers)
            print(
                f"  {scale:>2}x beer ({figures['rows']:>9,} rows): importer "
                f"{figures['peak_mb']:.0f} MB, parsing process {figures['parser_peak_mb']:.0f} MB, "
                f"{figures['rows'] / figures['elapsed']:,.0f} rows/s end to end"
            )


if __name__ == "__main__":
    main()

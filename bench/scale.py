"""Server time of every page and API method on a generated site of a chosen size (issue 20).

    .venv/bin/python bench/scale.py --scale 20                      # ~43,000 posts, both DBs
    .venv/bin/python bench/scale.py --scale 190 --backends postgres # ~403,000 posts
    .venv/bin/python bench/scale.py --scale 20 --reuse              # measure again, no import

Generates a dump with quaestio.dumps.generator (beer-shaped: per question ~2.4 answers, 6.7
users, 9 badges; scale 1 = 600 questions, ~2,100 posts, ~26,000 rows), imports it with the
site's own importer into a data directory (SQLite) and/or a PostgreSQL database of its own,
then serves requests in-process through the WSGI application (no network, no server
process) and prints p50/p95 server time per page: home; each /questions tab at page 1 and
page 1,000; tags; users at page 1 and 10,000; badges; 100 random question pages and their
wrong-slug redirects; a search mix; the API's most used methods. The time is the wall
clock around the WSGI call, the same span the Server-Timing "total" covers; beside it the
mean CPU time per request of the web process, which other programs on a shared machine do not
inflate. On SQLite that includes the database's work (it runs in-process); on PostgreSQL it
does not: the server's share is in its own process, and Django opens a connection per request
(CONN_MAX_AGE 0), so it is not measured here — compare PostgreSQL rows by wall time on a quiet
machine, or by the web process's CPU as a lower bound.

Deep pages are asked for the way the code under test offers them: if quaestio.web.paging
has keyset cursors (`CURSOR_PARAM`), the deep page is reached through a cursor URL built
from the row just before it (what the pager's "next" link on the page before would carry),
and the page number typed directly is timed too (it is capped at the deepest page a jump
may reach); otherwise `?page=N` (an OFFSET).

To compare two versions of the code, point PYTHONPATH at the other checkout; the import
and the measurement run in child processes that import quaestio from there:

    PYTHONPATH=/tmp/q20-main .venv/bin/python bench/scale.py --scale 20 --label before

The data directory and database are named after --label and --scale, so `--reuse` measures
the same site again (with migrations of the current code applied and `recount` run first).

What the hour-long run needs (aim: 10 million posts, `--scale 4700`): about 125 million
dump rows and ~60 GB of XML under /tmp (the generator writes ~500 bytes a row), the same
again in PostgreSQL, and the import alone takes ~40 minutes at 50,000 rows/s; generating
the dump takes about as long again on one core. Run it with nothing else busy, on one
database at a time (`--backends postgres`), and measure twice (`--reuse`) to see the warm
figures. Smaller runs extrapolate: run two scales and compare each page's p95.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOT = Path(tempfile.gettempdir()) / "quaestio-scale"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/quaestio_scale")
TABS = ("active", "newest", "score", "unanswered", "bounties")
SEARCHES = (
    "hops",
    "hops malt",
    "bitter sweet aroma",
    '"pint keg"',
    "[malt-1] yeast",
    "is:question score:1 barrel",
    "user:5 ale",
    "answers:0 stout",
)


def data_dir(label: str, backend: str, scale: float) -> Path:
    return ROOT / f"{label}-{backend}-s{scale:g}"


def pg_url(label: str, scale: float) -> str:
    return f"{PG_BASE}_{label}_s{str(scale).replace('.', '_')}"


def child_env(label: str, backend: str, scale: float) -> dict:
    env = dict(os.environ)
    env["QUAESTIO_DATA_DIR"] = str(data_dir(label, backend, scale))
    env["QUAESTIO_SERVER_TIMING"] = "all"
    # The API's per-address quotas and rate limits would refuse a benchmark's requests.
    for name in ("QUOTA_ANONYMOUS", "REQUESTS_PER_SECOND", "BACKOFF_AFTER"):
        env[f"QUAESTIO_API_{name}"] = str(10**9)
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        env["DATABASE_URL"] = pg_url(label, scale)
    return env


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def generated(scale: float) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from dump_import import generated as cached_dump

    return cached_dump(scale)


def run_child(mode: str, env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, __file__, f"--child-{mode}", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def prepare(label: str, backend: str, scale: float, reuse: bool) -> None:
    env = child_env(label, backend, scale)
    folder = data_dir(label, backend, scale)
    done = folder / ".imported"
    if reuse and done.exists():
        started = time.perf_counter()
        run_child("upgrade", env)
        print(f"  {backend}: migrated and recounted in {time.perf_counter() - started:.0f} s")
        return
    dump = generated(scale)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("quaestio.sqlite3*"):
        stale.unlink()
    if backend == "postgres":
        fresh_postgres(env["DATABASE_URL"])
    started = time.perf_counter()
    out = run_child("import", env, str(dump))
    print(f"  {backend}: imported in {time.perf_counter() - started:.0f} s")
    lines = out.strip().splitlines()
    # Rows/s per file (whole file, its first and its last tenth), the steps, end to end.
    shown = [line for line in lines if line.startswith("  ") and "corrected" not in line]
    print("    " + "\n    ".join(shown), flush=True)
    (folder / "import-report.txt").write_text(out)
    done.write_text("ok")


# --- in the child processes --------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()


def child_import(dump: str) -> None:
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from quaestio.dumps.importer import import_dump

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    import resource

    report = import_dump(dump, out=sys.stderr)
    print("\n".join(report.lines()))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    parser = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"  peak memory: importer {own} MB, parsing process {parser} MB")


def child_upgrade() -> None:
    _setup()
    from django.core.management import call_command

    from quaestio.core.counters import recount

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    recount()


def _environ(path: str) -> dict:
    import io

    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _serve(application, path: str) -> tuple[float, str]:
    """Milliseconds the application took to answer `path`, and its status."""
    statuses: list[str] = []
    started = time.perf_counter()
    body = application(_environ(path), lambda status, headers, exc=None: statuses.append(status))
    b"".join(body)
    elapsed = (time.perf_counter() - started) * 1000
    body.close()
    return elapsed, statuses[-1]


def _deep_url(base: str, tab: str | None, page: int, size: int, kind: str = "questions") -> str:
    """Page `page` of a list, through a keyset cursor where the code has one."""
    from quaestio.web import paging

    join = "&" if "?" in base else "?"
    if not hasattr(paging, "CURSOR_PARAM"):
        return f"{base}{join}page={page}"
    cursor = paging.cursor_before_page(kind, tab, page, size)
    if cursor is None:
        return f"{base}{join}page={page}"
    return f"{base}{join}page={page}&{paging.CURSOR_PARAM}={cursor}"


def _paths(rng: random.Random, questions: int) -> list[tuple[str, list[str]]]:
    from django.db import connection

    from quaestio.core.links import question_url
    from quaestio.posts.models import Post, PostType

    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM posts_post")
        top = cursor.fetchone()[0] or 1
    ids: list[tuple[int, str]] = []
    while len(ids) < questions:
        wanted = [rng.randint(1, top) for _ in range(questions * 4)]
        for row in Post.objects.filter(
            id__in=wanted, post_type=PostType.QUESTION, deletion_date__isnull=True
        ).values_list("id", "title")[: questions - len(ids)]:
            ids.append(row)
    some = ";".join(str(i) for i, _ in ids[:30])
    user_ids = ";".join(str(i) for i in rng.sample(range(1, 2000), 20))
    paths: list[tuple[str, list[str]]] = [
        ("home /", ["/"]),
    ]
    for tab in TABS:
        base = f"/questions?tab={tab}"
        paths.append((f"/questions {tab} p1", [base]))
        paths.append((f"/questions {tab} p1000", [_deep_url(base, tab, 1000, 15)]))
        paths.append((f"/questions {tab} ?page=1000 typed", [f"{base}&page=1000"]))
    paths += [
        ("/tags", ["/tags"]),
        ("/tags?page=last-ish 100", ["/tags?page=100"]),
        ("/users p1", ["/users"]),
        ("/users p10000", [_deep_url("/users", None, 10_000, 36, kind="users")]),
        ("/users ?page=10000 typed", ["/users?page=10000"]),
        ("/badges", ["/badges"]),
        ("/badges/Student", ["/badges/Student"]),
        ("question page (100 random)", [question_url(i, t) for i, t in ids]),
        ("wrong-slug redirect (100)", [f"/questions/{i}/wrong-slug" for i, _ in ids]),
        ("search mix", [f"/search?q={q}" for q in SEARCHES]),
        ("/2.3/questions pagesize=100", ["/2.3/questions?pagesize=100&site=x"]),
        ("/2.3/questions/{30 ids}", [f"/2.3/questions/{some}?site=x"]),
        ("/2.3/questions/{ids}/answers", [f"/2.3/questions/{some}/answers?site=x"]),
        ("/2.3/answers", ["/2.3/answers?site=x"]),
        ("/2.3/users", ["/2.3/users?site=x"]),
        ("/2.3/users/{ids}", [f"/2.3/users/{user_ids}?site=x"]),
        ("/2.3/tags", ["/2.3/tags?site=x"]),
        ("/2.3/badges", ["/2.3/badges?site=x"]),
        ("/2.3/comments", ["/2.3/comments?site=x"]),
        ("/2.3/search/advanced", ["/2.3/search/advanced?q=hops&site=x"]),
        ("/2.3/similar", ["/2.3/similar?title=hops%20malt%20yeast&site=x"]),
        ("/2.3/info", ["/2.3/info?site=x"]),
    ]
    return paths


def child_measure(repeats: int, questions: int) -> None:
    _setup()
    from django.db import connection

    from quaestio.wsgi import application

    rng = random.Random(20)
    paths = _paths(rng, questions)
    results = {}
    for name, urls in paths:
        times: list[float] = []
        statuses: set[str] = set()
        rounds = 1 if len(urls) > 1 else repeats
        for url in urls:  # a warm-up request each: the figures are of a warm server
            _serve(application, url)
        cpu_started = time.process_time()
        for _ in range(rounds):
            for url in urls:
                elapsed, status = _serve(application, url)
                times.append(elapsed)
                statuses.add(status.split()[0])
        # CPU time of this process does not count the time other programs on a shared
        # machine took: the steadier figure there.
        cpu = time.process_time() - cpu_started
        times.sort()
        results[name] = {
            "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
            "cpu": cpu * 1000 / len(times),
            "n": len(times),
            "status": ",".join(sorted(statuses)),
        }
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM posts_post")
        posts = cursor.fetchone()[0]
    print(json.dumps({"posts": posts, "results": results}))


# --- the parent --------------------------------------------------------------------------------


def measure(label: str, backend: str, scale: float, repeats: int, questions: int) -> dict:
    env = child_env(label, backend, scale)
    out = run_child("measure", env, str(repeats), str(questions))
    return json.loads(out.strip().splitlines()[-1])


def show(figures: dict[str, dict]) -> None:
    columns = list(figures)
    names = list(next(iter(figures.values()))["results"])
    header = f"{'page':<38}" + "".join(f"{c:>40}" for c in columns)
    print(header)
    print(f"{'':<38}" + "".join(f"{'p50 / p95 ms, CPU ms/req (status)':>40}" for _ in columns))
    for name in names:
        cells = []
        for column in columns:
            r = figures[column]["results"].get(name)
            cells.append(
                f"{r['p50']:7.1f} / {r['p95']:7.1f}, {r.get('cpu', 0):6.1f} ({r['status']})"
                if r
                else "—"
            )
        print(f"{name:<38}" + "".join(f"{c:>40}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--label", default="current", help="names the data (before/after)")
    parser.add_argument("--reuse", action="store_true", help="measure the imported site again")
    parser.add_argument("--repeats", type=int, default=20, help="requests per single page")
    parser.add_argument("--questions", type=int, default=100, help="random question pages")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--combine",
        nargs="+",
        help="print one table from the --json files of earlier runs (e.g. one per database)",
    )
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    parser.add_argument("--child-upgrade", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        return child_import(args.child_import)
    if args.child_upgrade:
        return child_upgrade()
    if args.child_measure:
        return child_measure(int(args.child_measure[0]), int(args.child_measure[1]))
    if args.combine:
        combined: dict[str, dict] = {}
        for name in args.combine:
            combined.update(json.loads(Path(name).read_text()))
        return show(combined)
    figures = {}
    for backend in args.backends.split(","):
        print(f"{backend}, scale {args.scale:g} ({args.label}):", flush=True)
        prepare(args.label, backend, args.scale, args.reuse)
        result = measure(args.label, backend, args.scale, args.repeats, args.questions)
        figures[f"{backend} {args.label} ({result['posts']:,} posts)"] = result
    show(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

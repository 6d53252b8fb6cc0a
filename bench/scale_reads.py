"""Server time of the reads issue 20 bounded on this branch: Similar (the ask page's
/search/similar, /2.3/similar) on a generated site, before/after (issue 20, point 1).

    .venv/bin/python bench/scale_reads.py --dump /tmp/x/site20.stackexchange.com --import
    .venv/bin/python bench/scale_reads.py --dump ... --label after
    PYTHONPATH=/tmp/before .venv/bin/python bench/scale_reads.py --dump ... --label before

--import loads the dump (quaestio.dumps.generator's) into a data directory (SQLite) and the
PostgreSQL database of BENCH_PG_URL with the current code. Measuring runs in a child process
that imports quaestio from PYTHONPATH (another checkout: the "before"), serves each URL
in-process through the WSGI application, and prints per page the median of the Server-Timing
"total" (the server's own span), the median wall time and the web process's CPU per request.
On a shared machine compare the figures of one run side by side, not across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path("/tmp/scalereads-bench")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/quaestio_scalereads")
# Titles typed on the ask page: common words only, a rare word among common ones, and
# (added at run time) titles of questions on the site.
TYPED = (
    "best way to brew beer at home",
    "what is the difference between ale and lager",
    "why does my beer taste sour after fermentation",
)


def env_for(backend: str) -> dict:
    env = dict(os.environ)
    env["QUAESTIO_DATA_DIR"] = str(ROOT / f"data-{backend}")
    env["QUAESTIO_SERVER_TIMING"] = "all"
    for name in ("QUOTA_ANONYMOUS", "REQUESTS_PER_SECOND", "BACKOFF_AFTER"):
        env[f"QUAESTIO_API_{name}"] = str(10**9)
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        env["DATABASE_URL"] = PG_URL
    return env


def child(mode: str, backend: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, __file__, f"--child-{mode}", *args],
        env=env_for(backend),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()


def child_import(dump: str) -> None:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from quaestio.dumps.importer import import_dump

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print("\n".join(import_dump(dump, out=sys.stderr).lines()))


def _paths() -> list[tuple[str, list[str]]]:
    from urllib.parse import quote

    from quaestio.posts.models import Post, PostType

    rng = random.Random(20)
    top = Post.objects.order_by("-id").values_list("id", flat=True).first() or 1
    wanted = [rng.randint(1, top) for _ in range(400)]
    titles = list(
        Post.objects.filter(id__in=wanted, post_type=PostType.QUESTION)
        .order_by("id")
        .values_list("title", flat=True)[:20]
    )
    typed = [*TYPED, *titles]
    return [
        (
            "/search/similar (ask page, 23 titles)",
            [f"/search/similar?title={quote(t)}" for t in typed],
        ),
        ("/2.3/similar (23 titles)", [f"/2.3/similar?title={quote(t)}&site=x" for t in typed]),
    ]


def serve_once(application, path: str) -> tuple[float, float | None, str]:
    """Wall ms, the Server-Timing total (ms) and the status of one request."""
    import io

    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8101",
        "HTTP_HOST": "127.0.0.1:8101",
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
    seen: list[tuple[str, list]] = []
    started = time.perf_counter()
    body = application(environ, lambda status, headers, exc=None: seen.append((status, headers)))
    b"".join(body)
    elapsed = (time.perf_counter() - started) * 1000
    body.close()
    status, headers = seen[-1]
    timing = dict(headers).get("Server-Timing", "")
    total = re.search(r"total;dur=([\d.]+)", timing)
    return elapsed, float(total.group(1)) if total else None, status


def child_measure(repeats: str) -> None:
    setup_django()
    from quaestio.wsgi import application

    results = {}
    for name, urls in _paths():
        walls, totals, statuses = [], [], set()
        for url in urls:
            serve_once(application, url)  # warm
        cpu_started = time.process_time()
        for _ in range(int(repeats)):
            for url in urls:
                wall, total, status = serve_once(application, url)
                walls.append(wall)
                if total is not None:
                    totals.append(total)
                statuses.add(status.split()[0])
        cpu = (time.process_time() - cpu_started) * 1000 / len(walls)
        results[name] = {
            "server_timing_p50": statistics.median(totals) if totals else None,
            "wall_p50": statistics.median(walls),
            "cpu": cpu,
            "n": len(walls),
            "status": ",".join(sorted(statuses)),
        }
    print(json.dumps(results))


def child_direct(repeats: str) -> None:
    """similar_questions itself on one open connection, per title: the database's and the
    selector's time without a request's fixed costs (a connection per request above)."""
    setup_django()
    from quaestio.search.selectors import similar_questions

    titles = [url.split("title=", 1)[1] for url in _paths()[0][1]]
    from urllib.parse import unquote

    times = []
    for title in map(unquote, titles):
        similar_questions(title)  # warm
        for _ in range(int(repeats)):
            started = time.perf_counter()
            similar_questions(title)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "similar_questions() per title": {
                    "server_timing_p50": None,
                    "wall_p50": statistics.median(times),
                    "cpu": 0.0,
                    "n": len(times),
                    "status": f"p95 {times[int(len(times) * 0.95)]:.1f} ms",
                }
            }
        )
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        mode = sys.argv[1].removeprefix("--child-")
        modes = {"import": child_import, "measure": child_measure, "direct": child_direct}
        modes[mode](*sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--dump", required=True)
    parser.add_argument("--import", dest="do_import", action="store_true")
    parser.add_argument("--label", default="run")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--direct", action="store_true", help="time similar_questions() alone")
    args = parser.parse_args()
    for backend in args.backends:
        if args.do_import:
            started = time.perf_counter()
            child("import", backend, args.dump)
            print(f"{backend}: imported in {time.perf_counter() - started:.0f} s", flush=True)
            continue
        mode = "direct" if args.direct else "measure"
        results = json.loads(child(mode, backend, str(args.repeats)).strip().splitlines()[-1])
        for name, figures in results.items():
            timing = figures["server_timing_p50"]
            print(
                f"{args.label:<8} {backend:<9} {name:<40} Server-Timing p50 "
                f"{timing if timing is None else round(timing, 1)} ms, wall p50 "
                f"{figures['wall_p50']:.1f} ms, CPU {figures['cpu']:.1f} ms "
                f"(n={figures['n']}, {figures['status']})",
                flush=True,
            )


if __name__ == "__main__":
    main()

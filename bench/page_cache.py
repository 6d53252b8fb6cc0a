"""The anonymous page cache (issue 20.5): hit ratio under a mix with writes, and the question
page's throughput from the cache against nginx serving the same bytes from a file, and against
the same page rendered (uncached), side by side on one run.

Starts `quaestio demo` (Granian, 2 workers, SQLite; the cache is the shared cache table, as a
site without Redis has; REDIS_URL makes it Redis) in a temporary data directory, or
`quaestio serve` on an existing site with --data-dir (a generated one, e.g. from bench/scale.py).

1. throughput (wrk, 2 threads, 16 connections, --seconds each, --rounds interleaved rounds):
   * cached: the question page without cookies, so every request after the first is a hit;
   * nginx: nginx on port --nginx-port serving the hit's bytes from a file (same length);
   * uncached: the same page with a parameter the cache does not serve (`?nocache=1`), so the
     view renders it as for a signed-out visitor without the page cache (the per-process thread
     HTML of web/thread_cache.py still applies, as it does on every uncached view);
   medians of the rounds and the ratios.
2. hit ratio under a mix: --readers threads of anonymous visitors (many addresses) reading
   question pages (80%, the popular ones more often), lists (15%) and tag pages (5%), while a
   share of --write-share of the operations are writes through the services (votes and
   comments, in this process, on the same database); hits counted from Server-Timing.

Run: .venv/bin/python bench/page_cache.py [--seconds 10] [--rounds 3] [--mix-seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

PAGE = "/questions/38738/why-did-stalin-have-trotsky-killed"
OUTCOME = re.compile(r"cache;desc=(\w+)")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--nginx-port", type=int, default=8112)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mix-seconds", type=float, default=20)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--write-share", type=float, default=0.02)
    parser.add_argument("--data-dir", type=Path, help="serve this site instead of a fresh demo")
    parser.add_argument("--page", default=None, help="the question page (default: the demo's)")
    return parser.parse_args()


# --- the server -------------------------------------------------------------------------------


def start_server(args, data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "QUAESTIO_DATA_DIR": str(data_dir), "QUAESTIO_SERVER_TIMING": "all"}
    env["QUAESTIO_PAGE_CACHE"] = "1"
    command = "serve" if args.data_dir else "demo"
    process = subprocess.Popen(
        [sys.executable, "-m", "quaestio.cli", command, "--port", str(args.port)]
        + ["--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/questions", timeout=5)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not start within 180 s")


def get(port: int, path: str, address: str = "10.0.0.1") -> tuple[int, bytes, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"X-Forwarded-For": address})
        response = connection.getresponse()
        body = response.read()
        found = OUTCOME.search(response.getheader("Server-Timing") or "")
        return response.status, body, found.group(1) if found else "none"
    finally:
        connection.close()


def start_nginx(port: int, body: bytes, folder: Path) -> subprocess.Popen:
    """nginx in the foreground, from a temporary configuration, serving the page's bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    for parent in (folder, folder.parent):
        parent.chmod(0o755)  # nginx's workers run as another user
    (folder / "page.html").write_bytes(body)
    (folder / "page.html").chmod(0o644)
    config = folder / "nginx.conf"
    config.write_text(
        f"""daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      root {folder};
      default_type "text/html; charset=utf-8";
      try_files /page.html =404;
    }}
  }}
}}
"""
    )
    process = subprocess.Popen(
        ["nginx", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"nginx did not start: {(folder / 'error.log').read_text()[-500:]}")


# --- 1. throughput ----------------------------------------------------------------------------


def wrk(port: int, path: str, seconds: float) -> float:
    result = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds:g}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failures on {path}:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def throughput(args, page: str) -> dict:
    runs = {"cached": [], "nginx": [], "uncached": []}
    for _ in range(args.rounds):
        runs["cached"].append(wrk(args.port, page, args.seconds))
        runs["nginx"].append(wrk(args.nginx_port, "/", args.seconds))
        runs["uncached"].append(wrk(args.port, f"{page}?nocache=1", args.seconds))
    medians = {kind: statistics.median(values) for kind, values in runs.items()}
    return {
        "rounds_req_per_s": runs,
        "median_req_per_s": {k: round(v) for k, v in medians.items()},
        "cached_vs_uncached": round(medians["cached"] / medians["uncached"], 1),
        "cached_vs_nginx": round(medians["cached"] / medians["nginx"], 3),
    }


# --- 2. hit ratio under a mix -----------------------------------------------------------------


def site_for_writes(data_dir: Path) -> dict:
    """This process on the server's database: writers, the pages to read, the posts."""
    os.environ["QUAESTIO_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from quaestio.accounts.models import User
    from quaestio.core import links
    from quaestio.posts.models import Post, PostType
    from quaestio.tags.models import Tag

    writers = []
    for n in range(20):
        email = f"pagecache{n}@example.org"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, f"pagecache{n}", "page cache password 1", reputation=3000
        )
        writers.append(user)
    questions = list(
        Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
        .order_by("-score", "id")
        .values_list("id", "title")[:500]
    )
    posts = list(
        Post.objects.filter(deletion_date__isnull=True, post_type__in=(1, 2))
        .order_by("id")
        .values_list("id", flat=True)[:2000]
    )
    return {
        "writers": writers,
        "questions": [links.question_url(i, t) for i, t in questions],
        "posts": posts,
        "tags": list(Tag.objects.order_by("-count").values_list("name", flat=True)[:20]),
    }


def one_write(site: dict, rng: random.Random) -> None:
    from quaestio.comments.services import comment_add
    from quaestio.core.errors import DomainError
    from quaestio.votes.services.voting import vote_set

    user = rng.choice(site["writers"])
    post_id = rng.choice(site["posts"])
    try:
        if rng.random() < 0.7:
            vote_set(user, post_id, "up")
        else:
            comment_add(user, post_id, f"A page cache bench comment {rng.getrandbits(40):x}.")
    except DomainError:
        pass  # own post, already voted, rate limit: still a try at writing


def mix(args, site: dict) -> dict:
    outcomes: dict[str, int] = {}
    writes = [0]
    lock = threading.Lock()
    end = time.monotonic() + args.mix_seconds
    questions = site["questions"]
    weights = [1 / (rank + 1) for rank in range(len(questions))]  # popular pages read more

    def reader(seed: int) -> None:
        from django.db import connection

        rng = random.Random(seed)
        try:
            while time.monotonic() < end:
                if rng.random() < args.write_share:
                    one_write(site, rng)
                    with lock:
                        writes[0] += 1
                    continue
                roll = rng.random()
                if roll < 0.80:
                    path = rng.choices(questions, weights)[0]
                elif roll < 0.95:
                    path = rng.choice(["/", "/questions", "/questions?tab=newest"])
                else:
                    path = f"/questions/tagged/{rng.choice(site['tags'])}"
                address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                _, _, outcome = get(args.port, path, address)
                with lock:
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reads = sum(outcomes.values())
    return {
        "seconds": args.mix_seconds,
        "reads": reads,
        "writes": writes[0],
        "outcomes": outcomes,
        "hit_ratio": round(outcomes.get("hit", 0) / max(reads, 1), 3),
    }


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    args = arguments()
    if not shutil.which("wrk") or not shutil.which("nginx"):
        raise SystemExit("needs wrk and nginx (apt-get install wrk nginx)")
    folder = Path(tempfile.mkdtemp(prefix="quaestio-page-cache-"))
    data_dir = args.data_dir or folder / "site"
    data_dir.mkdir(exist_ok=True)
    server = start_server(args, data_dir)
    nginx = None
    try:
        page = args.page or PAGE
        get(args.port, page)
        status, body, outcome = get(args.port, page)
        if status != 200 or outcome != "hit":
            raise SystemExit(f"the page was not served from the cache: {status} {outcome}")
        nginx = start_nginx(args.nginx_port, body, folder / "nginx")
        print(f"Page cache bench: {page} ({len(body):,} bytes), {args.workers} server workers;")
        print("the machine is shared, so only ratios from one run mean much.")
        figures = {"throughput": throughput(args, page)}
        site = site_for_writes(data_dir)
        for share in (0.0, args.write_share):
            args_at = argparse.Namespace(**{**vars(args), "write_share": share})
            figures[f"mix_write_share_{share:g}"] = mix(args_at, site)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        os.killpg(server.pid, 15)
        server.wait(30)
    import json

    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

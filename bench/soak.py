"""Soak (issue 20.6): mixed traffic against `quaestio cluster` for a while, crashes on the way,
then proof that nothing was lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/quaestio_soak REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/soak.py --minutes 30 --rate 40

What it does:

1. Prepares a site in a fresh data directory on DATABASE_URL (the database is dropped and made
   again with --fresh): the demo community, --users signed-in users with the reputation to vote,
   comment and edit, each logged in through the login form.
2. Starts `quaestio cluster --web 3` (three web processes behind the proxy, the task worker),
   with tasks in the database and the cache, sessions and counters in Redis when REDIS_URL is
   set. Visitors come from many addresses (X-Forwarded-For behind a trusted front proxy), as on
   a real site, so per-address limits (search, API quota) apply to each visitor.
3. Sends requests on a fixed clock (open loop: latency counts from the scheduled time, so a
   stall is not hidden): ~90% anonymous reads (question pages, lists, tags, search, API, users),
   ~8% signed-in question pages, ~2% writes through the site's forms (votes, answers, comments,
   edits of one's own answers, flags "in need of moderator intervention" on others' posts).
4. A third of the way in it kills one web process (SIGKILL), halfway the task worker; the
   cluster restarts both.
5. At the end: no 5xx; every acknowledged write is in the database; `recount` finds no counter
   to correct; the reputation replay finds no user to fix; every live post is in the search
   index; no task failed. Reports requests served, p50/p95/p99 per kind, errors, and CPU per
   request (web processes, proxy, worker, and the PostgreSQL backends serving them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from soak_support import (  # noqa: E402
    CpuSampler,
    Recorder,
    Visitor,
    fresh_postgres_database,
)

ROOT = Path(__file__).resolve().parents[1]
ANON_READS = 0.90
SIGNED_READS = 0.08  # the remaining 2% are writes
WRITE_MIX = [("vote", 0.35), ("comment", 0.25), ("answer", 0.20), ("edit", 0.10), ("flag", 0.10)]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second")
    parser.add_argument("--web", type=int, default=3)
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--threads", type=int, default=24, help="client connections at most")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--report", type=Path, help="also write the figures here as JSON")
    return parser.parse_args()


# --- the site ---------------------------------------------------------------------------------


def prepare_site(args) -> dict:
    """Migrate, load the demo, make the soak's users; returns what the traffic picks from."""
    import django

    django.setup()
    from django.db import transaction

    from quaestio.accounts.models import User
    from quaestio.cli_commands import setup
    from quaestio.core import links
    from quaestio.core.counters import recount
    from quaestio.demo.loader import load_demo
    from quaestio.posts.models import Post, PostType
    from quaestio.reputation.recalc import recalculate
    from quaestio.reputation.services import record_opening_balances
    from quaestio.tags.models import Tag

    setup()
    if not Post.objects.exists():
        load_demo()
    users = []
    for n in range(args.users):
        email = f"soak{n}@example.org"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, f"soak{n}", "soak password 123", reputation=3000
        )
        users.append((user.id, email))
    record_opening_balances(only_new_users=True)
    # Start from a consistent site, so what the checks find was done by the soak.
    with transaction.atomic():
        recount()
    recalculate(fix=True)
    questions = [
        links.question_url(id, title)
        for id, title in Post.objects.filter(
            post_type=PostType.QUESTION, deletion_date__isnull=True
        ).values_list("id", "title")
    ]
    posts = list(
        Post.objects.filter(
            post_type__in=(PostType.QUESTION, PostType.ANSWER), deletion_date__isnull=True
        ).values_list("id", "owner_id")
    )
    tags = list(Tag.objects.values_list("name", flat=True)[:20])
    user_pages = [links.user_url(u.id, u.display_name) for u in User.objects.all()[:100]]
    return {
        "users": users,
        "user_pages": user_pages,
        "questions": questions,
        "posts": posts,
        "tags": tags,
    }


def start_cluster(args, env: dict, log_path: Path) -> tuple[subprocess.Popen, list[str]]:
    command = [sys.executable, "-m", "quaestio.cli", "cluster", "--web", str(args.web)]
    process = subprocess.Popen(
        [*command, "--port", str(args.port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []

    def keep() -> None:
        with log_path.open("w") as log:
            for line in process.stdout:
                lines.append(line.rstrip())
                log.write(line)
                log.flush()

    threading.Thread(target=keep, daemon=True).start()
    return process, lines


def pids_of(lines: list[str], name: str) -> list[int]:
    pattern = re.compile(rf"^cluster +\| {re.escape(name)} started: pid (\d+)$")
    return [int(m.group(1)) for line in list(lines) if (m := pattern.match(line))]


def wait_for_site(visitor: Visitor, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if visitor.request("GET", "/questions")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the cluster did not start")


# --- traffic ----------------------------------------------------------------------------------


class Traffic:
    """Chooses each request by the mix, sends it, and keeps the acknowledged writes."""

    def __init__(self, base: str, site: dict, recorder: Recorder) -> None:
        self.base, self.site, self.recorder = base, site, recorder
        self.signed_in: list[Visitor] = []
        self.voted: set[tuple[int, int]] = set()
        self.flagged: set[tuple[int, int]] = set()
        self.page_cache: dict[str, dict[str, int]] = {}  # kind -> hits and misses
        self.answers: list[tuple[int, int, str]] = []  # (answer id, owner id, body)
        self.editing: set[int] = set()
        self.acknowledged: dict[str, list] = {k: [] for k, _ in WRITE_MIX}
        self._lock = threading.Lock()

    def log_in_everyone(self) -> None:
        for user_id, email in self.site["users"]:
            visitor = Visitor(self.base, address=_random_address(), user_id=user_id)
            visitor.log_in(email, "soak password 123")
            self.signed_in.append(visitor)

    def one(self, scheduled: float) -> None:
        roll = random.random()
        if roll < ANON_READS:
            kind, call = self._anonymous_read()
        elif roll < ANON_READS + SIGNED_READS:
            visitor = random.choice(self.signed_in)
            question = random.choice(self.site["questions"])
            kind, call = "signed-in question", lambda: visitor.request("GET", question)
        else:
            kind, call = self._write()
        self.recorder.run(kind, scheduled, call)

    def _anonymous_read(self):
        visitor = Visitor(self.base, address=_random_address())
        question = random.choice(self.site["questions"])
        choices = [
            (0.70, "anon question", question),
            (0.10, "anon list", random.choice(["/", "/questions", "/questions?tab=newest"])),
            (0.05, "anon tag", f"/questions/tagged/{random.choice(self.site['tags'])}"),
            (0.05, "anon search", f"/search?q={random.choice(['stalin', 'trotsky', 'soviet'])}"),
            (0.05, "anon api", "/2.3/questions?site=history&pagesize=10"),
            (0.05, "anon user", random.choice(self.site["user_pages"])),
        ]
        _, kind, path = random.choices(choices, weights=[c[0] for c in choices])[0]

        def call():
            reply = visitor.request("GET", path)
            self._count_cache_outcome(kind, visitor.server_timing)
            return reply

        return kind, call

    def _count_cache_outcome(self, kind: str, server_timing: str) -> None:
        found = re.search(r"cache;desc=(\w+)", server_timing or "")
        if found:
            with self._lock:
                outcomes = self.page_cache.setdefault(kind, {"hit": 0, "miss": 0})
                outcomes[found.group(1)] += 1

    def _write(self):
        kind = random.choices([k for k, _ in WRITE_MIX], weights=[w for _, w in WRITE_MIX])[0]
        visitor = random.choice(self.signed_in)
        if kind == "edit":
            with self._lock:
                mine = [a for a in self.answers if a[1] == visitor.user_id]
                mine = [a for a in mine if a[0] not in self.editing]
                if not mine:
                    kind = "answer"
                else:
                    target = random.choice(mine)
                    self.editing.add(target[0])
        return f"write {kind}", getattr(self, f"_{kind}")(
            visitor, *([target] if kind == "edit" else [])
        )

    def _vote(self, visitor: Visitor):
        with self._lock:
            for _ in range(20):
                post_id, owner = random.choice(self.site["posts"] + [a[:2] for a in self.answers])
                if owner != visitor.user_id and (visitor.user_id, post_id) not in self.voted:
                    self.voted.add((visitor.user_id, post_id))
                    break
            else:
                post_id = None
        direction = "up" if random.random() < 0.85 else "down"

        def call():
            if post_id is None:
                return visitor.request("GET", "/questions")
            status, body = visitor.post(
                f"/posts/{post_id}/vote/{direction}", {"intent": direction}, json_reply=True
            )
            if status == 200:
                self._ack("vote", (visitor.user_id, post_id, direction))
            return status, body

        return call

    def _flag(self, visitor: Visitor):
        """A moderator-attention flag (a pending flag: no red flag, so nothing is deleted), on
        a post not the visitor's and not flagged by them yet; at most a few a day each."""
        with self._lock:
            for _ in range(20):
                post_id, owner = random.choice(self.site["posts"])
                if owner != visitor.user_id and (visitor.user_id, post_id) not in self.flagged:
                    self.flagged.add((visitor.user_id, post_id))
                    break
            else:
                post_id = None
        text = f"A soak flag {_marker()}: this post needs a moderator's look, please."

        def call():
            if post_id is None:
                return visitor.request("GET", "/questions")
            status, body = visitor.post(
                f"/posts/{post_id}/flag", {"kind": "moderator", "text": text}
            )
            if status in (200, 302):  # a refused flag answers 4xx
                self._ack("flag", (visitor.user_id, post_id, text))
            return status, body

        return call

    def _comment(self, visitor: Visitor):
        post_id = random.choice(self.site["posts"])[0]
        text = f"A soak comment {_marker()} saying something useful about this post."

        def call():
            status, body = visitor.post(f"/posts/{post_id}/comments/new", {"text": text})
            if status == 302:
                self._ack("comment", (post_id, text))
            return status, body

        return call

    def _answer(self, visitor: Visitor):
        question = int(random.choice(self.site["questions"]).split("/")[2])
        text = f"A soak answer {_marker()}: a paragraph long enough to be accepted as an answer."

        def call():
            status, body, location = visitor.post_for_location(
                f"/questions/{question}/answer", {"body": text, "token": _marker()}
            )
            if status == 302 and (found := re.search(r"#answer-(\d+)$", location or "")):
                answer_id = int(found.group(1))
                self._ack("answer", (answer_id, text))
                with self._lock:
                    self.answers.append((answer_id, visitor.user_id, text))
            return status, body

        return call

    def _edit(self, visitor: Visitor, target):
        answer_id, _, old_text = target
        marker = _marker()
        text = f"{old_text}\n\nEdited by the soak: {marker}."

        def call():
            try:
                status, body = visitor.post(
                    f"/posts/{answer_id}/edit",
                    {"title": "", "body": text, "tags": "", "comment": "soak edit"},
                )
                if status == 302:
                    self._ack("edit", (answer_id, marker))
                    with self._lock:
                        self.answers = [
                            (a, o, text if a == answer_id else t) for a, o, t in self.answers
                        ]
                return status, body
            finally:
                with self._lock:
                    self.editing.discard(answer_id)

        return call

    def _ack(self, kind: str, item) -> None:
        with self._lock:
            self.acknowledged[kind].append(item)


def _random_address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def _marker() -> str:
    return f"soak{random.getrandbits(48):012x}"


def drive(traffic: Traffic, args, events) -> float:
    """Sends requests at the rate for the duration, firing the events (at fractions of the run)
    on the way; returns the seconds it ran."""
    import concurrent.futures

    pool = concurrent.futures.ThreadPoolExecutor(args.threads)
    interval = 1.0 / args.rate
    start = time.monotonic()
    end = start + args.minutes * 60
    pending = sorted(events)
    n = 0
    while True:
        scheduled = start + n * interval
        if scheduled >= end:
            break
        while pending and scheduled - start >= pending[0][0] * (end - start):
            threading.Thread(target=pending.pop(0)[1], daemon=True).start()
        delay = scheduled - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        pool.submit(traffic.one, scheduled)
        n += 1
    pool.shutdown(wait=True)
    return time.monotonic() - start


# --- checks -----------------------------------------------------------------------------------


def wait_for_tasks(seconds: float = 120) -> dict:
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        if not waiting:
            break
        time.sleep(1)
    counts = {}
    for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED"):
        counts[status.lower()] = DBTaskResult.objects.filter(status=status).count()
    return counts


def checks(traffic: Traffic) -> dict:
    from django.db import connection, transaction

    from quaestio.comments.models import Comment
    from quaestio.core.counters import recount
    from quaestio.moderation.models import Flag
    from quaestio.posts.models import Post, PostHistory, PostType
    from quaestio.reputation.recalc import recalculate
    from quaestio.votes.models import Vote, VoteType

    connection.close()  # a fresh connection sees everything the cluster committed
    missing = {kind: [] for kind in traffic.acknowledged}
    for user_id, post_id, direction in traffic.acknowledged["vote"]:
        vote_type = VoteType.UP_MOD if direction == "up" else VoteType.DOWN_MOD
        if not Vote.objects.filter(user_id=user_id, post_id=post_id, vote_type=vote_type).exists():
            missing["vote"].append((user_id, post_id))
    for post_id, text in traffic.acknowledged["comment"]:
        if not Comment.objects.filter(post_id=post_id, text=text).exists():
            missing["comment"].append(post_id)
    for answer_id, text in traffic.acknowledged["answer"]:
        marker = text.split()[3].rstrip(":")
        if not Post.objects.filter(id=answer_id, body__contains=marker).exists():
            missing["answer"].append(answer_id)
    for user_id, post_id, text in traffic.acknowledged["flag"]:
        if not Flag.objects.filter(user_id=user_id, post_id=post_id, text=text).exists():
            missing["flag"].append(post_id)
    for answer_id, marker in traffic.acknowledged["edit"]:
        if not PostHistory.objects.filter(post_id=answer_id, text__contains=marker).exists():
            missing["edit"].append(answer_id)
    with transaction.atomic():
        corrected = {name: rows for name, rows in recount().items() if rows}
        transaction.set_rollback(True)  # only look: the report says what recount would fix
    differences = recalculate(fix=False)
    index = "search_document" if connection.vendor == "postgresql" else "search_fts"
    column = "post_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Post._meta.db_table} WHERE post_type IN (%s, %s) "
            f"AND deletion_date IS NULL AND id NOT IN (SELECT {column} FROM {index})",
            [PostType.QUESTION, PostType.ANSWER],
        )
        unindexed = cursor.fetchone()[0]
    return {
        "acknowledged": {kind: len(items) for kind, items in traffic.acknowledged.items()},
        "missing": {kind: len(items) for kind, items in missing.items()},
        "recount_corrections": corrected,
        "reputation_differences": len(differences),
        "live_posts_not_in_search_index": unindexed,
    }


def _page_cache_report(outcomes: dict[str, dict[str, int]]) -> dict:
    hits = sum(o["hit"] for o in outcomes.values())
    total = hits + sum(o["miss"] for o in outcomes.values())
    per_kind = {
        kind: round(o["hit"] / max(1, o["hit"] + o["miss"]), 3) for kind, o in outcomes.items()
    }
    return {
        "on": os.environ.get("QUAESTIO_PAGE_CACHE", "1") not in ("0", "false", "off"),
        "hit_ratio_of_cacheable": round(hits / max(1, total), 3),
        "hit_ratio_per_kind": per_kind,
        "hits": hits,
        "cacheable_requests": total,
    }


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    args = arguments()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL (PostgreSQL, as a deployment); REDIS_URL too.", file=sys.stderr)
    if args.fresh and os.environ.get("DATABASE_URL"):
        fresh_postgres_database(os.environ["DATABASE_URL"])
    data_dir = Path(tempfile.mkdtemp(prefix="quaestio-soak-"))
    os.environ.setdefault("QUAESTIO_DATA_DIR", str(data_dir))
    os.environ["QUAESTIO_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    site = prepare_site(args)
    # A front proxy + ours; Server-Timing to all, so the page cache's hits can be counted.
    env = {**os.environ, "QUAESTIO_TRUSTED_PROXY_COUNT": "2", "QUAESTIO_SERVER_TIMING": "all"}
    base = f"http://127.0.0.1:{args.port}"
    cluster, lines = start_cluster(args, env, data_dir / "cluster.log")
    recorder = Recorder()
    try:
        wait_for_site(Visitor(base, address="10.0.0.1"))
        for name in ("worker", *(f"web.{n}" for n in range(1, args.web + 1))):
            while not pids_of(lines, name):
                time.sleep(0.2)
        traffic = Traffic(base, site, recorder)
        traffic.log_in_everyone()
        sampler = CpuSampler(cluster.pid, os.environ.get("DATABASE_URL"))
        sampler.start()
        killed: list[str] = []

        def kill(name: str):
            def fire():
                pid = pids_of(lines, name)[-1]
                os.kill(pid, signal.SIGKILL)
                killed.append(f"{name} (pid {pid}) at {time.strftime('%H:%M:%S')}")

            return fire

        print(f"Soak: {args.minutes} min at {args.rate}/s against {args.web} web processes…")
        started = time.time()
        seconds = drive(traffic, args, [(1 / 3, kill("web.2")), (1 / 2, kill("worker"))])
        sampler.stop()
        restarts = {name: len(pids_of(lines, name)) - 1 for name in ("web.2", "worker")}
        tasks = wait_for_tasks()
    finally:
        cluster.send_signal(signal.SIGTERM)
        cluster.wait(60)
    report = {
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(started)),
        "seconds": round(seconds, 1),
        "rate_asked": args.rate,
        "web_processes": args.web,
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "redis": bool(os.environ.get("REDIS_URL")),
        "killed": killed,
        "restarts": restarts,
        "tasks": tasks,
        "page_cache": _page_cache_report(traffic.page_cache),
        **recorder.summary(),
        "cpu": sampler.summary(recorder.total()),
        **checks(traffic),
    }
    print(json.dumps(report, indent=2))
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n")
    print(f"(cluster log: {data_dir / 'cluster.log'})")
    failed = (
        report["status_5xx"]
        or any(report["missing"].values())
        or report["recount_corrections"]
        or report["reputation_differences"]
        or report["live_posts_not_in_search_index"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""API latency beside the page it mirrors: medians of interleaved rounds, in-process.

    QUAESTIO_DATA_DIR=/tmp/api-bench .venv/bin/python bench/api.py --questions 5000 --rounds 30

Builds (once per data directory) a synthetic site: N questions with three answers and two
comments each, 2,000 users, votes; then times each call through Django's test client, rounds
interleaved so every call sees the same machine conditions, and prints the median, p90, the
query count and the ratio to the /questions page. The API costs a fixed number of queries
whatever the page size (tests/api/test_query_counts.py); this shows what a page of 100 costs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

CALLS = {
    "page /questions (web, 50/page)": "/questions",
    "/2.3/questions pagesize=30": "/2.3/questions?pagesize=30",
    "/2.3/questions pagesize=100 withbody": "/2.3/questions?pagesize=100&filter=withbody",
    "/2.3/questions pagesize=100 _bca": "/2.3/questions?pagesize=100&filter=_bca",
    "/2.3/answers pagesize=100": "/2.3/answers?pagesize=100&sort=votes",
    "/2.3/users pagesize=100": "/2.3/users?pagesize=100",
    "/2.3/comments pagesize=100": "/2.3/comments?pagesize=100",
    "/2.3/search/advanced q=word17": "/2.3/search/advanced?q=word17&pagesize=100",
}


def build(questions: int) -> None:
    from quaestio.accounts.models import User
    from quaestio.comments.models import Comment
    from quaestio.posts.models import Post
    from quaestio.votes.models import Vote

    if Post.objects.exists():
        return
    rng = random.Random(7)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    users = [
        User(
            id=i,
            display_name=f"user{i}",
            email=f"u{i}@example.org",
            reputation=rng.randint(1, 50_000),
        )
        for i in range(1, 2001)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    posts, comments, votes = [], [], []
    next_id = 1
    for q in range(questions):
        created = start + timedelta(minutes=q * 17)
        qid = next_id
        words = " ".join(f"word{rng.randint(1, 500)}" for _ in range(8))
        posts.append(
            Post(
                id=qid,
                post_type=1,
                title=f"Question {q} about {words}"[:150],
                body=f"<p>{words} " * 20 + "</p>",
                body_markdown=words,
                owner_id=rng.randint(1, 2000),
                creation_date=created,
                last_activity_date=created,
                score=rng.randint(-2, 50),
                answer_count=3,
                comment_count=2,
                view_count=rng.randint(10, 9999),
                tags="<history><europe>",
            )
        )
        next_id += 1
        for _ in range(3):
            posts.append(
                Post(
                    id=next_id,
                    post_type=2,
                    parent_id=qid,
                    body=f"<p>{words}</p>",
                    owner_id=rng.randint(1, 2000),
                    creation_date=created,
                    last_activity_date=created,
                    score=rng.randint(-1, 30),
                )
            )
            votes.append(Vote(post_id=next_id, vote_type=2, creation_date=created))
            next_id += 1
        for _ in range(2):
            comments.append(
                Comment(
                    post_id=qid,
                    text=words,
                    text_html=words,
                    user_id=rng.randint(1, 2000),
                    creation_date=created,
                )
            )
        votes.append(Vote(post_id=qid, vote_type=2, creation_date=created))
    Post.objects.bulk_create(posts, batch_size=2000)
    Comment.objects.bulk_create(comments, batch_size=2000)
    Vote.objects.bulk_create(votes, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.QUAESTIO_API_QUOTA_ANONYMOUS = 10**9
    settings.QUAESTIO_API_REQUESTS_PER_SECOND = 10**9
    settings.QUAESTIO_API_BACKOFF_AFTER = 10**9
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    build(args.questions)
    client = Client()
    timings: dict[str, list[float]] = {name: [] for name in CALLS}
    queries: dict[str, int] = {}
    for name, url in CALLS.items():  # warm-up and query counts
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        queries[name] = len(captured)
    for _ in range(args.rounds):
        for name, url in CALLS.items():
            started = time.perf_counter()
            client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(timings["page /questions (web, 50/page)"])
    print(f"{args.questions:,} questions, {args.rounds} interleaved rounds, {connection.vendor}")
    print(f"{'call':42} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'vs page':>8}")
    for name, values in timings.items():
        values.sort()
        p90 = values[int(len(values) * 0.9) - 1]
        median = statistics.median(values)
        print(f"{name:42} {median:10.1f} {p90:8.1f} {queries[name]:8d} {median / base:8.2f}")


if __name__ == "__main__":
    main()

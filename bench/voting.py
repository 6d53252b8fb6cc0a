"""How long one vote takes, end to end through the service, against a bare write.

    QUAESTIO_DATA_DIR=/tmp/bench-votes .venv/bin/python -m bench.voting [--votes 400]
    DATABASE_URL=postgres://... QUAESTIO_DATA_DIR=/tmp/bench-votes .venv/bin/python -m bench.voting

    QUAESTIO_DATA_DIR=/tmp/bench-votes .venv/bin/python -m bench.voting --queued

A vote through `vote_set` checks policy and limits, locks the post and the users, writes the
Vote row, the score and the ledger. The "bare" figure is the least any vote could cost: insert
the Vote row and bump the score in one transaction. The two are interleaved in rounds so the
machine's background load affects both alike; the script prints medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=400)
    parser.add_argument(
        "--queued",
        action="store_true",
        help="queue the after-vote badge check (as with a worker) instead of running it inline",
    )
    args = parser.parse_args()
    if args.queued:
        os.environ["QUAESTIO_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="bench-votes-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import F

    from quaestio.accounts.models import User
    from quaestio.posts.models import Post, PostType
    from quaestio.votes.models import Vote
    from quaestio.votes.services import vote_set

    call_command("migrate", verbosity=0)
    run = int(time.time())
    owner = User.objects.create(email=f"owner{run}@bench", display_name="owner", reputation=1)
    voters = [
        User.objects.create(email=f"v{run}-{i}@bench", display_name=f"v{i}", reputation=500)
        for i in range(args.votes // 20 + 1)
    ]
    posts = [
        Post.objects.create(post_type=PostType.QUESTION, owner=owner, title=f"bench {i}")
        for i in range(20)
    ]

    def service_vote(voter, post):
        vote_set(voter, post.id, "up")

    def bare_vote(voter, post):
        with transaction.atomic():
            Vote.objects.create(post_id=post.id, vote_type=2, user_id=voter.id)
            Post.objects.filter(id=post.id).update(score=F("score") + 1)

    service, bare = [], []
    pairs = [(voters[i // 20], posts[i % 20]) for i in range(args.votes)]
    for voter, post in pairs:
        for timings, action in ((service, service_vote), (bare, bare_vote)):
            started = time.perf_counter()
            action(voter, post)
            timings.append((time.perf_counter() - started) * 1000)
    median_service, median_bare = statistics.median(service), statistics.median(bare)
    p95 = statistics.quantiles(service, n=20)[-1]
    badges = "queued for a worker" if args.queued else "checked inline (immediate backend)"
    print(f"database: {connection.vendor}, votes: {args.votes}, badge check {badges}")
    print(f"vote_set median {median_service:.2f} ms, p95 {p95:.2f} ms")
    print(f"bare insert+score median {median_bare:.2f} ms")
    print(f"ratio service/bare: {median_service / median_bare:.1f}x")


if __name__ == "__main__":
    main()

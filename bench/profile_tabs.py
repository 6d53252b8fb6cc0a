"""What a profile tab costs for a newcomer and for a prolific user, side by side.

    QUAESTIO_DATA_DIR=/tmp/bench-profile .venv/bin/python -m bench.profile_tabs [--answers 20000]
    DATABASE_URL=postgres://... QUAESTIO_DATA_DIR=/tmp/bench-profile .venv/bin/python -m bench.profile_tabs

Makes two users: a newcomer (one day of reputation, three answers) and a veteran (ten years of
ledger rows, 20 a day, and `--answers` answers). Each tab of each user is rendered in-process
through the test client, rounds interleaved so the machine's load affects both alike; the
script prints the median milliseconds, the query count, and the veteran/newcomer ratio. The
tabs read one person's rows through indexes that lead with the person, so the ratio says how
much a long history costs (the reputation graph aggregates the whole ledger of the user;
answers sorted by votes sort the user's answers).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

TABS = ("profile", "activity", "answers", "questions", "tags", "reputation", "allactions")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="bench-profile-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from quaestio.accounts.models import User
    from quaestio.core.links import user_url
    from quaestio.posts.models import Post, PostType
    from quaestio.reputation.models import Reason, ReputationChange

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages link hashed names
    run = int(time.time())
    asker = User.objects.create(email=f"asker{run}@bench", display_name="Asker")
    question = Post.objects.create(post_type=PostType.QUESTION, owner=asker, title="bench")

    def make(name: str, answers: int, days: int, per_day: int) -> User:
        user = User.objects.create(email=f"{name}{run}@bench", display_name=name)
        Post.objects.bulk_create(
            Post(post_type=PostType.ANSWER, parent=question, owner=user, body="x", score=n % 50)
            for n in range(answers)
        )
        start = datetime(2016, 1, 1, tzinfo=UTC)
        ReputationChange.objects.bulk_create(
            (
                ReputationChange(
                    user=user,
                    amount=10,
                    nominal=10,
                    reason=Reason.UPVOTE,
                    created_at=start + timedelta(days=n // per_day, minutes=n % per_day),
                )
                for n in range(days * per_day)
            ),
            batch_size=5000,
        )
        return user

    newcomer = make("newcomer", 3, 1, 5)
    veteran = make("veteran", args.answers, 3650, 20)
    client = Client()
    timings: dict[tuple[str, str], list[float]] = {}
    queries: dict[tuple[str, str], int] = {}
    for _round in range(args.rounds):
        for tab in TABS:
            for user in (newcomer, veteran):
                url = user_url(user.id, user.display_name) + f"?tab={tab}"
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    assert client.get(url).status_code == 200
                    timings.setdefault((tab, user.display_name), []).append(
                        (time.perf_counter() - began) * 1000
                    )
                queries[(tab, user.display_name)] = len(captured)
    print(f"database: {connection.vendor}; veteran: {args.answers} answers, 73,000 ledger rows")
    print(f"{'tab':<12} {'newcomer ms':>12} {'veteran ms':>11} {'ratio':>6} {'queries':>8}")
    for tab in TABS:
        small = statistics.median(timings[(tab, "newcomer")])
        large = statistics.median(timings[(tab, "veteran")])
        count = f"{queries[(tab, 'newcomer')]}/{queries[(tab, 'veteran')]}"
        print(f"{tab:<12} {small:>12.1f} {large:>11.1f} {large / small:>6.1f} {count:>8}")


if __name__ == "__main__":
    main()

"""Do the review pages' reads stay flat as the queues grow? (spec §7.9, issue 17)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_review \\
        .venv/bin/python -m bench.review_queues [--small 1000] [--large 100000]
    QUAESTIO_DATA_DIR=/tmp/bench-review .venv/bin/python -m bench.review_queues

Fills the first-answers queue with `--small` pending items, times the reads a reviewer's
pages make (the /review counts, the next item, the item's page, the history), then grows the
queue (and the completed items and reviews behind it) to `--large` and times them again.
Prints medians in milliseconds and the large/small ratio: about 1 means the page does not
grow with the site.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def _median_ms(fn, rounds: int = 30) -> float:
    fn()  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="bench-review-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from quaestio.accounts.models import User
    from quaestio.moderation import review_selectors
    from quaestio.moderation.models import Review, ReviewTask
    from quaestio.posts.models import Post, PostType

    call_command("migrate", verbosity=0)
    run = int(time.time())
    owner = User.objects.create(email=f"o{run}@bench", display_name="owner", reputation=1)
    reviewer = User.objects.create(email=f"r{run}@bench", display_name="rev", reputation=3000)
    question = Post.objects.create(post_type=PostType.QUESTION, owner=owner, title="bench")

    def grow(to: int, have: int) -> None:
        now = timezone.now()
        for start in range(have, to, 5000):
            count = min(5000, to - start)
            answers = Post.objects.bulk_create(
                Post(post_type=PostType.ANSWER, parent=question, owner=owner, body="<p>x</p>")
                for _ in range(count)
            )
            # Half pending, half completed with a review each: history grows too.
            tasks = ReviewTask.objects.bulk_create(
                ReviewTask(
                    queue="first-answers",
                    post=answer,
                    state="pending" if i % 2 else "completed",
                    creation_date=now,
                )
                for i, answer in enumerate(answers)
            )
            Review.objects.bulk_create(
                Review(task=task, user=owner, queue="first-answers", action="looks-ok")
                for task in tasks
                if task.state == "completed"
            )
            # The reviewer skipped the first few: their copy starts further on.
            if start == 0:
                Review.objects.bulk_create(
                    Review(task=task, user=reviewer, queue="first-answers", action="skip")
                    for task in tasks[:50]
                )

    def analyze() -> None:
        # Fresh statistics, as autovacuum keeps them on a live site: bulk inserts leave the
        # planner guessing (the history read then took ~0.9 s at 100k reviews, 0.5 ms after).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def reads() -> dict[str, float]:
        task_id = review_selectors.next_task_id(reviewer, "first-answers")
        return {
            "/review counts": _median_ms(lambda: review_selectors.review_overview(reviewer)),
            "next item": _median_ms(
                lambda: review_selectors.next_task_id(reviewer, "first-answers")
            ),
            "item page": _median_ms(
                lambda: review_selectors.task_page(reviewer, task_id, "first-answers")
            ),
            "history": _median_ms(lambda: review_selectors.review_history("first-answers")),
        }

    grow(args.small, 0)
    analyze()
    small = reads()
    grow(args.large, args.small)
    analyze()
    large = reads()
    print(f"items in the queue's table: {args.small:,} -> {args.large:,}")
    for name in small:
        ratio = large[name] / small[name]
        print(f"  {name:15} {small[name]:7.2f} ms -> {large[name]:7.2f} ms   x{ratio:.2f}")


if __name__ == "__main__":
    main()

"""The moderators' flag dashboard with a small and a large backlog: time and queries.

    QUAESTIO_DATA_DIR=/tmp/bench-flags .venv/bin/python -m bench.flag_dashboard
    DATABASE_URL=postgres://... QUAESTIO_DATA_DIR=/tmp/bench-flags .venv/bin/python -m bench.flag_dashboard

Builds the dashboard's page model (`flag_selectors.flag_dashboard`, every query the page
makes but the session's) with 10 pending flags (5 posts), with 50 (a full page of 25 posts),
then with 10,000 (two flags on each of 5,000 posts by 50 flaggers, plus 20,000 handled flags),
and prints the median time and the query count of each, and the ratios. On PostgreSQL it also
prints the plan of the query that picks the page's posts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="bench-flags-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quaestio.accounts.models import User
    from quaestio.moderation.flag_handling import flagger_records_rebuild
    from quaestio.moderation.flag_selectors import flag_dashboard
    from quaestio.moderation.models import Flag, FlagState
    from quaestio.posts.models import Post, PostType

    call_command("migrate", verbosity=0)
    Flag.objects.all().delete()
    run = int(time.time())
    flaggers = User.objects.bulk_create(
        User(email=f"f{run}-{i}@bench", display_name=f"flagger {i}", reputation=15)
        for i in range(50)
    )

    def flagged_posts(count: int, state: str = FlagState.PENDING) -> None:
        posts = Post.objects.bulk_create(
            Post(post_type=PostType.QUESTION, title=f"bench spam {i}", body="<p>spam</p>")
            for i in range(count)
        )
        Flag.objects.bulk_create(
            (
                Flag(post=post, user=flaggers[(n + k) % 50], kind="spam", state=state)
                for n, post in enumerate(posts)
                for k in range(2)
            ),
            batch_size=2000,
        )
        flagger_records_rebuild()

    def measured() -> list[tuple[float, int]]:
        """Median of the rounds after three warm-up reads (caches, statement plans)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE moderation_flag")  # what autovacuum does
        for _ in range(3):
            measure()
        return [measure() for _ in range(args.rounds)]

    def measure() -> tuple[float, int]:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            flag_dashboard()
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, len(captured)

    flagged_posts(5)  # 10 pending flags
    small = measured()
    flagged_posts(20)  # 50: a full first page (25 posts), the same work a big backlog's page is
    full = measured()
    flagged_posts(args.large // 2 - 25)
    flagged_posts(10_000, FlagState.HELPFUL)  # the handled history the indexes skip
    large = measured()
    small_ms = statistics.median(t for t, _ in small)
    full_ms = statistics.median(t for t, _ in full)
    large_ms = statistics.median(t for t, _ in large)
    print(f"database: {connection.vendor}, rounds: {args.rounds}")
    print(f"10 pending flags (5 posts): median {small_ms:.2f} ms, {small[0][1]} queries")
    print(f"50 pending flags (a full page): median {full_ms:.2f} ms, {full[0][1]} queries")
    pending = Flag.objects.filter(state=FlagState.PENDING).count()
    print(f"{pending:,} pending flags: median {large_ms:.2f} ms, {large[0][1]} queries")
    print(f"ratio large/10: {large_ms / small_ms:.2f}, large/full page: {large_ms / full_ms:.2f}")
    if connection.vendor == "postgresql":
        ids = (
            Flag.objects.filter(state=FlagState.PENDING)
            .order_by("-post_id")
            .values_list("post_id", flat=True)
            .distinct()[:26]
        )
        print(ids.explain(analyze=True))


if __name__ == "__main__":
    main()

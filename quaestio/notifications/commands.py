"""The inbox's part of `quaestio daily-jobs` and `quaestio weekly-jobs`: queue the digests for
the task worker (run at once by the in-process backend)."""

from __future__ import annotations


def _queue(task, *args) -> str:
    from django_tasks import TaskResultStatus

    result = task.enqueue(*args)
    if result.status == TaskResultStatus.SUCCESSFUL:
        return f"{result.return_value:,} sent"
    if result.is_finished:
        return "failed (see the log)"
    return "queued for the task worker"


def daily_mail() -> None:
    from quaestio.notifications import tasks

    print(f"Inbox digests: {_queue(tasks.send_inbox_digests)}.")
    print(f"Watched-tags daily digests: {_queue(tasks.send_watched_tag_digests, 'daily')}.")


def weekly_jobs(args) -> int:
    from quaestio.notifications import tasks

    print(f"Watched-tags weekly digests: {_queue(tasks.send_watched_tag_digests, 'weekly')}.")
    return 0

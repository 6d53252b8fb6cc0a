"""Background entry points: the daily pass, for a deployment that schedules it on its worker
rather than through `quaestio daily-jobs`."""

from __future__ import annotations

from django_tasks import task


@task()
def check_links_task() -> dict:
    from quaestio.linkcheck.services import check_links

    return check_links()

"""Keep a post's links in step with its body as it is written."""

from __future__ import annotations

SYNCED_ACTIONS = {"ask", "answer", "edit", "rollback"}


def on_post_written(sender, post_id: int, action: str, **kwargs) -> None:
    if action in SYNCED_ACTIONS:
        from quaestio.linkcheck.services import post_links_sync

        post_links_sync([post_id])

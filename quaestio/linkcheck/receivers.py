"""Keep a post's links in step with its body as it is written."""

from __future__ import annotations

import logging

from django.db import DatabaseError

logger = logging.getLogger(__name__)

SYNCED_ACTIONS = {"ask", "answer", "edit", "rollback"}


def on_post_written(sender, post_id: int, action: str, **kwargs) -> None:
    """After commit: the write stands whatever happens here, so a failure is logged rather
    than shown to the writer; `quaestio check-links --rescan` reads the post again."""
    if action not in SYNCED_ACTIONS:
        return
    from quaestio.linkcheck.services import post_links_sync

    try:
        post_links_sync([post_id])
    except DatabaseError:
        logger.exception("Could not read the links of post %s", post_id)

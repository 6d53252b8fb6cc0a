"""What the moderation services announce after commit, for rooms that react (webhooks)."""

from __future__ import annotations

from django.dispatch import Signal

# post_id, kind (the flag kind's key): a post was flagged (sent after the commit)
post_flagged = Signal()

"""What the voting services announce after commit, for rooms that react (webhooks)."""

from __future__ import annotations

from django.dispatch import Signal

# question_id, answer_id: the asker accepted this answer (sent after the commit)
answer_accepted = Signal()

"""The site's EMAIL_BACKEND: Django's mail framework hands every message here, and it goes
into the outbox (one row per recipient, in the caller's transaction, so a rolled-back write
sends nothing), then to the task worker after commit. The real transport (file-based under the
data directory by default, SMTP by setting) is QUAESTIO_EMAIL_BACKEND."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from quaestio.mail.services import enqueue_message

        queued = 0
        for message in email_messages or ():
            try:
                queued += enqueue_message(message)
            except Exception:
                if not self.fail_silently:
                    raise
        return queued

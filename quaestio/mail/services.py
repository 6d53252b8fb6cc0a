"""Every write to the outbox and the suppression list; sending with retries."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.generator import BytesGenerator
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from quaestio.core.retry import attempt_due, next_attempt, queue_retry
from quaestio.mail.models import MailState, MailSuppression, OutgoingMail, SuppressionReason


def suppressed(address: str) -> bool:
    return MailSuppression.objects.filter(email=address.strip().lower()).exists()


def enqueue_message(message: EmailMessage) -> int:
    """Put one outbox row per recipient (the message's bytes as Django would send them);
    an address on the suppression list gets a row marked suppressed, never sent."""
    raw = message.message().as_bytes(linesep="\n")
    now = timezone.now()
    rows = []
    for recipient in message.recipients():
        state = MailState.SUPPRESSED if suppressed(recipient) else MailState.PENDING
        rows.append(
            OutgoingMail.objects.create(
                recipient=recipient,
                sender=message.from_email or settings.DEFAULT_FROM_EMAIL,
                subject=str(message.subject)[:300],
                raw=raw,
                state=state,
                next_attempt_date=now if state == MailState.PENDING else None,
                creation_date=now,
            )
        )
    pending = [row.id for row in rows if row.state == MailState.PENDING]
    if pending:
        transaction.on_commit(lambda: _queue(pending))
    return len(pending)


def _queue(ids: list[int], run_after: datetime | None = None) -> None:
    from quaestio.mail.tasks import send_mail_rows

    if run_after is None:
        send_mail_rows.enqueue(ids)
    else:  # without a deferring task backend, `quaestio hourly-jobs` sends what is due
        queue_retry(send_mail_rows, ids, run_after)


class StoredMessage(EmailMessage):
    """A message sent as the exact bytes stored, to one recipient."""

    def __init__(self, row: OutgoingMail) -> None:
        super().__init__(subject=row.subject, from_email=row.sender, to=[row.recipient])
        self.raw = bytes(row.raw)

    def message(self, *, policy=None):
        return _RawMIME(self.raw)


class _RawMIME:
    def __init__(self, raw: bytes) -> None:
        self.parsed = email.message_from_bytes(raw, policy=email.policy.compat32)

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        out = BytesIO()
        policy = email.policy.compat32.clone(linesep=linesep)
        BytesGenerator(out, mangle_from_=False, policy=policy).flatten(self.parsed, unixfrom)
        return out.getvalue()

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(unixfrom, linesep).decode("utf-8", "replace")

    def get_charset(self):
        return self.parsed.get_charset()


def transport():
    """A connection to the real mail transport (QUAESTIO_EMAIL_BACKEND)."""
    return get_connection(backend=settings.QUAESTIO_MAIL_TRANSPORT, fail_silently=False)


def send_row(row_id: int, now: datetime | None = None) -> str:
    """One attempt at one pending row that is due (claimed with SKIP LOCKED); its state after."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(id=row_id, state=MailState.PENDING, next_attempt_date__lte=now)
            .first()
        )
        if row is None:
            return "skipped"
        if suppressed(row.recipient):  # it bounced since this was queued
            row.state, row.next_attempt_date = MailState.SUPPRESSED, None
            row.save()
            return row.state
        row.attempts += 1
        try:
            transport().send_messages([StoredMessage(row)])
        except Exception as error:  # noqa: BLE001 - any transport failure is retried
            row.last_error = f"{type(error).__name__}: {error}"[:500]
            row.next_attempt_date = next_attempt(row.attempts, now)
            if row.next_attempt_date is None:
                row.state = MailState.FAILED
            else:
                retry_at, retry_id = row.next_attempt_date, row.id
                transaction.on_commit(lambda: _queue([retry_id], run_after=retry_at))
        else:
            row.state, row.sent_date, row.next_attempt_date, row.last_error = (
                MailState.SENT,
                now,
                None,
                "",
            )
        row.save()
        return row.state


def retry_due(now: datetime | None = None) -> int:
    """Send every pending message whose retry time has come (see core.retry.attempt_due)."""
    pending = OutgoingMail.objects.filter(state=MailState.PENDING)
    return attempt_due(pending, send_row, now or timezone.now())


def suppress(address: str, reason: str, detail: str = "") -> bool:
    """Stop mailing `address` (a bounce or complaint reported back, or the owner's choice);
    pending mail to it is marked suppressed. True when it was not suppressed before."""
    address = address.strip().lower()
    if reason not in SuppressionReason.values or "@" not in address:
        return False
    with transaction.atomic():
        _row, created = MailSuppression.objects.get_or_create(
            email=address,
            defaults={"reason": reason, "detail": detail[:300], "creation_date": timezone.now()},
        )
        OutgoingMail.objects.filter(recipient__iexact=address, state=MailState.PENDING).update(
            state=MailState.SUPPRESSED, next_attempt_date=None
        )
    return created


def unsuppress(address: str) -> bool:
    return MailSuppression.objects.filter(email=address.strip().lower()).delete()[0] > 0

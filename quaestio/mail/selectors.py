"""Reads for the site owner's mail page."""

from __future__ import annotations

from django.conf import settings

from quaestio.mail.models import MailSuppression, OutgoingMail

LOG_SIZE = 50


def mail_settings() -> list[tuple[str, str]]:
    """The settings in force, as the owner needs to check them (never the password)."""
    transport = settings.QUAESTIO_MAIL_TRANSPORT
    rows = [("Transport", transport), ("From address", settings.DEFAULT_FROM_EMAIL)]
    if transport.endswith("smtp.EmailBackend"):
        security = (
            "SSL" if settings.EMAIL_USE_SSL else "STARTTLS" if settings.EMAIL_USE_TLS else "none"
        )
        rows += [
            ("SMTP server", f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"),
            ("SMTP user", settings.EMAIL_HOST_USER or "(none)"),
            ("SMTP password", "set" if settings.EMAIL_HOST_PASSWORD else "(none)"),
            ("Encryption", security),
        ]
    elif transport.endswith("filebased.EmailBackend"):
        rows.append(("Written as files to", settings.EMAIL_FILE_PATH))
    task_backend = settings.TASKS["default"]["BACKEND"]
    rows.append(
        (
            "Sent by",
            "the task worker"
            if "Immediate" not in task_backend
            else "the web process, after each write (in-process tasks)",
        )
    )
    rows.append(
        (
            "Bounce and complaint address",
            "set (/mail/events/…)"
            if settings.QUAESTIO_MAIL_EVENTS_TOKEN
            else "not set (QUAESTIO_MAIL_EVENTS_TOKEN)",
        )
    )
    return rows


def recent_mail() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.defer("raw").order_by("-id")[:LOG_SIZE])


def suppressions() -> list[MailSuppression]:
    return list(MailSuppression.objects.order_by("-creation_date")[:LOG_SIZE])

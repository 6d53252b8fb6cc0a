"""Bounces and complaints posted back by a mail provider, in the shapes the common ones use
(Amazon SES through SNS, Postmark, Mailgun, SendGrid, or our plain {"type", "email"}), read
into (address, reason) pairs. Soft bounces are not suppressed: only permanent failures."""

from __future__ import annotations

import json

from quaestio.mail.models import SuppressionReason

BOUNCE, COMPLAINT = SuppressionReason.BOUNCE.value, SuppressionReason.COMPLAINT.value


def suppressions_in(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(body)
    except ValueError:
        return []
    events = data if isinstance(data, list) else [data]
    found = []
    for event in events:
        if isinstance(event, dict):
            found += _one(event)
    return [(address, reason) for address, reason in found if isinstance(address, str)]


def _one(event: dict) -> list[tuple[str, str]]:
    if "Message" in event and isinstance(event["Message"], str):  # SNS wraps SES's notice
        try:
            return _one(json.loads(event["Message"]))
        except ValueError:
            return []
    kind = event.get("notificationType") or event.get("eventType")
    if kind == "Bounce" and event.get("bounce", {}).get("bounceType") == "Permanent":
        return [
            (r.get("emailAddress"), BOUNCE) for r in event["bounce"].get("bouncedRecipients", [])
        ]
    if kind == "Complaint":
        recipients = event.get("complaint", {}).get("complainedRecipients", [])
        return [(r.get("emailAddress"), COMPLAINT) for r in recipients]
    if event.get("RecordType") == "Bounce" and event.get("Type") in {
        "HardBounce",
        "BadEmailAddress",
    }:
        return [(event.get("Email"), BOUNCE)]
    if event.get("RecordType") == "SpamComplaint":
        return [(event.get("Email"), COMPLAINT)]
    data = event.get("event-data")
    if isinstance(data, dict):  # Mailgun
        if data.get("event") == "failed" and data.get("severity") == "permanent":
            return [(data.get("recipient"), BOUNCE)]
        if data.get("event") == "complained":
            return [(data.get("recipient"), COMPLAINT)]
    if event.get("event") in {"bounce", "dropped"} and event.get("type") != "blocked":  # SendGrid
        return [(event.get("email"), BOUNCE)]
    if event.get("event") == "spamreport":
        return [(event.get("email"), COMPLAINT)]
    if event.get("type") in {BOUNCE, COMPLAINT}:
        return [(event.get("email"), event["type"])]
    return []

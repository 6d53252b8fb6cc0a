"""Numbers and dates the way Stack Exchange prints them (spec §9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

RELATIVE_LIMIT = timedelta(days=2)
# English month abbreviations, fixed whatever the server's locale (strftime's %b is not).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _round_half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def reputation_short(value: int) -> str:
    """97,526 → "97.5k", 104,554 → "105k", 669 → "669", 1,180 → "1,180" (spec §9.2)."""
    if value < 10_000:
        return f"{value:,}"
    if value < 100_000:
        thousands = _round_half_up(Decimal(value) / 1000, "0.1")
        if thousands >= 100:
            return "100k"
        text = f"{thousands:f}"
        return (text[:-2] if text.endswith(".0") else text) + "k"
    if value < 1_000_000:
        thousands = _round_half_up(Decimal(value) / 1000, "1")
        return f"{thousands:f}k" if thousands < 1000 else "1m"
    millions = _round_half_up(Decimal(value) / 1_000_000, "0.1")
    text = f"{millions:f}"
    return (text[:-2] if text.endswith(".0") else text) + "m"


def number_short(value: int) -> str:
    """View counts in headers: 1,234 → "1,234"; 97,000 → "97k" (same rule as reputation)."""
    return reputation_short(value)


def iso_title(moment: datetime) -> str:
    """The tooltip on every timestamp: `2017-06-26 22:18:08Z`."""
    moment = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    now = now or timezone.now()
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "1 sec ago" if seconds == 1 else f"{seconds} secs ago"
    minutes = seconds // 60
    if minutes < 60:
        return "1 min ago" if minutes == 1 else f"{minutes} mins ago"
    hours = minutes // 60
    if hours < 24:
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    days = hours // 24
    if days == 1:
        return "yesterday"
    if days < 31:
        return f"{days} days ago"
    months = days * 12 // 365
    if months < 12:
        return "1 month ago" if months <= 1 else f"{months} months ago"
    years, rest = divmod(months, 12)
    text = "1 year" if years == 1 else f"{years} years"
    if rest:
        text += ", 1 month" if rest == 1 else f", {rest} months"
    return text + " ago"


def post_date(moment: datetime, now: datetime | None = None) -> str:
    """Signature and comment dates: relative when recent, else `Jun 26 at 22:18` this year and
    `Jun 26 '17 at 22:18` for earlier years (the seed thread's format, spec §9.1)."""
    now = now or datetime.now(UTC)
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if now - moment < RELATIVE_LIMIT:
        return relative_time(moment, now)
    return absolute_date(moment, now.year)


def absolute_date(moment: datetime, this_year: int) -> str:
    """`Jun 26 at 22:18` in the current year, `Jun 26 '17 at 22:18` for earlier ones (UTC)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    month = MONTHS[moment.month - 1]
    if moment.year != this_year:
        return f"{month} {moment.day} '{moment.year % 100:02d} at {moment.hour:02d}:{moment.minute:02d}"
    return f"{month} {moment.day} at {moment.hour:02d}:{moment.minute:02d}"

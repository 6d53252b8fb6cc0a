"""Numbers and dates the way Stack Exchange prints them (spec §9)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
    """ "3 mins ago", "yesterday", "2 years, 1 month ago"; a future moment (a bounty's end) reads
    "in 7 days", "in 3 hours", "in 1 min"."""
    now = now or timezone.now()
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        # To the nearest minute: a bounty started a moment ago ends "in 7 days", not "in 6 days"
        # (the page is rendered a few milliseconds after the end was set).
        ahead = -seconds if -seconds < 60 else (-seconds + 30) // 60 * 60
        return "in " + time_span(ahead)
    if 86_400 <= seconds < 2 * 86_400:
        return "yesterday"
    return time_span(seconds) + " ago"


def time_span(seconds: int) -> str:
    """A length of time in the largest unit that fits: "1 sec", "5 mins", "3 hours", "12 days",
    "1 month", "2 years, 3 months" ("Member for 2 years, 3 months")."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return _count(seconds, "sec")
    minutes = seconds // 60
    if minutes < 60:
        return _count(minutes, "min")
    hours = minutes // 60
    if hours < 24:
        return _count(hours, "hour")
    days = hours // 24
    if days < 31:
        return _count(days, "day")
    months = days * 12 // 365
    if months < 12:
        return _count(max(months, 1), "month")
    years, rest = divmod(months, 12)
    text = _count(years, "year")
    return text + (", " + _count(rest, "month") if rest else "")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def post_date(moment: datetime, now: datetime | None = None) -> str:
    """Signature and comment dates: relative when recent, else `Jun 26 at 22:18` this year and
    `Jun 26 '17 at 22:18` for earlier years (the seed thread's format, spec §9.1)."""
    now = now or datetime.now(UTC)
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if now - moment < RELATIVE_LIMIT:
        return relative_time(moment, now)
    return absolute_date(moment, now.year)


def day_date(day: date) -> str:
    """A day without its time, as the reputation page heads its days: `Jan 2, 2024`."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def absolute_date(moment: datetime, this_year: int) -> str:
    """`Jun 26 at 22:18` in the current year, `Jun 26 '17 at 22:18` for earlier ones (UTC)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    month = MONTHS[moment.month - 1]
    if moment.year != this_year:
        return f"{month} {moment.day} '{moment.year % 100:02d} at {moment.hour:02d}:{moment.minute:02d}"
    return f"{month} {moment.day} at {moment.hour:02d}:{moment.minute:02d}"

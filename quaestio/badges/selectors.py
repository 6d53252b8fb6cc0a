"""Reads for the badge pages."""

from __future__ import annotations

from dataclasses import dataclass

from quaestio.accounts.models import User
from quaestio.badges.definitions import BY_NAME, DEFINITIONS
from quaestio.badges.models import Badge, BadgeCount

CLASS_NAMES = {1: "gold", 2: "silver", 3: "bronze"}
KIND_TITLES = {
    "question": "Question badges",
    "answer": "Answer badges",
    "participation": "Participation badges",
    "moderation": "Moderation badges",
}


@dataclass
class BadgeRow:
    name: str
    badge_class: int
    description: str
    multiple: bool
    awarded: int

    @property
    def class_name(self) -> str:
        return CLASS_NAMES[self.badge_class]


def badge_list() -> list[tuple[str, list[BadgeRow]]]:
    """Every badge with how many times it was awarded, tag badges last: one query of the
    award counts the database keeps (BadgeCount), not a count of every award."""
    tallies = list(BadgeCount.objects.filter(awarded__gt=0))
    counts: dict[tuple[str, bool], int] = {}
    for tally in tallies:
        key = (tally.name, tally.tag_based)
        counts[key] = counts.get(key, 0) + tally.awarded
    groups: list[tuple[str, list[BadgeRow]]] = []
    for kind, title in KIND_TITLES.items():
        groups.append(
            (
                title,
                [
                    BadgeRow(
                        d.name,
                        d.badge_class,
                        d.description,
                        d.multiple,
                        counts.get((d.name, False), 0),
                    )
                    for d in DEFINITIONS
                    if d.kind == kind
                ],
            )
        )
    tag_rows = sorted(
        (
            {"name": t.name, "badge_class": t.badge_class, "n": t.awarded}
            for t in tallies
            if t.tag_based
        ),
        key=lambda r: (r["badge_class"], -r["n"], r["name"]),
    )
    groups.append(
        (
            "Tag badges",
            [
                BadgeRow(
                    r["name"], r["badge_class"], "Earned in the tag by answer score", False, r["n"]
                )
                for r in tag_rows
            ],
        )
    )
    return groups


@dataclass
class Recipient:
    user: User
    date: object


@dataclass
class BadgeDetail:
    name: str
    rows: list[BadgeRow]
    recipients: list[Recipient]
    total: int


def badge_recipients(name: str, page: int, page_size: int) -> BadgeDetail | None:
    """A badge's description and its recipients, newest first (two queries: the award counts
    the database keeps, BadgeCount, and the page of recipients)."""
    awards = Badge.objects.filter(name=name)
    tallies = list(BadgeCount.objects.filter(name=name, awarded__gt=0).order_by("badge_class"))
    total = sum(t.awarded for t in tallies)
    definition = BY_NAME.get(name)
    if definition is None and total == 0:
        return None
    if definition is not None:
        rows = [
            BadgeRow(
                definition.name,
                definition.badge_class,
                definition.description,
                definition.multiple,
                total,
            )
        ]
    else:
        rows = [
            BadgeRow(
                r["name"], r["badge_class"], "Earned in the tag by answer score", False, r["n"]
            )
            for r in (
                {"name": t.name, "badge_class": t.badge_class, "n": t.awarded} for t in tallies
            )
        ]
    start = (max(page, 1) - 1) * page_size
    recipients = [
        Recipient(badge.user, badge.date)
        for badge in awards.select_related("user").order_by("-date", "-id")[
            start : start + page_size
        ]
    ]
    return BadgeDetail(name, rows, recipients, total)

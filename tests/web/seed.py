"""Reads the seed thread's plain text into the facts the question page must show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "seed_history_38738.txt"
_NUMBER = re.compile(r"^-?[\d,]+$")
_COMMENT = re.compile(
    r"^(?P<text>.*?)\s+–\s*(?P<author>.*?)\s*(?P<date>[A-Z][a-z]{2} \d{1,2} '\d\d at \d\d:\d\d)$"
)


@dataclass
class SeedCard:
    name: str
    reputation: int
    badges: list[int]  # the non-zero classes, in gold/silver/bronze order


@dataclass
class SeedComment:
    score: int
    text: str
    author: str  # "" for a deleted user
    date: str


@dataclass
class SeedPost:
    score: int
    paragraphs: list[str] = field(default_factory=list)
    cards: list[SeedCard] = field(default_factory=list)
    comments: list[SeedComment] = field(default_factory=list)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def parse_seed(text: str) -> tuple[list[SeedPost], str]:
    """The posts in page order, and the answers header ("7 Answers")."""
    lines = text.split("\n")
    posts: list[SeedPost] = []
    header = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
            continue
        if not line.startswith(" "):
            if _NUMBER.match(stripped) and (
                index + 1 >= len(lines) or not lines[index + 1].startswith("  •")
            ):
                posts.append(SeedPost(score=_number(stripped)))
            elif stripped.endswith("Answers" + stripped.split(" ")[0]):
                header = stripped[: -len(stripped.split(" ")[0])]
            elif (
                index + 1 < len(lines)
                and lines[index + 1].startswith("  • ")
                and _NUMBER.match(lines[index + 1][4:].strip())
            ):
                numbers = []
                index += 1
                while index < len(lines) and lines[index].startswith("  • "):
                    value = lines[index][4:].strip()
                    follows_indented = index + 1 < len(lines) and lines[index + 1].startswith(
                        "    "
                    )
                    if not _NUMBER.match(value) or follows_indented:
                        break
                    numbers.append(_number(value))
                    index += 1
                posts[-1].cards.append(SeedCard(stripped, numbers[0], numbers[1:]))
                continue
            else:
                posts[-1].paragraphs.append(stripped)
            index += 1
            continue
        if line.startswith("  • "):
            value = line[4:].strip()
            score = 0
            if (
                _NUMBER.match(value)
                and index + 1 < len(lines)
                and lines[index + 1].startswith("    ")
            ):
                score = _number(value)
                index += 1
                value = lines[index].strip()
            match = _COMMENT.match(value)
            if match:
                posts[-1].comments.append(
                    SeedComment(
                        score, match["text"].strip(), match["author"].strip(), match["date"]
                    )
                )
            else:
                posts[-1].paragraphs.append(value)
        index += 1
    return posts, header


def load_seed() -> tuple[list[SeedPost], str]:
    return parse_seed(SEED_FILE.read_text(encoding="utf-8"))

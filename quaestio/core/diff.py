"""Word-level diffs of revision text, rendered inline or side by side (escaped, never raw)."""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|[^\s\w]|\w+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def _opcodes(old: str, new: str):
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield tag, "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])


RATIO_MAX_TOKENS = 8_000  # a 30,000-character body is ~6,000 tokens; beyond, the tail is left out


def change_ratio(old: str, new: str) -> float:
    """How much of the text changed, from 0.0 (the same) to 1.0 (nothing in common): one minus
    the word-level similarity of the two texts, the same tokens the diffs show."""
    old_tokens = _tokens(old)[:RATIO_MAX_TOKENS]
    new_tokens = _tokens(new)[:RATIO_MAX_TOKENS]
    if not old_tokens and not new_tokens:
        return 0.0
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    return round(1.0 - matcher.ratio(), 3)


def inline_diff(old: str, new: str) -> Markup:
    """One text with deletions struck through and insertions marked."""
    parts = []
    for tag, removed, added in _opcodes(old, new):
        if tag == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(Markup('<del class="diff-del">{}</del>').format(removed))
        if added:
            parts.append(Markup('<ins class="diff-ins">{}</ins>').format(added))
    return Markup("").join(parts)


def side_by_side_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """The old text with its deletions marked, and the new text with its insertions marked."""
    left, right = [], []
    for tag, removed, added in _opcodes(old, new):
        if tag == "equal":
            left.append(escape(removed))
            right.append(escape(added))
            continue
        if removed:
            left.append(Markup('<del class="diff-del">{}</del>').format(removed))
        if added:
            right.append(Markup('<ins class="diff-ins">{}</ins>').format(added))
    return Markup("").join(left), Markup("").join(right)


_TAG_CHIP = {
    "equal": '<span class="tag">{}</span>',
    "removed": '<del class="tag diff-del" title="removed">{}</del>',
    "added": '<ins class="tag diff-ins" title="added">{}</ins>',
}


def _tag_opcodes(old: list[str], new: list[str]):
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield tag, old[i1:i2], new[j1:j2]


def _chips(kind: str, names: list[str]) -> list[Markup]:
    return [Markup(_TAG_CHIP[kind]).format(name) for name in names]


def inline_tag_diff(old: list[str], new: list[str]) -> Markup:
    """Tags as chips in their new order, removed ones struck through where they stood."""
    chips = []
    for tag, removed, added in _tag_opcodes(old, new):
        if tag == "equal":
            chips += _chips("equal", added)
            continue
        chips += _chips("removed", removed) + _chips("added", added)
    return Markup(" ").join(chips)


def side_by_side_tag_diff(old: list[str], new: list[str]) -> tuple[Markup, Markup]:
    """The old tags with the removed ones marked, and the new tags with the added ones marked."""
    left, right = [], []
    for tag, removed, added in _tag_opcodes(old, new):
        left += _chips("equal" if tag == "equal" else "removed", removed)
        right += _chips("equal" if tag == "equal" else "added", added)
    return Markup(" ").join(left), Markup(" ").join(right)

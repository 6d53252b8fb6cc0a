"""The spam blocklist (issue 17 point 5): moderators' regular expressions on question titles,
bodies, link addresses and user names, matched when something is written.

The writing services call one function each, inside their transaction:
`screen_post` (ask, answer, edit), `screen_comment` (add, edit), `screen_display_name` (sign
up, rename). A "refuse" pattern raises ValidationFailed with the pattern's message, which rolls
the write back and shows the writer why; a "hold" pattern keeps the post but hides it until a
moderator releases it (`moderation.held`). Comments and names cannot wait in a queue, so any
hit refuses them. Moderators are not screened: they must be able to quote spam to fight it.

Why the `regex` module and not `re`: `re` has no timeout, so one pattern that backtracks
catastrophically on a crafted post ("(a+)+$") would hold a worker for minutes. `regex` stops
a match after MATCH_TIMEOUT; patterns are also probed with hostile texts when saved
(`pattern_errors`) and each screened text is cut to TEXT_MAX characters. A match that still
times out counts as no match (and is logged): a spammer who finds such a text only escapes one
pattern, and an innocent writer is never refused by a pattern that cannot decide.

Each process keeps the compiled list and the `BlocklistVersion` number it compiled; every
screened write reads that number (one primary-key lookup) and recompiles when another process
changed the list, so an edit applies at once in every worker.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import threading
from dataclasses import dataclass

import regex

from quaestio.core.errors import ValidationFailed
from quaestio.moderation.models import (
    BlocklistAction,
    BlocklistPattern,
    BlocklistTarget,
    BlocklistVersion,
)

logger = logging.getLogger(__name__)

PATTERN_MAX = 500
TEXT_MAX = 40_000  # longer than any post body (30,000) or comment, so nothing real is cut
MATCH_TIMEOUT = 0.05  # seconds, per pattern and text, at write time
PROBE_TIMEOUT = 0.05  # seconds, per hostile probe, when a pattern is saved
PROBE_LENGTH = 5_000
# Case-insensitive like Stack Exchange's filters; VERSION0 keeps `re`'s syntax.
FLAGS = regex.IGNORECASE | regex.VERSION0

DEFAULT_REFUSAL = "This cannot be posted: it matches the site's spam filter."
COMMENT_HELD = (
    "This comment cannot be posted: it matches the site's spam filter. If it is not spam, "
    "ask a moderator for help."
)

_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class CompiledPattern:
    id: int
    target: str
    action: str
    message: str
    compiled: regex.Pattern


@dataclass(frozen=True)
class Hit:
    pattern: CompiledPattern
    field: str  # a BlocklistTarget
    found: str  # the matched text, cut for display

    @property
    def refuses(self) -> bool:
        return self.pattern.action == BlocklistAction.REFUSE

    @property
    def message(self) -> str:
        return self.pattern.message or DEFAULT_REFUSAL

    def describe(self) -> str:
        """For moderators: which pattern matched what, in which field."""
        return f"{self.field} matched pattern #{self.pattern.id}: {self.found!r}"[:300]


# --- validation on save -----------------------------------------------------------------------


def _probes(pattern: str) -> list[str]:
    """Texts that make backtracking patterns explode: long runs of each character the pattern
    names (and of common ones), ended by a character that forces the match to fail."""
    characters = {ch for ch in pattern if ch.isalnum() or ch in " .-_/:@"} | set("a0 .")
    runs = [ch * PROBE_LENGTH + "\x00" for ch in sorted(characters)]
    literal = "".join(ch for ch in pattern if ch.isalnum())[:50] or "a"
    mixed = (literal * (PROBE_LENGTH // len(literal) + 1))[:PROBE_LENGTH] + "\x00"
    return [*runs, mixed]


def pattern_errors(pattern: str) -> list[str]:
    """Why a moderator's pattern cannot be saved: empty, too long, does not compile, matches
    every text, or takes too long on a hostile text (catastrophic backtracking)."""
    if not pattern.strip():
        return ["Enter a regular expression."]
    if len(pattern) > PATTERN_MAX:
        return [f"Patterns are limited to {PATTERN_MAX} characters; this one has {len(pattern)}."]
    try:
        compiled = regex.compile(pattern, FLAGS)
    except (regex.error, OverflowError, RecursionError) as error:
        return [f"This is not a valid regular expression: {error}."]
    try:
        if compiled.search("", timeout=PROBE_TIMEOUT) is not None:
            return ["This pattern matches empty text, so it would match everything."]
        for probe in _probes(pattern):
            compiled.search(probe, timeout=PROBE_TIMEOUT)
    except TimeoutError:
        return [
            "This pattern takes too long on some texts (catastrophic backtracking, as in "
            "(a+)+): rewrite it without nested repetition."
        ]
    return []


# --- the compiled list, per process ------------------------------------------------------------

_cache: dict[str, object] = {"version": None, "patterns": ()}
_cache_lock = threading.Lock()


def forget_compiled() -> None:
    """Drop this process's compiled list (tests: each starts a database anew, at version 0)."""
    with _cache_lock:
        _cache["version"], _cache["patterns"] = None, ()


def current_version() -> int:
    number = BlocklistVersion.objects.filter(id=1).values_list("number", flat=True).first()
    return number or 0


def active_patterns() -> tuple[CompiledPattern, ...]:
    """The active patterns, compiled; recompiled when the list changed in any process.

    The version is read before the rows: rows read after it are at least that new, so a change
    committed in between is compiled now and recompiled at the next call (never missed)."""
    version = current_version()
    with _cache_lock:
        if _cache["version"] == version:
            return _cache["patterns"]  # type: ignore[return-value]
    rows = BlocklistPattern.objects.filter(active=True).order_by("id")
    compiled = []
    for row in rows:
        try:
            regex_ = regex.compile(row.pattern, FLAGS)
        except regex.error:  # validated on save; a row written some other way is skipped
            logger.warning("blocklist pattern %s does not compile; skipped", row.id)
            continue
        compiled.append(CompiledPattern(row.id, row.target, row.action, row.message, regex_))
    patterns = tuple(compiled)
    with _cache_lock:
        _cache["version"], _cache["patterns"] = version, patterns
    return patterns


# --- matching ---------------------------------------------------------------------------------


def link_addresses(body_html: str) -> list[str]:
    """The addresses a rendered body links to (autolinked bare URLs included)."""
    return [html_lib.unescape(href) for href in _HREF.findall(body_html or "")]


def _match(pattern: CompiledPattern, text: str) -> str | None:
    try:
        found = pattern.compiled.search(text[:TEXT_MAX], timeout=MATCH_TIMEOUT)
    except TimeoutError:
        logger.warning("blocklist pattern %s timed out; counted as no match", pattern.id)
        return None
    return found.group(0)[:80] if found else None


def first_hit(texts: dict[str, list[str]]) -> Hit | None:
    """The pattern that decides: a refusal before a hold, then the oldest pattern."""
    held = None
    for pattern in active_patterns():
        for text in texts.get(pattern.target, ()):
            found = _match(pattern, text)
            if found is None:
                continue
            hit = Hit(pattern, pattern.target, found)
            if hit.refuses:
                return hit
            held = held or hit
            break
    return held


def _screened(user) -> bool:
    return not getattr(user, "is_moderator", False)


def _refuse(hit: Hit, field: str) -> None:
    raise ValidationFailed(hit.message, {field: [hit.message]})


# --- the hooks the writing services call --------------------------------------------------------


def screen_post(user, post) -> bool:
    """Call in the write's transaction, once the post's new content is saved. Raises
    ValidationFailed on a "refuse" pattern (the caller's transaction rolls back); on a "hold"
    pattern the post is held for review and True is returned."""
    if not _screened(user):
        return False
    texts = {
        BlocklistTarget.TITLE: [post.title] if post.title else [],
        BlocklistTarget.BODY: [post.body_markdown or ""],
        BlocklistTarget.URL: link_addresses(post.body),
    }
    hit = first_hit(texts)
    if hit is None:
        return False
    if hit.refuses:
        _refuse(hit, "title" if hit.field == BlocklistTarget.TITLE else "body")
    from quaestio.moderation.held import hold_post

    hold_post(post, hit)
    return True


def screen_comment(user, text: str, text_html: str) -> None:
    """Refuses a comment any pattern on bodies or links matches (comments are not held)."""
    if not _screened(user):
        return
    hit = first_hit({BlocklistTarget.BODY: [text], BlocklistTarget.URL: link_addresses(text_html)})
    if hit is not None:
        raise ValidationFailed(
            hit.message if hit.refuses else COMMENT_HELD,
            {"text": [hit.message if hit.refuses else COMMENT_HELD]},
        )


def screen_display_name(name: str) -> list[str]:
    """The refusal for a display name a user-name pattern matches, as field errors."""
    hit = first_hit({BlocklistTarget.USERNAME: [name]})
    if hit is None:
        return []
    return [hit.message if hit.refuses else "This display name is not allowed here."]

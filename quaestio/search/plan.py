"""The text part of a query as engine-neutral match nodes over the index's token columns.

A backend turns these nodes into its own syntax (an FTS5 MATCH expression, a tsquery); since the
tokens come from quaestio.search.text, both engines are asked exactly the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from quaestio.search.query import AnyTerm, Field, SearchQuery, Term
from quaestio.search.text import (
    STOP_WORDS,
    normalize,
    stem,
    stems,
    url_words,
    wildcard_prefix,
    words,
)

COLUMNS = ("title", "body", "code", "url")
FIELD_COLUMNS = {
    # A plain word is looked for everywhere: with no column restriction PostgreSQL's GIN index
    # answers a word exactly, without re-reading each matching document to check its weight.
    Field.ANY: COLUMNS,
    Field.TITLE: ("title",),
    Field.BODY: ("body",),
    Field.CODE: ("code",),
    Field.URL: ("url",),
}
STEMMED_FIELDS = {Field.ANY, Field.TITLE, Field.BODY}
# An infix wildcard (ex*nge) matches at most this many vocabulary words.
MAX_EXPANSION = 100


@dataclass(frozen=True)
class Phrase:
    """These tokens, adjacent and in order, in one of the columns."""

    tokens: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """A token starting with `prefix` in one of the columns."""

    prefix: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Either:
    """Any of the options; with none it matches nothing."""

    options: tuple[Node, ...]


@dataclass(frozen=True)
class All:
    """Every part must match."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Excluding:
    """`include` but not `exclude`: exclusions evaluated by the engine with the words."""

    include: Node
    exclude: Node


Node = Phrase | Prefix | Either | All | Excluding
NOTHING = Either(())


def all_of(nodes: tuple[Node, ...] | list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else All(tuple(nodes))


def any_of(nodes: tuple[Node, ...] | list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else Either(tuple(nodes))


@dataclass(frozen=True)
class TextPlan:
    required: tuple[Node, ...]  # all must match
    excluded: tuple[Node, ...]  # none may match

    @property
    def matches_nothing(self) -> bool:
        return any(node == NOTHING for node in self.required)

    @property
    def is_empty(self) -> bool:
        return not self.required and not self.excluded


Expander = Callable[[str], list[str]]  # wildcard pattern -> vocabulary words it matches


def _wildcard(term: Term, expand: Expander) -> Node | None:
    columns = FIELD_COLUMNS[term.field]
    stemmed = term.field in STEMMED_FIELDS
    # Punctuation goes as the tokenizer would drop it; runs of * are one *.
    pattern = re.sub(r"\*+", "*", re.sub(r"[^\w*]|_", "", normalize(term.text)))
    if pattern.strip("*") == "":
        return None
    if pattern.endswith("*") and pattern.count("*") == 1:
        prefix = pattern[:-1]
        return Prefix(wildcard_prefix(prefix) if stemmed else prefix, columns)
    found = expand(pattern)
    tokens = sorted({stem(w) if stemmed else w for w in found})
    return Either(tuple(Phrase((token,), columns) for token in tokens))


def plan_term(term: Term, expand: Expander) -> Node | None:
    """The match node of one term; None when it holds no word at all (e.g. only punctuation)."""
    if term.field == Field.URL:
        tokens = url_words(term.text.replace("*", " "))
    elif term.wildcard:
        return _wildcard(term, expand)
    elif term.field in STEMMED_FIELDS:
        tokens = stems(term.text)
    else:
        tokens = words(term.text)
    if not tokens:
        return None
    return Phrase(tuple(tokens), FIELD_COLUMNS[term.field])


def plan_text(query: SearchQuery, expand: Expander) -> TextPlan:
    required: list[Node] = []
    excluded: list[Node] = []
    for clause in query.text:
        if isinstance(clause, AnyTerm):
            options = [n for n in (plan_term(t, expand) for t in clause.terms) if n is not None]
            node: Node | None = (
                options[0] if len(options) == 1 else Either(tuple(options)) if options else None
            )
            negated = clause.negated
        else:
            node = plan_term(clause, expand)
            negated = clause.negated
        if node is None:
            continue
        (excluded if negated else required).append(node)
    # An exclusion that matches nothing excludes nothing.
    return TextPlan(tuple(required), tuple(n for n in excluded if n != NOTHING))


def similar_title_tokens(title: str, max_words: int = 12) -> list[str]:
    """A title's meaningful words (its first max_words), stemmed as titles are indexed: what
    "similar questions" looks for."""
    meaningful = [w for w in dict.fromkeys(words(title)) if w not in STOP_WORDS]
    return list(dict.fromkeys(stem(w) for w in meaningful[:max_words]))


def highlight_terms(plan: TextPlan) -> tuple[frozenset[str], tuple[str, ...]]:
    """Stems and prefixes (of the title/body columns) worth marking in a result."""
    found: set[str] = set()
    prefixes: list[str] = []

    def walk(node: Node) -> None:
        if isinstance(node, Phrase):
            found.update(node.tokens)
        elif isinstance(node, Prefix):
            prefixes.append(node.prefix)
        elif isinstance(node, Excluding):
            walk(node.include)
        else:
            for child in node.options if isinstance(node, Either) else node.parts:
                walk(child)

    for node in plan.required:
        walk(node)
    return frozenset(found), tuple(prefixes)

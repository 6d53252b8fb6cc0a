"""A post's document as PostgreSQL's engine stores it: the tsvector text of its tokens,
positions and weights, its id blocks, and the hashes of its adjacent token pairs.

Written by us rather than by to_tsvector, so PostgreSQL's parser, stemmer and stop words never
differ from SQLite's results; built without the database, so a dump import can build documents
in its parsing process (see backends/base.py, "Loading in bulk").
"""

from __future__ import annotations

import hashlib
import re
from functools import partial

from quaestio.search.text import SEPARATOR, Document

WEIGHTS = {"title": "A", "body": "B", "code": "C", "url": "D"}
MAX_POSITION = 16383  # PostgreSQL's limit; later words share the last position
MAX_POSITIONS_PER_WORD = 256  # PostgreSQL keeps no more
FIELD_GAP = 10
# Title words are stored twice: as themselves (weight A, for ranking and any-field matches) and
# marked with this prefix. GIN indexes lexemes but not weights, so `'word':A` would re-read every
# document holding the word anywhere; the marked lexeme answers a title search from the index
# alone. Our tokens are letters and digits only, so no query word can collide with it.
TITLE_MARK = "§"


# Each document also holds, without positions, the id blocks its post falls in: "#18:3" is ids
# 3 * 2**18 to 4 * 2**18 - 1. A slice of ids (see pool_rows) then asks GIN itself for the blocks
# covering it, ANDed with the words: GIN starts from whichever side is rarer and skips through
# the other's posting lists, so a common word costs the slice's share of its matches, not all
# of them. (The slice's bounds on post_id, checked on each row as before, stay exact: blocks
# are only rounded out.) "#" never starts a query token, and ts_rank, given the words alone,
# ignores these lexemes.
BLOCK_BITS = (18, 14, 10)  # largest first; slice bounds are rounded out to the smallest


def block_lexemes(post_id: int) -> list[str]:
    return [f"#{bits}:{post_id >> bits}" for bits in BLOCK_BITS]


def blocks_covering(low: int, high: int) -> list[str]:
    """The fewest aligned blocks covering ids [low, high), edges rounded out."""
    smallest = 1 << BLOCK_BITS[-1]
    return _blocks(max(0, low) // smallest * smallest, -(-high // smallest) * smallest)


def _blocks(position: int, high: int) -> list[str]:
    found = []
    while position < high:
        for bits in BLOCK_BITS:
            size = 1 << bits
            if position % size == 0 and position + size <= high:
                found.append(f"#{bits}:{position >> bits}")
                position += size
                break
    return found


def quoted_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# "17B": a position and its weight as a tsvector literal writes them, made once per weight
# rather than formatted for every token of every document. Only the first positions (most
# documents are shorter): all 16,384 would hold 3.6 MB in every process that searches.
LABELLED_POSITIONS = 2048
_POSITION_LABELS = {
    weight: [f"{position}{weight}" for position in range(LABELLED_POSITIONS)]
    for weight in WEIGHTS.values()
}
# Our tokens are letters and digits (search.text.WORD); a lexeme holding a quote or a backslash
# would need escaping, and a document that has one takes the escaping path.
_NEEDS_ESCAPE = re.compile(r"['\\]")


def tsvector_literal(document: Document, facts: list[str] = ()) -> str:
    """The document as tsvector text: each lexeme once, its positions (at most
    MAX_POSITIONS_PER_WORD, the last one capped at MAX_POSITION) with the field's weight; title
    words also under TITLE_MARK; then, without positions, the post's id blocks and `facts`
    (lexemes of its creation date and score, see postgres_facts).

    Written for speed (an import builds one per post in its parsing process, the busiest of
    its processes on PostgreSQL): label strings made once, a field that fits in them labelled
    by zipping its tokens with a slice of the labels (no per-token position arithmetic),
    positions beyond MAX_POSITIONS_PER_WORD cut once at the end rather than tested per token,
    lexemes quoted in one pass when none needs escaping. tests/search/test_tsvector_literal.py
    holds it equal to the plain form."""
    positions: dict[str, list[str]] = {}
    get = positions.get
    position = 1
    labels = _POSITION_LABELS["A"]
    for token in document.title:  # each title word twice: itself and marked
        if token != SEPARATOR:
            label = labels[position] if position < LABELLED_POSITIONS else _label(position, "A")
            for lexeme in (token, TITLE_MARK + token):
                found = get(lexeme)
                if found is None:
                    positions[lexeme] = [label]
                else:
                    found.append(label)
        position += 1
    position += FIELD_GAP
    for weight, tokens in (("B", document.body), ("C", document.code), ("D", document.url)):
        end = position + len(tokens)
        if end <= LABELLED_POSITIONS:
            field_labels = _POSITION_LABELS[weight][position:end]
        else:
            field_labels = [_label(at, weight) for at in range(position, end)]
        # A SEPARATOR gets its positions like a word and is taken out below: one test fewer
        # per token (only the url field holds separators).
        for label, token in zip(field_labels, tokens, strict=True):
            found = get(token)
            if found is None:
                positions[token] = [label]
            else:
                found.append(label)
        position = end + FIELD_GAP
    positions.pop(SEPARATOR, None)
    # PostgreSQL keeps a lexeme's first MAX_POSITIONS_PER_WORD positions.
    most = MAX_POSITIONS_PER_WORD
    if _NEEDS_ESCAPE.search("".join(positions)):
        words = " ".join(
            [
                f"{quoted_lexeme(token)}:{','.join(p if len(p) <= most else p[:most])}"
                for token, p in positions.items()
            ]
        )
    else:
        words = " ".join(
            [
                "'" + token + "':" + ",".join(p if len(p) <= most else p[:most])
                for token, p in positions.items()
            ]
        )
    marks = [*block_lexemes(document.post_id), *facts]
    blocks = " ".join([quoted_lexeme(mark) for mark in marks])
    return f"{words} {blocks}" if words else blocks


def _label(position: int, weight: str) -> str:
    """A position past the labels made ahead (long posts), capped as PostgreSQL caps it."""
    if position < LABELLED_POSITIONS:
        return _POSITION_LABELS[weight][position]
    return f"{min(position, MAX_POSITION)}{weight}"


# Pairs are hashed into this many buckets. With a key per distinct pair (most pairs occur once or
# twice) the GIN index was 4 times the document index, 167 MB at 100,000 posts; with 2**18 keys
# it is 74 MB, and a bucket holds about 500 posts' pairs at 1,000,000 posts: the few candidates
# a phrase reads besides its matches.
PAIR_BUCKETS = 1 << 18
try:
    # CPython's own MD5 (the same digest): for a pair's few bytes it costs about a third of
    # hashlib.md5, whose time goes into setting up OpenSSL's context, not into hashing.
    from _md5 import md5 as _md5
except ImportError:  # pragma: no cover - a Python built without its own hashes
    _md5 = partial(hashlib.md5, usedforsecurity=False)


def pair_hash(first: str, second: str) -> int:
    """The bucket of two adjacent tokens: md5, stable across processes, and computable by
    PostgreSQL from a stored document (migration 0004 does) with the same result."""
    return int.from_bytes(_md5(f"{first} {second}".encode()).digest()[:4], "big") % PAIR_BUCKETS


def pair_hashes(document: Document, known: dict[tuple[str, str], int] | None = None) -> list[int]:
    """The sorted hashes of every two adjacent tokens within one field of the document.

    Each distinct pair is hashed once (prose repeats pairs: "of the", "in the"), collected as
    tuples in C by zip and a set, where hashing every pair as it came cost a Python call and an
    md5 each: about 30% of a post's CPU in an import's parsing process. `known` (bulk loads:
    `BulkPairs`) holds the hashes of pairs met in earlier documents; most pairs of real prose
    recur across posts (beer's Posts.xml: 54% of each post's pairs were in an earlier one)."""
    fields = (document.title, document.body, document.code, document.url)
    pairs: set[tuple[str, str]] = set()
    for tokens in fields:
        pairs.update(zip(tokens, tokens[1:], strict=False))
    if any(SEPARATOR in tokens for tokens in fields):  # links' words form no pair across links
        pairs = {pair for pair in pairs if SEPARATOR not in pair}
    if known is None:
        return sorted(set(map(_pair_bucket, pairs)))
    met = known.keys() & pairs
    hashes = set(map(known.__getitem__, met))
    missing = list(pairs - met)
    new = list(map(_pair_bucket, missing))
    hashes.update(new)
    if len(known) + len(new) > BULK_PAIRS_LIMIT:
        known.clear()
    known.update(zip(missing, new, strict=True))
    return sorted(hashes)


def _pair_bucket(pair: tuple[str, str]) -> int:
    return int.from_bytes(_md5(" ".join(pair).encode()).digest()[:4], "big") % PAIR_BUCKETS


# The pairs a bulk load remembers: emptied when full, so the memory of an import's parsing
# process stays flat (about 15 MB at most) however large the dump's text.
BULK_PAIRS_LIMIT = 100_000


def pairs_literal(hashes: list[int]) -> str:
    """The hashes as PostgreSQL's array text ("{1,2,3}")."""
    return "{" + ",".join(map(str, hashes)) + "}"

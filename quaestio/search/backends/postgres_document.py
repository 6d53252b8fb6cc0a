"""A post's document as PostgreSQL's engine stores it: the tsvector text of its tokens,
positions and weights, its id blocks, and the hashes of its adjacent token pairs.

Written by us rather than by to_tsvector, so PostgreSQL's parser, stemmer and stop words never
differ from SQLite's results; built without the database, so a dump import can build documents
in its parsing process (see backends/base.py, "Loading in bulk").
"""

from __future__ import annotations

import hashlib
import re

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

    Written for speed (an import builds one per post, about 40% of the per-post Python work on
    PostgreSQL before): label strings made once, lexemes quoted in one pass when none needs
    escaping. tests/search/test_tsvector_literal.py holds it equal to the plain form."""
    positions: dict[str, list[str]] = {}
    position = 1
    for weight, tokens in (
        ("A", document.title),
        ("B", document.body),
        ("C", document.code),
        ("D", document.url),
    ):
        labels = _POSITION_LABELS[weight]
        for token in tokens:
            if token != SEPARATOR:
                if position < LABELLED_POSITIONS:
                    label = labels[position]
                else:
                    label = f"{min(position, MAX_POSITION)}{weight}"
                lexemes = (token, TITLE_MARK + token) if weight == "A" else (token,)
                for lexeme in lexemes:
                    found = positions.get(lexeme)
                    if found is None:
                        positions[lexeme] = [label]
                    elif len(found) < MAX_POSITIONS_PER_WORD:
                        found.append(label)
            position += 1
        position += FIELD_GAP
    if _NEEDS_ESCAPE.search("".join(positions)):
        words = " ".join(
            [f"{quoted_lexeme(token)}:{','.join(p)}" for token, p in positions.items()]
        )
    else:
        words = " ".join(["'" + token + "':" + ",".join(p) for token, p in positions.items()])
    marks = [*block_lexemes(document.post_id), *facts]
    blocks = " ".join([quoted_lexeme(mark) for mark in marks])
    return f"{words} {blocks}" if words else blocks


# Pairs are hashed into this many buckets. With a key per distinct pair (most pairs occur once or
# twice) the GIN index was 4 times the document index, 167 MB at 100,000 posts; with 2**18 keys
# it is 74 MB, and a bucket holds about 500 posts' pairs at 1,000,000 posts: the few candidates
# a phrase reads besides its matches.
PAIR_BUCKETS = 1 << 18


def pair_hash(first: str, second: str) -> int:
    """The bucket of two adjacent tokens: md5, stable across processes, and computable by
    PostgreSQL from a stored document (migration 0004 does) with the same result."""
    digest = hashlib.md5(f"{first} {second}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big") % PAIR_BUCKETS


def pair_hashes(document: Document) -> list[int]:
    """The sorted hashes of every two adjacent tokens within one field of the document."""
    found: set[int] = set()
    for tokens in (document.title, document.body, document.code, document.url):
        for first, second in zip(tokens, tokens[1:], strict=False):
            if first != SEPARATOR and second != SEPARATOR:
                found.add(pair_hash(first, second))
    return sorted(found)


def pairs_literal(hashes: list[int]) -> str:
    """The hashes as PostgreSQL's array text ("{1,2,3}")."""
    return "{" + ",".join(map(str, hashes)) + "}"

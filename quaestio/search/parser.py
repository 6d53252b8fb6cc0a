"""Stack Exchange's search syntax (spec §8.1) read into a typed SearchQuery.

    words, "exact phrases", -word, -"phrase", word1 OR word2, encyclo*, ex*nge
    [tag], -[tag], [a] or [b], [java*]
    intitle:/title:, body:, code:, url: (each takes a word or a "phrase")
    user:1234 / user:me, inquestion:1234 / inquestion:this
    score:, answers:, views: (3, 3..10, ..0, -1..)
    is:question / is:q / is:answer / is:a
    closed:, duplicate:, hasaccepted:, isaccepted:, isanswered:, locked:, wiki:, hascode:,
    hasnotice:, hassource: (yes/no)
    source:marxists.org (posts citing a link on that host; source:doi.org for DOIs)
    created:, lastactive: (2012, 2012-01, 2012-01-15, ranges with .., ages 7d.., 1m, 3m.., 1y)
    deleted:yes/any (shown only to those who may see deleted posts)

Any input either parses or raises SearchSyntaxError whose message says how to fix it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from quaestio.search.query import (
    AnyTerm,
    Counter,
    DateField,
    DateFilter,
    DeletedMode,
    Field,
    Flag,
    FlagFilter,
    InQuestionFilter,
    KindFilter,
    PostKind,
    RangeFilter,
    SearchQuery,
    SearchSyntaxError,
    SourceFilter,
    TagTerm,
    Term,
    UserFilter,
)

MAX_QUERY_LENGTH = 1000
MAX_CLAUSES = 40
MAX_TAG_LENGTH = 35
TAG_NAME = re.compile(r"^[a-z0-9+#.*-]+$")
NUMBER = re.compile(r"^-?\d{1,9}$")
OPERATOR = re.compile(r"([A-Za-z]+):")

TEXT_OPERATORS = {
    "title": Field.TITLE,
    "intitle": Field.TITLE,
    "body": Field.BODY,
    "code": Field.CODE,
    "url": Field.URL,
}
COUNTERS = {"score": Counter.SCORE, "answers": Counter.ANSWERS, "views": Counter.VIEWS}
FLAGS = {flag.value: flag for flag in Flag}
DATES = {"created": DateField.CREATED, "lastactive": DateField.LAST_ACTIVE}
KINDS = {
    "question": PostKind.QUESTION,
    "q": PostKind.QUESTION,
    "questions": PostKind.QUESTION,
    "answer": PostKind.ANSWER,
    "a": PostKind.ANSWER,
    "answers": PostKind.ANSWER,
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
UNSUPPORTED = {
    "infavorites": "saved questions are not searchable yet",
    "migrated": "this site does not record migrations yet",
}
KNOWN = (
    set(TEXT_OPERATORS)
    | set(COUNTERS)
    | set(FLAGS)
    | set(DATES)
    | set(UNSUPPORTED)
    | {"user", "is", "inquestion", "deleted", "source"}
)
DATE_HELP = (
    "takes a date such as 2012, 2012-01 or 2012-01-15, a range such as 2012..2013, "
    "or an age such as 7d.., 1m or 1y"
)


# Lexing: the string becomes a flat list of pieces ------------------------------------------


@dataclass
class Piece:
    kind: str  # "word", "phrase", "tag", "operator", "or"
    text: str
    position: int
    negated: bool = False
    name: str = ""  # operator name, lower case
    quoted: bool = False  # an operator value in quotes


def _closing(raw: str, start: int, char: str, what: str) -> int:
    end = raw.find(char, start + 1)
    if end < 0:
        raise SearchSyntaxError(
            f"The {what} opened at character {start + 1} is never closed: add a {char}.", start
        )
    return end


def _word_end(raw: str, start: int) -> int:
    end = start
    while end < len(raw) and not raw[end].isspace():
        end += 1
    return end


def lex(raw: str) -> list[Piece]:
    pieces: list[Piece] = []
    i = 0
    while i < len(raw):
        if raw[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if raw[i] == "-" and i + 1 < len(raw) and not raw[i + 1].isspace():
            negated = True
            i += 1
        char = raw[i]
        if char == '"':
            end = _closing(raw, i, '"', "quote")
            pieces.append(Piece("phrase", raw[i + 1 : end], start, negated))
            i = end + 1
            continue
        if char == "[":
            end = _closing(raw, i, "]", "tag")
            pieces.append(Piece("tag", raw[i + 1 : end], start, negated))
            i = end + 1
            continue
        operator = OPERATOR.match(raw, i)
        if operator and operator.group(1).lower() in KNOWN:
            name = operator.group(1).lower()
            value_start = operator.end()
            if value_start < len(raw) and raw[value_start] == '"':
                end = _closing(raw, value_start, '"', "quote")
                value, quoted, i = raw[value_start + 1 : end], True, end + 1
            else:
                end = _word_end(raw, value_start)
                value, quoted, i = raw[value_start:end], False, end
            pieces.append(Piece("operator", value, start, negated, name=name, quoted=quoted))
            continue
        end = _word_end(raw, i)
        word = raw[i:end]
        i = end
        if word == "OR" and not negated:
            pieces.append(Piece("or", word, start))
        else:
            pieces.append(Piece("word", word, start, negated))
    return pieces


# Values -------------------------------------------------------------------------------------


def _yes_no(piece: Piece) -> bool:
    value = piece.text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise SearchSyntaxError(
        f"{piece.name}: takes yes or no, as in {piece.name}:yes.", piece.position
    )


def _int(text: str, piece: Piece, help_text: str) -> int:
    if not NUMBER.match(text):
        raise SearchSyntaxError(f"{piece.name}: {help_text}", piece.position)
    return int(text)


def _range(piece: Piece, counter: Counter) -> RangeFilter:
    help_text = (
        f"takes a number or a range, as in {piece.name}:3, {piece.name}:3..10 or {piece.name}:..0."
    )
    value = piece.text.strip()
    if ".." not in value:
        number = _int(value, piece, help_text)
        if counter == Counter.ANSWERS and number == 0:
            return RangeFilter(counter, 0, 0, piece.negated)  # "answers:0" means none
        return RangeFilter(counter, number, None, piece.negated)
    low_text, _, high_text = value.partition("..")
    if not low_text and not high_text:
        raise SearchSyntaxError(f"{piece.name}: {help_text}", piece.position)
    low = _int(low_text, piece, help_text) if low_text else None
    high = _int(high_text, piece, help_text) if high_text else None
    if low is not None and high is not None and low > high:
        low, high = high, low
    return RangeFilter(counter, low, high, piece.negated)


RELATIVE = re.compile(r"^(\d{1,5})([dwmy])$")
ABSOLUTE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    if year < 1:
        raise OverflowError
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _ago(number: int, unit: str, now: datetime) -> datetime:
    if unit == "d":
        return now - timedelta(days=number)
    if unit == "w":
        return now - timedelta(weeks=number)
    if unit == "m":
        return _months_before(now, number)
    return _months_before(now, 12 * number)


def _period(text: str, piece: Piece) -> tuple[datetime, datetime | None]:
    """The [start, end) of an absolute year, month or day; end None past year 9999."""
    match = ABSOLUTE.match(text)
    if not match:
        raise SearchSyntaxError(f"{piece.name}: {DATE_HELP}", piece.position)
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            start = datetime(year, 1, 1, tzinfo=UTC)
            end = _next(lambda: datetime(year + 1, 1, 1, tzinfo=UTC))
        elif day is None:
            start = datetime(year, month, 1, tzinfo=UTC)
            end = _next(lambda: datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC))
        else:
            start = datetime(year, month, day, tzinfo=UTC)
            end = _next(lambda: start + timedelta(days=1))
    except ValueError:
        raise SearchSyntaxError(
            f"{piece.name}: {text} is not a real date; {DATE_HELP}", piece.position
        ) from None
    return start, end


def _next(make) -> datetime | None:
    try:
        return make()
    except (ValueError, OverflowError):
        return None


def _bound(text: str, piece: Piece, now: datetime, side: str) -> datetime | None:
    """One end of a date range: an age is a moment, an absolute date its period's start or end."""
    relative = RELATIVE.match(text)
    if relative:
        try:
            return _ago(int(relative.group(1)), relative.group(2), now)
        except (OverflowError, ValueError):
            raise SearchSyntaxError(
                f"{piece.name}: {text} reaches too far back.", piece.position
            ) from None
    start, end = _period(text, piece)
    return start if side == "start" else end


def _dates(piece: Piece, now: datetime) -> DateFilter:
    date_field = DATES[piece.name]
    value = piece.text.strip().lower()
    if ".." not in value:
        relative = RELATIVE.match(value)
        if relative:
            # "1m" is the last month, "2m" the month before it: [now - N, now - (N - 1)).
            number, unit = int(relative.group(1)), relative.group(2)
            try:
                start = _ago(number, unit, now)
                end = _ago(number - 1, unit, now) if number > 0 else now
            except (OverflowError, ValueError):
                raise SearchSyntaxError(
                    f"{piece.name}: {value} reaches too far back.", piece.position
                ) from None
            return DateFilter(date_field, start, end, piece.negated)
        start, end = _period(value, piece)
        return DateFilter(date_field, start, end, piece.negated)
    left, _, right = value.partition("..")
    if not left and not right:
        raise SearchSyntaxError(f"{piece.name}: {DATE_HELP}", piece.position)
    start = _bound(left, piece, now, "start") if left else None
    end = _bound(right, piece, now, "end") if right else None
    if start is not None and end is not None and start >= end:
        # Written newest first ("1m..3m" or "2013..2012"): read it the other way round.
        start = _bound(right, piece, now, "start")
        end = _bound(left, piece, now, "end")
    return DateFilter(date_field, start, end, piece.negated)


_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}$")


def _domain(piece: Piece) -> str:
    """The host a source: names, as sources keep it: lower case, without www. (a pasted
    address gives its host)."""
    value = piece.text.strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1]
    value = value.split("/", 1)[0].rstrip(".")
    value = value.removeprefix("www.")
    if len(value) > 253 or not _DOMAIN.match(value):
        raise SearchSyntaxError(
            "source: takes a site's domain, as in source:marxists.org or source:doi.org.",
            piece.position,
        )
    return value


def _id_or(piece: Piece, keyword: str) -> int | None:
    value = piece.text.strip().lower()
    if value == keyword:
        return None
    if NUMBER.match(value) and not value.startswith("-"):
        return int(value)
    raise SearchSyntaxError(
        f"{piece.name}: takes an id or {keyword}, as in {piece.name}:1234 or {piece.name}:{keyword}.",
        piece.position,
    )


def _tag_names(piece: Piece) -> str:
    name = piece.text.strip().lower()
    if not name:
        raise SearchSyntaxError("[] needs a tag name inside, as in [history].", piece.position)
    if len(name) > MAX_TAG_LENGTH or not TAG_NAME.match(name):
        raise SearchSyntaxError(
            f"[{piece.text}] is not a tag name: tags use letters, digits and + # . - "
            f"(at most {MAX_TAG_LENGTH} characters).",
            piece.position,
        )
    if name.strip("*") == "":
        raise SearchSyntaxError(
            "A tag wildcard needs at least one letter, as in [java*].", piece.position
        )
    return name


# Clauses ------------------------------------------------------------------------------------


def _text_term(piece: Piece) -> Term:
    if piece.kind == "phrase":
        return Term(piece.text, Field.ANY, phrase=True, negated=piece.negated)
    if piece.kind == "word":
        return Term(piece.text, Field.ANY, phrase=False, negated=piece.negated)
    return Term(piece.text, TEXT_OPERATORS[piece.name], phrase=piece.quoted, negated=piece.negated)


def _clause(piece: Piece, now: datetime):
    """The clause one piece stands for; None for a piece that adds nothing (an empty phrase)."""
    if piece.kind in ("word", "phrase"):
        if not piece.text.strip():
            return None
        if piece.kind == "word" and piece.text.strip("*") == "":
            raise SearchSyntaxError(
                "A wildcard * needs letters beside it, as in encyclo* or ex*nge.", piece.position
            )
        return _text_term(piece)
    if piece.kind == "tag":
        return TagTerm((_tag_names(piece),), piece.negated)
    name = piece.name
    if name in UNSUPPORTED:
        raise SearchSyntaxError(f"{name}: is not available: {UNSUPPORTED[name]}.", piece.position)
    if not piece.text.strip():
        raise SearchSyntaxError(f"{name}: needs a value after the colon.", piece.position)
    if name in TEXT_OPERATORS:
        if not piece.quoted and piece.text.strip("*") == "":
            raise SearchSyntaxError(f"{name}: needs a word, not only *.", piece.position)
        return _text_term(piece)
    if name in COUNTERS:
        return _range(piece, COUNTERS[name])
    if name in FLAGS:
        return FlagFilter(FLAGS[name], _yes_no(piece), piece.negated)
    if name in DATES:
        return _dates(piece, now)
    if name == "is":
        kind = KINDS.get(piece.text.strip().lower())
        if kind is None:
            raise SearchSyntaxError(
                "is: takes question (q) or answer (a), as in is:question.", piece.position
            )
        return KindFilter(kind, piece.negated)
    if name == "source":
        return SourceFilter(_domain(piece), piece.negated)
    if name == "user":
        user_id = _id_or(piece, "me")
        return UserFilter(user_id, me=user_id is None, negated=piece.negated)
    if name == "inquestion":
        question_id = _id_or(piece, "this")
        return InQuestionFilter(question_id, this=question_id is None, negated=piece.negated)
    # deleted:
    value = piece.text.strip().lower()
    if piece.negated:
        raise SearchSyntaxError("deleted: cannot be excluded; use deleted:no.", piece.position)
    if value in YES or value == "only":
        return DeletedMode.YES
    if value in NO:
        return DeletedMode.NO
    if value in ("any", "all"):
        return DeletedMode.ANY
    raise SearchSyntaxError("deleted: takes yes, no or any.", piece.position)


def _or_groups(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces joined by OR (or by a lower-case "or" between two tags) grouped together."""
    groups: list[list[Piece]] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        joins = piece.kind == "or" or (
            piece.kind == "word"
            and piece.text == "or"
            and not piece.negated
            and 0 < i < len(pieces) - 1
            and pieces[i - 1].kind == "tag"
            and pieces[i + 1].kind == "tag"
        )
        if joins:
            if not groups or i == len(pieces) - 1 or pieces[i + 1].kind == "or":
                raise SearchSyntaxError(
                    "OR needs a word, phrase or tag on each side, as in bridge OR castle.",
                    piece.position,
                )
            groups[-1].append(pieces[i + 1])
            i += 2
            continue
        groups.append([piece])
        i += 1
    return groups


def _alternatives(group: list[Piece], now: datetime):
    clauses = [c for c in (_clause(p, now) for p in group) if c is not None]
    if len(clauses) <= 1:
        return clauses[0] if clauses else None
    if any(getattr(c, "negated", False) for c in clauses):
        raise SearchSyntaxError(
            "An excluded term cannot be one side of OR; write the exclusion on its own.",
            group[0].position,
        )
    if all(isinstance(c, TagTerm) for c in clauses):
        return TagTerm(tuple(name for c in clauses for name in c.names))
    if all(isinstance(c, Term) for c in clauses):
        return AnyTerm(tuple(clauses))
    raise SearchSyntaxError(
        "OR joins words with words, or tags with tags, as in [a] or [b]; not other operators.",
        group[0].position,
    )


def parse(raw: str, now: datetime | None = None) -> SearchQuery:
    """The typed query for a search box string, or SearchSyntaxError saying what to fix."""
    if not isinstance(raw, str):
        raise SearchSyntaxError("A search is text.")
    raw = raw.replace("\x00", " ").strip()
    if len(raw) > MAX_QUERY_LENGTH:
        raise SearchSyntaxError(f"Shorten your search to {MAX_QUERY_LENGTH} characters or fewer.")
    now = now or timezone.now()
    groups = _or_groups(lex(raw))
    if len(groups) > MAX_CLAUSES:
        raise SearchSyntaxError(f"Use at most {MAX_CLAUSES} words and operators in one search.")
    text, tags, filters = [], [], []
    deleted = DeletedMode.NO
    for group in groups:
        clause = _alternatives(group, now)
        if clause is None:
            continue
        if isinstance(clause, DeletedMode):
            deleted = clause
        elif isinstance(clause, Term | AnyTerm):
            text.append(clause)
        elif isinstance(clause, TagTerm):
            tags.append(clause)
        else:
            filters.append(clause)
    return SearchQuery(
        raw=raw, text=tuple(text), tags=tuple(tags), filters=tuple(filters), deleted=deleted
    )

"""The typed query a search box string parses into (see parser.py for the syntax)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from quaestio.core.errors import ValidationFailed


class SearchSyntaxError(ValidationFailed):
    """A query the parser cannot read; the message says what is wrong and how to write it."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class Field(StrEnum):
    ANY = "any"  # title or body
    TITLE = "title"
    BODY = "body"
    CODE = "code"
    URL = "url"


@dataclass(frozen=True)
class Term:
    """Words to find: one word (maybe with * wildcards) or an exact "phrase"."""

    text: str
    field: Field = Field.ANY
    phrase: bool = False
    negated: bool = False

    @property
    def wildcard(self) -> bool:
        return not self.phrase and "*" in self.text


@dataclass(frozen=True)
class AnyTerm:
    """`a OR b OR "c d"`: any of the terms (none negated)."""

    terms: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True)
class TagTerm:
    """`[a]`, `[a] or [b]` (any of names), `-[a]`; a name may hold * wildcards."""

    names: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class UserFilter:
    user_id: int | None  # None with me=True: the viewer
    me: bool = False
    negated: bool = False


class Counter(StrEnum):
    SCORE = "score"
    ANSWERS = "answers"
    VIEWS = "views"


@dataclass(frozen=True)
class RangeFilter:
    """Inclusive bounds; None is open. `answers:0` is the one exact-zero form (low=high=0)."""

    counter: Counter
    low: int | None
    high: int | None
    negated: bool = False


class PostKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


@dataclass(frozen=True)
class KindFilter:
    kind: PostKind
    negated: bool = False


class Flag(StrEnum):
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    HAS_ACCEPTED = "hasaccepted"
    IS_ACCEPTED = "isaccepted"
    IS_ANSWERED = "isanswered"
    LOCKED = "locked"
    WIKI = "wiki"
    HAS_CODE = "hascode"
    HAS_NOTICE = "hasnotice"
    HAS_SOURCE = "hassource"  # cites a link, DOI, ISBN or work (sources.PostSource)


@dataclass(frozen=True)
class FlagFilter:
    flag: Flag
    value: bool
    negated: bool = False


@dataclass(frozen=True)
class InQuestionFilter:
    question_id: int | None  # None with this=True: the question the search was started from
    this: bool = False
    negated: bool = False


@dataclass(frozen=True)
class SourceFilter:
    """source:<domain>: posts citing a link on that host (www. or not), or doi.org for DOIs."""

    domain: str
    negated: bool = False


class DateField(StrEnum):
    CREATED = "created"
    LAST_ACTIVE = "lastactive"


@dataclass(frozen=True)
class DateFilter:
    """A half-open interval [start, end) of aware datetimes; None is open."""

    date_field: DateField
    start: datetime | None
    end: datetime | None
    negated: bool = False


class DeletedMode(StrEnum):
    NO = "no"  # the default: live posts only
    YES = "yes"  # deleted posts only
    ANY = "any"  # both


Filter = (
    UserFilter
    | RangeFilter
    | KindFilter
    | FlagFilter
    | InQuestionFilter
    | DateFilter
    | SourceFilter
)
TextClause = Term | AnyTerm


@dataclass(frozen=True)
class SearchQuery:
    raw: str
    text: tuple[TextClause, ...] = ()
    tags: tuple[TagTerm, ...] = ()
    filters: tuple[Filter, ...] = ()
    deleted: DeletedMode = DeletedMode.NO

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.tags or self.filters) and self.deleted == DeletedMode.NO

    @property
    def only_tag(self) -> str | None:
        """The tag of a query that is just `[tag]`: Stack Exchange sends it to the tag's page."""
        if self.text or self.filters or len(self.tags) != 1 or self.deleted != DeletedMode.NO:
            return None
        tag = self.tags[0]
        if tag.negated or len(tag.names) != 1 or "*" in tag.names[0]:
            return None
        return tag.names[0]

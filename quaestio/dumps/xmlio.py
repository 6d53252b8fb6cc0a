"""Reading and writing the dump's XML: streaming rows in, one `<row .../>` per line out.

Reading uses lxml's iterparse and clears each row (and its finished siblings) as soon as it has
been handed over, so memory stays flat however large the file. Writing reproduces Stack
Exchange's own layout byte for byte: a BOM, the XML declaration, the root element, two-space
indented self-closing rows with CRLF line ends, and no line end after the closing root tag.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO, TextIO

from lxml import etree

from quaestio.dumps.errors import DumpError

BOM = "\ufeff"
CRLF = "\r\n"
# What Stack Exchange escapes in attribute values. It writes tabs as they are (see CountingReader).
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#xA;", "\r": "&#xD;"}
)


def escape(value: str) -> str:
    return value.translate(_ESCAPES)


def format_row(pairs: list[tuple[str, str]]) -> str:
    return "  <row " + "".join(f'{name}="{escape(value)}" ' for name, value in pairs) + "/>"


class DumpWriter:
    """Writes one dump file; use as a context manager."""

    def __init__(self, stream: TextIO, root: str, *, bom: bool = True, newline: str = CRLF) -> None:
        self.stream = stream
        self.root = root
        self.bom = BOM if bom else ""
        self.newline = newline

    def __enter__(self) -> DumpWriter:
        self.stream.write(
            f'{self.bom}<?xml version="1.0" encoding="utf-8"?>{self.newline}<{self.root}>{self.newline}'
        )
        return self

    def row(self, pairs: list[tuple[str, str]]) -> None:
        self.stream.write(format_row(pairs) + self.newline)

    def __exit__(self, *exc) -> None:
        self.stream.write(f"</{self.root}>")


# --- dates --------------------------------------------------------------------------------


def is_canonical_date(value: str) -> bool:
    """The one format every dump uses: 2014-01-21T20:26:05.383 (UTC, milliseconds)."""
    return len(value) == 23 and value[10] == "T" and value[19] == "." and value[4] == "-"


def canonical_date(value: str) -> str:
    """Any ISO 8601 date as the canonical dump form; ValueError if it is not a date."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return format_date(moment)


def format_date(moment: datetime) -> str:
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}"
    )


def sqlite_date(value: str) -> str:
    """A canonical dump date as Django's SQLite backend stores an aware UTC datetime."""
    millis = value[20:23]
    base = f"{value[:10]} {value[11:19]}"
    return base if millis == "000" else f"{base}.{millis}000"


# --- reading -------------------------------------------------------------------------------


class CountingReader:
    """A binary file wrapper that counts bytes read (for the progress bar) and keeps tabs.

    Stack Exchange writes tab characters inside attribute values literally, and an XML parser
    must turn those into spaces (attribute-value normalisation), which would change code in
    posts. Dump files use tabs nowhere else, so each is handed to the parser as `&#x9;`.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.bytes_read += len(chunk)
        return chunk.replace(b"\t", b"&#x9;") if b"\t" in chunk else chunk


def iter_rows(stream: BinaryIO, filename: str, root: str) -> Iterator[tuple[dict[str, str], int]]:
    """Yield (attributes, line) for each <row/> of a dump file, in file order.

    Malformed XML and a wrong root element raise DumpError naming the file and line.
    """
    if not isinstance(stream, CountingReader):
        stream = CountingReader(stream)
    parser = etree.iterparse(stream, events=("end",), tag="row", huge_tree=True)
    checked_root = False
    try:
        for _event, element in parser:
            if not checked_root:
                parent = element.getparent()
                if parent is None or parent.tag != root:
                    found = parent.tag if parent is not None else "row"
                    raise DumpError(
                        f"expected the root element <{root}>, found <{found}>",
                        file=filename,
                        line=element.sourceline,
                    )
                checked_root = True
            yield dict(element.items()), element.sourceline
            element.clear(keep_tail=True)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise DumpError(f"malformed XML: {error.msg}", file=filename, line=line) from None

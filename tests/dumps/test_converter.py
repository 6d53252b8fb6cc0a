"""The compiled per-file converter gives exactly what the plain reference converter gives."""

from __future__ import annotations

import pytest

from quaestio.dumps.errors import DumpError
from quaestio.dumps.generator import Options, generate
from quaestio.dumps.rows import build_converter, reference_converter, table_columns
from quaestio.dumps.schema import IMPORT_ORDER, POSTS, TAGS, USERS
from quaestio.dumps.source import DumpSource
from quaestio.dumps.xmlio import iter_rows

pytestmark = pytest.mark.django_db


def _both(spec):
    columns, defaults = table_columns(spec.table)
    return (
        build_converter(spec, columns, list(defaults)),
        reference_converter(spec, columns, list(defaults)),
    )


def _outcome(convert, attributes):
    try:
        return convert(dict(attributes), 7)
    except DumpError as error:
        return ("error", error.reason, error.file, error.line, error.row_id)


@pytest.mark.parametrize(
    "options",
    [Options(scale=0.05, seed=3), Options(scale=0.03, seed=9, era="2016", tag_format="pipe")],
    ids=["2023", "2016-pipe"],
)
def test_compiled_converter_equals_reference_on_generated_dumps(tmp_path, options):
    """Every row of every file of two generated dumps (two eras) converts identically."""
    generate(tmp_path / "d", options)
    source = DumpSource(tmp_path / "d")
    for spec in IMPORT_ORDER:
        fast, reference = _both(spec)
        with source.open(spec.filename) as (stream, _size):
            for attributes, line in iter_rows(stream, spec.filename, spec.root):
                assert fast(attributes, line) == reference(attributes, line), (spec.name, line)


ODD_VALUES = [
    {"Id": "007"},  # integers not in canonical form
    {"Id": " 5"},
    {"Id": "+5"},
    {"Id": "٣"},  # a non-ASCII digit int() accepts
    {"Id": "x"},
    {"Id": ""},
    {"CreationDate": "2014-01-21T20:26:05"},  # dates not in canonical form
    {"CreationDate": "2014-01-21 20:26:05.383"},
    {"CreationDate": "2014-01-21T20:26:05.383+02:00"},
    {"CreationDate": "2014-01-21T20:26:05.000"},
    {"CreationDate": "yesterday"},
    {"CreationDate": ""},
    {"CreationDate": "2014-01-21X20:26:05.383"},
    {"Body": ""},  # HTML: empty, clean, dirty, hostile
    {"Body": "<p>fine</p>"},
    {"Body": '<p onclick="x()">hi<script>alert(1)</script></p>'},
    {"Body": '<a href="javascript:alert(1)">x</a>'},
    {"Title": ""},
    {"Tags": ""},
    {"OwnerUserId": "-1"},
    {"Unknown": "kept", "Another": ""},
]


@pytest.mark.parametrize("spec", [POSTS, USERS, TAGS], ids=lambda s: s.name)
@pytest.mark.parametrize("change", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_compiled_converter_equals_reference_on_odd_values(spec, change):
    """Odd, missing and malformed values: the same values, extras and errors."""
    fast, reference = _both(spec)
    base = {
        "Posts": {"Id": "1", "PostTypeId": "1", "CreationDate": "2014-01-21T20:26:05.383",
                  "Score": "0", "Body": "<p>x</p>", "Title": "t", "Tags": "<a>"},
        "Users": {"Id": "1", "Reputation": "1", "CreationDate": "2014-01-21T20:26:05.383",
                  "DisplayName": "Ann", "LastAccessDate": "2014-01-21T20:26:05.383",
                  "AboutMe": "<b>x</b>", "Views": "0", "UpVotes": "0", "DownVotes": "0"},
        "Tags": {"Id": "1", "TagName": "hops", "Count": "0", "IsRequired": "False",
                 "IsModeratorOnly": "true"},
    }[spec.name]  # fmt: skip
    for attributes in ({**base, **change}, {k: v for k, v in base.items() if k not in change}):
        assert _outcome(fast, attributes) == _outcome(reference, attributes)
    for bool_value in ("True", "False", "true", "FALSE", "yes", ""):
        attributes = {**base, "IsRequired": bool_value, "TagBased": bool_value}
        assert _outcome(fast, attributes) == _outcome(reference, attributes)


def _layout_memo(convert) -> dict:
    """The converter's memo of attribute layouts: a global of the compiled one, a closure
    variable of the reference one."""
    if "unknown_by_keys" in convert.__code__.co_freevars:
        index = convert.__code__.co_freevars.index("unknown_by_keys")
        return convert.__closure__[index].cell_contents
    return convert.__globals__["unknown_by_keys"]


def test_unknown_attribute_layouts_are_kept_but_their_memo_stays_bounded():
    """A hostile dump giving every row its own unknown attribute loses none of them, and the
    converters' memo of layouts stops growing (import memory stays flat)."""
    from quaestio.dumps.rows import MAX_REMEMBERED_LAYOUTS

    for convert in _both(TAGS):
        for number in range(MAX_REMEMBERED_LAYOUTS + 50):
            attributes = {"Id": str(number + 1), "TagName": f"t{number}", "Count": "0"}
            attributes[f"Odd{number}"] = "x"
            _values, extra = convert(attributes, number + 2)
            assert extra["set"][f"Odd{number}"] == "x"
        assert len(_layout_memo(convert)) == MAX_REMEMBERED_LAYOUTS

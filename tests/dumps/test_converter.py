"""One dump row to one database row: values in their columns, and the extra record of what the
columns cannot hold (the dump's own text, so export gives the row back exactly)."""

from __future__ import annotations

import pytest
from django.db import connection

from quaestio.dumps.errors import DumpError
from quaestio.dumps.rows import MAX_REMEMBERED_LAYOUTS, build_converter, table_columns
from quaestio.dumps.schema import POSTS, TAGS, USERS

pytestmark = pytest.mark.django_db

POST = {
    "Id": "1",
    "PostTypeId": "1",
    "CreationDate": "2014-01-21T20:26:05.383",
    "LastActivityDate": "2014-01-21T20:26:05.383",
    "Score": "0",
    "Body": "<p>x</p>",
    "Title": "t",
    "Tags": "<a>",
    "CommentCount": "0",  # a counter a dump may leave out: its absence is recorded
}
TAG = {"Id": "1", "TagName": "hops", "Count": "0"}


def convert(spec, attributes: dict):
    columns, defaults = table_columns(spec.table)
    values, extra = build_converter(spec, columns, list(defaults))(dict(attributes), 7)
    return dict(zip(columns, values, strict=True)), extra


def refusal(spec, attributes: dict) -> str:
    with pytest.raises(DumpError) as refused:
        convert(spec, attributes)
    assert (refused.value.file, refused.value.line) == (spec.filename, 7)
    return refused.value.reason


def test_a_canonical_row_needs_no_extra():
    """Values land in their columns with their types; nothing is kept aside."""
    values, extra = convert(POSTS, POST)
    assert (values["id"], values["post_type"], values["score"]) == (1, 1, 0)
    assert (values["title"], values["body"], values["tags"]) == ("t", "<p>x</p>", "<a>")
    assert extra is None


def test_non_canonical_numbers_and_dates_keep_the_dumps_text():
    """007 is stored as 7 and 2014-01-21T20:26:05 as the canonical date; both texts are kept."""
    values, extra = convert(POSTS, {**POST, "Id": "007", "CreationDate": "2014-01-21T20:26:05"})
    assert values["id"] == 7
    stored = values["creation_date"]
    assert stored.startswith("2014-01-21") if connection.vendor == "sqlite" else stored
    assert extra == {"set": {"Id": "007", "CreationDate": "2014-01-21T20:26:05"}}


def test_html_is_sanitised_and_the_original_guarded():
    """A hostile body is stored clean; the dump's text is kept with a digest of the clean one,
    so export can tell whether the post was edited since."""
    hostile = '<p onclick="x()">hi<script>alert(1)</script></p>'
    values, extra = convert(POSTS, {**POST, "Body": hostile})
    assert "script" not in values["body"] and "onclick" not in values["body"]
    assert extra["set"] == {"Body": hostile}
    assert set(extra["guard"]) == {"Body"}


def test_an_absent_counter_is_recorded():
    """A counter the row leaves out is stored as its default and remembered as absent."""
    values, extra = convert(POSTS, {k: v for k, v in POST.items() if k != "CommentCount"})
    assert values["comment_count"] == 0
    assert extra == {"absent": ["CommentCount"]}


def test_a_url_that_is_not_a_link_is_dropped_and_the_original_guarded():
    """WebsiteUrl keeps a link; anything else is stored empty, the dump's text kept aside."""
    user = {
        "Id": "1",
        "Reputation": "1",
        "CreationDate": "2014-01-21T20:26:05.383",
        "DisplayName": "Ann",
        "LastAccessDate": "2014-01-21T20:26:05.383",
        "Views": "0",
        "UpVotes": "0",
        "DownVotes": "0",
    }
    values, _extra = convert(USERS, {**user, "WebsiteUrl": "https://example.com/"})
    assert values["website_url"] == "https://example.com/"
    values, extra = convert(USERS, {**user, "WebsiteUrl": "javascript:alert(1)"})
    assert values["website_url"] == ""
    assert extra["set"] == {"WebsiteUrl": "javascript:alert(1)"}
    assert set(extra["guard"]) == {"WebsiteUrl"}


def test_unknown_attributes_and_empty_optional_ones_are_kept():
    values, extra = convert(TAGS, {**TAG, "Unknown": "kept", "ExcerptPostId": "5", "Odd": ""})
    assert values["excerpt_post_id"] == 5
    assert extra == {"set": {"Unknown": "kept", "Odd": ""}}


def test_booleans_in_any_case():
    """True/False as dumps write them; another case is read and its text kept; else refused."""
    values, extra = convert(TAGS, {**TAG, "IsRequired": "true"})
    assert values["is_required"] is True
    assert extra == {"set": {"IsRequired": "true"}}
    assert "is not True or False" in refusal(TAGS, {**TAG, "IsRequired": "yes"})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Id": "x"}, "Id='x' is not a whole number"),
        ({"Id": ""}, "Id='' is not a whole number"),
        ({"CreationDate": "yesterday"}, "CreationDate='yesterday' is not a date"),
        ({"CreationDate": ""}, "CreationDate='' is not a date"),
    ],
)
def test_malformed_values_are_refused_with_the_attribute_named(change, reason):
    assert refusal(POSTS, {**POST, **change}) == reason


def test_the_first_missing_attribute_is_named():
    """A row missing several attributes every row needs is refused for the first of them in
    the file's attribute order."""
    row = {k: v for k, v in POST.items() if k not in ("Body", "LastActivityDate")}
    assert refusal(POSTS, row) == "the row has no Body attribute, which every row needs"


def _layout_memo(convert) -> dict:
    """The converter's memo of attribute layouts (a closure variable)."""
    index = convert.__code__.co_freevars.index("unknown_by_keys")
    return convert.__closure__[index].cell_contents


def test_unknown_attribute_layouts_are_kept_but_their_memo_stays_bounded():
    """A hostile dump giving every row its own unknown attribute loses none of them, and the
    converter's memo of layouts stops growing (import memory stays flat)."""
    columns, defaults = table_columns(TAGS.table)
    convert = build_converter(TAGS, columns, list(defaults))
    for number in range(MAX_REMEMBERED_LAYOUTS + 50):
        attributes = {"Id": str(number + 1), "TagName": f"t{number}", "Count": "0"}
        attributes[f"Odd{number}"] = "x"
        _values, extra = convert(attributes, number + 2)
        assert extra["set"][f"Odd{number}"] == "x"
    assert len(_layout_memo(convert)) == MAX_REMEMBERED_LAYOUTS

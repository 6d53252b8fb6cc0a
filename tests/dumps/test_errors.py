"""Bad input: a clear error naming the file, the line and the row id, and nothing imported."""

from __future__ import annotations

import pytest

from quaestio.accounts.models import User
from quaestio.dumps.errors import DumpError
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post
from tests.dumps.conftest import HEADER, MINIMAL, table_counts, write_dump

pytestmark = pytest.mark.django_db


def _refused(folder, quiet) -> DumpError:
    before = table_counts()
    with pytest.raises(DumpError) as caught:
        import_dump(folder, out=quiet)
    assert table_counts() == before, "a refused import must leave the database as it was"
    return caught.value


def test_malformed_xml_names_file_and_line(tmp_path, quiet):
    """An unclosed row in Votes.xml (the sixth file loaded) rolls back the five before it."""
    broken = (
        f"{HEADER}<votes>\r\n"
        '  <row Id="1" PostId="1" VoteTypeId="2" CreationDate="2014-01-21T00:00:00.000" />\r\n'
        '  <row Id="2" PostId="1" VoteTypeId="2" CreationDate="2014-01-21T00:00:00.000"\r\n'
        '  <row Id="3" PostId="1" VoteTypeId="2" CreationDate="2014-01-21T00:00:00.000" />\r\n'
        "</votes>"
    )
    files = {k: v for k, v in MINIMAL.items() if k != "Votes"}
    error = _refused(write_dump(tmp_path / "d", files, raw={"Votes": broken}), quiet)
    assert error.file == "Votes.xml"
    assert error.line == 5
    assert "malformed XML" in error.message
    assert not Post.objects.exists()


def test_row_missing_required_attribute(tmp_path, quiet):
    """A post without CreationDate is refused with its file, line and id."""
    files = dict(MINIMAL)
    files["Posts"] = [
        MINIMAL["Posts"][0],
        MINIMAL["Posts"][1].replace('CreationDate="2014-01-21T21:00:00.000" ', ""),
    ]
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert (error.file, error.line, error.row_id) == ("Posts.xml", 4, "2")
    assert "no CreationDate attribute" in error.message
    assert "Posts.xml, line 4, row Id=2" in str(error)


def test_duplicate_id_in_a_file(tmp_path, quiet):
    """The second row with an id already used in the same file is named."""
    files = dict(MINIMAL)
    files["Badges"] = MINIMAL["Badges"] * 2
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert (error.file, error.line, error.row_id) == ("Badges.xml", 4, "1")
    assert "appears twice" in error.message


def test_ids_colliding_with_existing_content(tmp_path, quiet):
    """A database that already holds a post with one of the dump's ids refuses the import
    and keeps its own post untouched."""
    owner = User.objects.create_user("ann@example.com", "Site Ann")
    Post.objects.create(id=2, post_type=1, title="Written here", owner=owner)
    error = _refused(write_dump(tmp_path / "d", MINIMAL), quiet)
    assert (error.file, error.line, error.row_id) == ("Posts.xml", 4, "2")
    assert "already taken" in error.message
    assert Post.objects.get(id=2).title == "Written here"


def test_rerunning_the_same_import_is_refused(tmp_path, quiet):
    """A second import of the same site changes nothing and says why."""
    folder = write_dump(tmp_path / "beer.stackexchange.com", MINIMAL)
    import_dump(folder, out=quiet)
    error = _refused(folder, quiet)
    assert "already imported" in error.message


def test_comment_on_a_missing_post(tmp_path, quiet):
    """Comments pointing at a post not in the dump mean a damaged file: refused by line."""
    files = dict(MINIMAL)
    files["Comments"] = MINIMAL["Comments"] + [
        '<row Id="2" PostId="404" Score="0" Text="orphan" CreationDate="2014-01-21T20:30:00.000" />'
    ]
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert (error.file, error.line, error.row_id) == ("Comments.xml", 4, "2")
    assert "PostId=404" in error.message


def test_value_of_the_wrong_type(tmp_path, quiet):
    """A score that is not a number and a date that is not a date are refused by line."""
    files = dict(MINIMAL)
    files["Comments"] = [MINIMAL["Comments"][0].replace('Score="0"', 'Score="lots"')]
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert (error.file, error.line, error.row_id) == ("Comments.xml", 3, "1")
    files["Comments"] = [MINIMAL["Comments"][0].replace("2014-01-21T20:30:00.000", "yesterday")]
    error = _refused(write_dump(tmp_path / "e", files), quiet)
    assert "is not a date" in error.message


def test_wrong_root_element(tmp_path, quiet):
    """Posts rows inside a <users> root (a file renamed by mistake) are refused."""
    posts = "".join(f"  {row}\r\n" for row in MINIMAL["Posts"])
    raw = {"Posts": f"{HEADER}<users>\r\n{posts}</users>"}
    files = {k: v for k, v in MINIMAL.items() if k != "Posts"}
    error = _refused(write_dump(tmp_path / "d", files, raw=raw), quiet)
    assert error.file == "Posts.xml"
    assert "<posts>" in error.message


def test_missing_required_file(tmp_path, quiet):
    """Posts.xml is the one file a dump cannot do without."""
    files = {k: v for k, v in MINIMAL.items() if k != "Posts"}
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert "Posts.xml is missing" in error.message

"""Exporting: the dump format, byte-exact round trips, and content created on the site."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quaestio.accounts.models import User
from quaestio.badges.models import Badge
from quaestio.comments.models import Comment
from quaestio.dumps.exporter import export_dump
from quaestio.dumps.generator import Options, generate
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post, PostHistory
from quaestio.votes.models import Vote
from tests.dumps.conftest import MINIMAL, wipe_site, write_dump

pytestmark = pytest.mark.django_db

FILES = ("Users", "Tags", "Posts", "PostHistory", "Comments", "Votes", "Badges", "PostLinks")


def _same_files(a, b) -> list[str]:
    return [n for n in FILES if (a / f"{n}.xml").read_bytes() != (b / f"{n}.xml").read_bytes()]


@pytest.mark.parametrize(
    "options",
    [Options(scale=0.05, seed=3), Options(scale=0.03, seed=9, era="2016", tag_format="pipe")],
    ids=["2023", "2016-pipe"],
)
def test_round_trip_is_byte_identical(tmp_path, quiet, options):
    """import -> export reproduces the dump's files byte for byte, and importing that export
    into a fresh database and exporting again gives the same bytes once more."""
    original = tmp_path / "site.example.com"
    generate(original, options)
    import_dump(original, out=quiet)
    first = tmp_path / "first"
    export_dump(first)
    assert _same_files(original, first) == []
    wipe_site()
    import_dump(first, site="site.example.com", out=quiet)
    second = tmp_path / "second"
    export_dump(second)
    assert _same_files(first, second) == []


def test_export_format(tmp_path, quiet):
    """BOM, XML declaration, root element, one row per line, CRLF, no line end at the end,
    dates with milliseconds."""
    import_dump(write_dump(tmp_path / "d", MINIMAL), out=quiet)
    export_dump(tmp_path / "out")
    raw = (tmp_path / "out" / "Posts.xml").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n')
    assert raw.endswith(b" />\r\n</posts>")
    lines = raw.split(b"\r\n")
    assert len(lines) == 5 and all(line.startswith(b"  <row Id=") for line in lines[2:4])
    assert b'CreationDate="2014-01-21T20:26:05.383"' in lines[2]


def test_site_content_is_exported_and_votes_anonymised(tmp_path, quiet):
    """Posts, revisions, votes and badges made on the site after an import are exported;
    votes lose their voter (except favourites and bounties) and their time of day; deleted
    posts are left out with their comments, as Stack Exchange does."""
    import_dump(write_dump(tmp_path / "d", MINIMAL), out=quiet)
    ann = User.objects.get(id=7)
    bob = User.objects.create_user("bob@example.com", "Bob")
    asked = datetime(2025, 3, 4, 15, 32, 7, 123000, tzinfo=UTC)
    question = Post.objects.create(
        post_type=1, title="New here?", body="<p>Yes.</p>", body_markdown="Yes.",
        owner=bob, creation_date=asked, last_activity_date=asked, tags="<hops>",
        answer_count=0, content_license="CC BY-SA 4.0",
    )  # fmt: skip
    PostHistory.objects.create(
        post=question, post_history_type=2, revision_guid="0f0f0f0f-0000-4000-8000-000000000001",
        creation_date=asked, user=bob, text="Yes.", content_license="CC BY-SA 4.0",
    )  # fmt: skip
    Vote.objects.create(post=question, vote_type=2, user=ann, creation_date=asked)
    Vote.objects.create(post=question, vote_type=5, user=ann, creation_date=asked)
    Badge.objects.create(user=bob, name="Student", date=asked, badge_class=3)
    gone = Post.objects.create(
        post_type=1, title="Deleted", owner=bob, deletion_date=asked, creation_date=asked
    )
    Comment.objects.create(post=gone, text="on a deleted post", creation_date=asked)

    export_dump(tmp_path / "out")
    posts = (tmp_path / "out" / "Posts.xml").read_text(encoding="utf-8-sig")
    assert f'<row Id="{question.id}" PostTypeId="1" CreationDate="2025-03-04T15:32:07.123"' in posts
    assert "New here?" in posts and "Deleted" not in posts
    history = (tmp_path / "out" / "PostHistory.xml").read_text(encoding="utf-8-sig")
    assert 'RevisionGUID="0f0f0f0f-0000-4000-8000-000000000001"' in history
    votes = (tmp_path / "out" / "Votes.xml").read_text(encoding="utf-8-sig").splitlines()
    upvote = next(v for v in votes if f'PostId="{question.id}" VoteTypeId="2"' in v)
    assert "UserId" not in upvote and 'CreationDate="2025-03-04T00:00:00.000"' in upvote
    favourite = next(v for v in votes if f'PostId="{question.id}" VoteTypeId="5"' in v)
    assert 'UserId="7"' in favourite
    comments = (tmp_path / "out" / "Comments.xml").read_text(encoding="utf-8-sig")
    assert "on a deleted post" not in comments
    badges = (tmp_path / "out" / "Badges.xml").read_text(encoding="utf-8-sig")
    assert f'UserId="{bob.id}" Name="Student" Date="2025-03-04T15:32:07.123"' in badges
    users = (tmp_path / "out" / "Users.xml").read_text(encoding="utf-8-sig")
    assert "bob@example.com" not in users and 'DisplayName="Bob"' in users


def test_an_edit_after_import_wins_over_the_original_html(tmp_path, quiet):
    """The dump's original Body is exported only while the post is as imported."""
    files = dict(MINIMAL)
    files["Posts"] = [
        MINIMAL["Posts"][0].replace(
            "What are hops?&lt;/p&gt;", 'What are &lt;a href=&quot;http://x.org&quot;&gt;hops&lt;/a&gt;?&lt;/p&gt;'
        ),
        MINIMAL["Posts"][1],
    ]  # fmt: skip
    import_dump(write_dump(tmp_path / "d", files), out=quiet)
    export_dump(tmp_path / "before")
    assert (tmp_path / "before" / "Posts.xml").read_bytes() == (
        tmp_path / "d" / "Posts.xml"
    ).read_bytes()
    Post.objects.filter(id=1).update(body="<p>Edited on the site.</p>")
    export_dump(tmp_path / "after")
    posts = (tmp_path / "after" / "Posts.xml").read_text(encoding="utf-8-sig")
    assert 'Body="&lt;p&gt;Edited on the site.&lt;/p&gt;"' in posts


def test_export_of_a_site_that_never_imported(tmp_path):
    """A site with only its Community user still writes all eight well-formed files."""
    counts = export_dump(tmp_path / "out")
    assert counts["Users"] == 1 and counts["Posts"] == 0
    assert (tmp_path / "out" / "Votes.xml").read_bytes().endswith(b"<votes>\r\n</votes>")


def test_attributes_without_a_column_survive_the_round_trip(tmp_path, quiet):
    """An attribute the model has no column for (EmailHash, or one from a future dump), an
    attribute present but empty, a date without milliseconds and a non-canonical number are
    all given back exactly by export."""
    files = dict(MINIMAL)
    files["Users"] = [
        MINIMAL["Users"][0],
        MINIMAL["Users"][1].replace(
            'DisplayName="Ann"', 'DisplayName="Ann" EmailHash="0f3e" FutureThing="x&amp;y"'
        ),
    ]
    files["Posts"] = [
        MINIMAL["Posts"][0].replace('Score="1"', 'Score="+1"'),
        MINIMAL["Posts"][1]
        .replace('CreationDate="2014-01-21T21:00:00.000"', 'CreationDate="2014-01-21T21:00:00"')
        .replace('CommentCount="0"', 'Title="" CommentCount="0"'),
    ]
    folder = write_dump(tmp_path / "d", files)
    import_dump(folder, out=quiet)
    assert Post.objects.get(id=1).score == 1
    export_dump(tmp_path / "out")
    assert _same_files(folder, tmp_path / "out") == []

"""Dumps made by the tests themselves: a small generated dump, and hand-written files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.db import connection

from quaestio.dumps.generator import Options, generate

SMALL = Options(scale=0.05, seed=3)  # 30 questions, about 1,300 rows


@pytest.fixture
def generated(tmp_path) -> Path:
    folder = tmp_path / "small.stackexchange.com"
    generate(folder, SMALL)
    return folder


@pytest.fixture
def quiet():
    """Where the importer's progress goes in tests."""
    return io.StringIO()


HEADER = '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n'

# The smallest consistent dump: a user, a question with an answer, their history, a comment.
MINIMAL = {
    "Users": [
        '<row Id="-1" Reputation="1" CreationDate="2014-01-21T17:45:53.587" DisplayName="Community" LastAccessDate="2014-01-21T17:45:53.587" Views="0" UpVotes="0" DownVotes="0" />',
        '<row Id="7" Reputation="101" CreationDate="2014-01-21T18:00:00.000" DisplayName="Ann" LastAccessDate="2014-02-01T10:00:00.000" Views="3" UpVotes="1" DownVotes="0" />',
    ],
    "Tags": ['<row Id="1" TagName="hops" Count="1" />'],
    "Posts": [
        '<row Id="1" PostTypeId="1" AcceptedAnswerId="2" CreationDate="2014-01-21T20:26:05.383" Score="1" ViewCount="10" Body="&lt;p&gt;What are hops?&lt;/p&gt;&#xA;" OwnerUserId="7" LastActivityDate="2014-01-21T20:26:05.383" Title="What are hops?" Tags="&lt;hops&gt;" AnswerCount="1" CommentCount="1" />',
        '<row Id="2" PostTypeId="2" ParentId="1" CreationDate="2014-01-21T21:00:00.000" Score="0" Body="&lt;p&gt;Flowers.&lt;/p&gt;&#xA;" OwnerUserId="7" LastActivityDate="2014-01-21T21:00:00.000" CommentCount="0" />',
    ],
    "PostHistory": [
        '<row Id="1" PostHistoryTypeId="2" PostId="1" RevisionGUID="a17002a0-00b0-417b-a404-0d8864bbbca5" CreationDate="2014-01-21T20:26:05.383" UserId="7" Text="What are hops?" />',
        '<row Id="2" PostHistoryTypeId="2" PostId="2" RevisionGUID="b17002a0-00b0-417b-a404-0d8864bbbca5" CreationDate="2014-01-21T21:00:00.000" UserId="7" Text="Flowers." />',
    ],
    "Comments": [
        '<row Id="1" PostId="1" Score="0" Text="Good one" CreationDate="2014-01-21T20:30:00.000" UserId="7" />'
    ],
    "Votes": ['<row Id="1" PostId="1" VoteTypeId="2" CreationDate="2014-01-21T00:00:00.000" />'],
    "Badges": [
        '<row Id="1" UserId="7" Name="Student" Date="2014-01-21T20:52:16.970" Class="3" TagBased="False" />'
    ],
    "PostLinks": [],
}


def write_dump(
    folder: Path, files: dict[str, list[str]], raw: dict[str, str] | None = None
) -> Path:
    """Write hand-made dump files: rows as given, or a file's whole text in `raw`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        body = "".join(f"  {row}\r\n" for row in rows)
        text = f"{HEADER}<{name.lower()}>\r\n{body}</{name.lower()}>"
        (folder / f"{name}.xml").write_text(text, encoding="utf-8", newline="")
    for name, text in (raw or {}).items():
        (folder / f"{name}.xml").write_text(text, encoding="utf-8", newline="")
    return folder


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in (
            "accounts_user",
            "posts_post",
            "posts_posthistory",
            "comments_comment",
            "votes_vote",
            "badges_badge",
            "posts_postlink",
            "tags_tag",
            "tags_posttag",
            "dumps_dumpimport",
            "dumps_dumpextra",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def wipe_site() -> None:
    """Empty every table a dump fills, as a fresh data directory would be (Community too)."""
    with connection.cursor() as cursor:
        for table in (
            # Rows derived from the posts and users (every table that points at them).
            "sources_postsource",
            "linkcheck_postlink",
            "tags_usertagscore",
            "tags_posttag",
            "dumps_dumpextra",
            "dumps_dumpimport",
            "badges_badge",
            "votes_vote",
            "comments_comment",
            "posts_postlink",
            "posts_posthistory",
            "tags_tag",
            "posts_post",
            "accounts_user",
        ):
            cursor.execute(f"DELETE FROM {table}")

"""A dump's post notices (PostHistory 33/34) become notices of this site: the right kind and
text where the dump tells it (our export's Text, or a bounty started with the notice), shown
under the post, found by `hasnotice:` and ended by their removal rows. A small hand-made dump."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from lxml import html as lxml_html

from quaestio.dumps.importer import import_dump
from quaestio.moderation import notices
from quaestio.moderation.models import PostNotice
from quaestio.moderation.notice_import import imported_kind, kind_from_text
from quaestio.search.selectors import search_ids
from tests.dumps.conftest import MINIMAL, write_dump
from tests.moderation.states_support import moderator

pytestmark = pytest.mark.django_db

GUID = "f17002a0-00b0-417b-a404-0d8864bb{:04d}"
QUESTION_3 = (
    '<row Id="3" PostTypeId="1" CreationDate="2015-01-21T20:26:05.383" Score="2" ViewCount="10"'
    ' Body="&lt;p&gt;Who brewed the first lager?&lt;/p&gt;" OwnerUserId="7"'
    ' LastActivityDate="2015-01-21T20:26:05.383" Title="Who brewed the first lager?"'
    ' Tags="&lt;hops&gt;" AnswerCount="0" CommentCount="0" />'
)
OBSOLETE_TEXT = (
    "{&quot;Voters&quot;:[{&quot;Id&quot;:7,&quot;DisplayName&quot;:&quot;Ann&quot;}],"
    "&quot;NoticeType&quot;:&quot;obsolete&quot;}"
)


def _history(row_id: int, kind: int, post: int, date: str, user: int, comment: str, text=""):
    text_attr = f' Text="{text}"' if text else ""
    return (
        f'<row Id="{row_id}" PostHistoryTypeId="{kind}" PostId="{post}"'
        f' RevisionGUID="{GUID.format(row_id)}" CreationDate="{date}" UserId="{user}"'
        f' Comment="{comment}"{text_attr} />'
    )


def _import(tmp_path) -> None:
    files = dict(MINIMAL)
    files["Posts"] = MINIMAL["Posts"] + [QUESTION_3]
    files["PostHistory"] = MINIMAL["PostHistory"] + [
        '<row Id="3" PostHistoryTypeId="2" PostId="3" RevisionGUID="c17002a0-00b0-417b-a404-0d8864bbbca5" CreationDate="2015-01-21T20:26:05.383" UserId="7" Text="Who brewed the first lager?" />',
        # Question 1: a bounty's notice, added with the bounty and removed by Community.
        _history(20, 33, 1, "2015-03-17T16:31:03.567", 7, "11"),
        _history(21, 34, 1, "2015-03-25T18:12:06.443", -1, "11"),
        # Answer 2: a notice written by our own export, its kind in the Text.
        _history(22, 33, 2, "2015-04-09T05:37:01.447", 7, "12", OBSOLETE_TEXT),
        # Question 3: a bounty's notice still standing, and before it a moderator's notice
        # of unknown kind, removed.
        _history(23, 33, 3, "2015-05-01T10:00:00.000", 7, "13"),
        _history(24, 34, 3, "2015-05-02T10:00:00.000", 7, "13"),
        _history(25, 33, 3, "2015-06-03T09:09:16.780", 7, "14"),
    ]
    files["Votes"] = MINIMAL["Votes"] + [
        '<row Id="2" PostId="1" VoteTypeId="8" UserId="7" CreationDate="2015-03-17T00:00:00.000" BountyAmount="50" />',
        '<row Id="3" PostId="1" VoteTypeId="9" CreationDate="2015-03-25T00:00:00.000" BountyAmount="50" />',
        '<row Id="4" PostId="3" VoteTypeId="8" UserId="7" CreationDate="2015-06-03T00:00:00.000" BountyAmount="50" />',
    ]
    folder = write_dump(tmp_path / "notes.stackexchange.com", files)
    import_dump(folder, out=io.StringIO())


def test_imported_notices_keep_their_ids_kinds_and_removals(tmp_path):
    """Four notices: the bounty's on question 1 (ended by its removal), our export's Obsolete
    on answer 2, an unknown moderator notice on question 3 (removed) and a bounty's standing
    there; the dump's ids are kept and a new notice gets an id above them."""
    _import(tmp_path)
    rows = {
        n.id: (n.post_id, n.kind, n.removed_date is not None, n.removed_by_id)
        for n in PostNotice.objects.all()
    }
    assert rows == {
        11: (1, "bounty", True, -1),
        12: (2, "obsolete", False, None),
        13: (3, "imported", True, 7),
        14: (3, "bounty", False, None),
    }
    added = notices.notice_add(moderator(), 1, "current_event")
    assert added.notice_id > 14


def test_imported_notices_show_their_kind_and_are_searched(tmp_path):
    """The question page shows answer 2's "Obsolete" box with its standard text, not a generic
    "Post notice"; hasnotice:yes finds the posts with a standing notice, hasnotice:no the
    other."""
    _import(tmp_path)
    response = Client().get("/questions/1/x", follow=True)
    tree = lxml_html.fromstring(response.content.decode())
    box = tree.cssselect("#answer-2 .post-notice")[0].text_content()
    assert "Obsolete" in box and notices.NOTICE_KINDS_BY_KEY["obsolete"].text in box
    assert not tree.cssselect("#question .post-notice")
    page = Client().get("/questions/3/x", follow=True).content.decode()
    assert (
        "Bounty" in lxml_html.fromstring(page).cssselect("#question .post-notice")[0].text_content()
    )
    assert set(search_ids("hasnotice:yes", limit=10)[0]) == {2, 3}
    assert set(search_ids("hasnotice:no", limit=10)[0]) == {1}


def test_kind_inference_reads_only_what_it_knows():
    """Text that is not our JSON, or names no known kind, says nothing; a bounty start says
    bounty; else the kind stays unknown."""
    assert kind_from_text('{"Voters":[],"NoticeType":"citation_needed"}') == "citation_needed"
    assert kind_from_text('{"NoticeType":"<script>"}') == ""
    assert kind_from_text("not json {") == "" and kind_from_text(None) == ""
    assert imported_kind("", started_bounty=True) == "bounty"
    assert imported_kind("", started_bounty=False) == "imported"

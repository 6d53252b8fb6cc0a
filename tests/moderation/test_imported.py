"""A real dump's closing shows like one made here: the coffee.meta dump (in ../shared) has a
question closed as a duplicate by a moderator, with its PostHistory type 10 row and its
PostLinks type 3 row."""

from __future__ import annotations

import io

import pytest

from quaestio.dumps.importer import import_dump
from quaestio.moderation.selectors import close_state
from tests.dumps.test_real_dumps import DUMPS

SITE = DUMPS / "coffee.meta.stackexchange.com"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.django_db,
    pytest.mark.skipif(not SITE.is_dir(), reason="../shared/data/se-dumps is not here"),
]


def test_imported_duplicate_shows_its_notice_and_api_details(api):
    """Question 1177 of coffee.meta, closed in 2016 by Nick Udell as a duplicate of 1134:
    close_state gives the notice with the closer and the original, and the API's
    closed_details says the same."""
    import_dump(SITE, out=io.StringIO())
    state = close_state(1177, None)
    notice = state.notice
    assert state.title_suffix == " [duplicate]" and notice.is_duplicate
    assert [c.display_name for c in notice.closed_by] == ["Nick Udell"]
    assert notice.closed_by[0].user_id == 25
    assert [(o.id, o.title) for o in notice.originals] == [
        (1134, "How do we get more participation?")
    ]
    _, created = api.get("filters/create", include="question.closed_details")
    _, body = api.get("questions/1177", filter=created["items"][0]["filter"])
    details = body["items"][0]["closed_details"]
    assert details["reason"] == "Duplicate"
    assert details["by_users"][0]["display_name"] == "Nick Udell"
    assert details["original_questions"][0]["question_id"] == 1134

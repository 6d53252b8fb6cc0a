"""The curation rooms on the question page itself: the closed notice with a duplicate's
originals, the menu's Close, Lock and Timeline as the viewer may use them, and the lock and
post notice boxes, through the real views and renderer."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import html as lxml_html

from quaestio.moderation import locks, notices
from quaestio.moderation.services import close_vote_cast
from tests.moderation.states_support import answer, logged_in, moderator
from tests.moderation.support import question, user, voters

pytestmark = pytest.mark.django_db


def _page(client: Client, question_id: int):
    response = client.get(f"/questions/{question_id}/x", follow=True)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _menu_links(tree) -> list[str]:
    return [a.text_content() for a in tree.cssselect("#question .post-menu a")]


def test_closed_duplicate_shows_its_originals_on_the_question_page():
    """A question closed as a duplicate of another shows, above itself, "This question already
    has answers here:" with a link to the original, the reason's text and who closed it."""
    original = question(user(10), title="How did <Caesar> bridge the Rhine?")
    duplicate = question(user(10))
    closers = voters(3)
    for voter in closers:
        close_vote_cast(voter, duplicate.id, "duplicate", originals=[original.id])
    tree = _page(Client(), duplicate.id)
    notice = tree.cssselect(".closed-notice")[0]
    assert "This question already has answers here:" in notice.text_content()
    link = notice.cssselect(".duplicate-originals a")[0]
    assert link.text_content() == "How did <Caesar> bridge the Rhine?"  # escaped, read back
    assert link.get("href").startswith(f"/questions/{original.id}/")
    assert closers[0].display_name in notice.cssselect(".closed-by")[0].text_content()
    assert "[duplicate]" in tree.cssselect(".question-title")[0].text_content()


def test_three_k_user_sees_close_and_an_anonymous_reader_does_not():
    """The Close link goes to the dialog for a 3,000-reputation user, with the standing votes;
    an anonymous reader is offered neither Close nor Lock, but everyone gets the Timeline."""
    q = question(user(10))
    close_vote_cast(voters(1)[0], q.id, "needs_focus")
    signed_in = _page(logged_in(user(3000)), q.id)
    close = [
        a for a in signed_in.cssselect("#question .post-menu a") if a.text_content() == "Close (1)"
    ]
    assert close and close[0].get("href") == f"/questions/{q.id}/close"
    anonymous = _menu_links(_page(Client(), q.id))
    assert not [label for label in anonymous if label.startswith(("Close", "Lock"))]
    assert "Timeline" in anonymous


def test_moderator_sees_lock_and_a_locked_post_shows_its_notice():
    """A moderator's menu offers Lock on the question and its answers; once the answer is locked
    it shows the lock's notice to every reader, and the moderator is offered Unlock there."""
    q = question(user(10))
    a = answer(q, user(10))
    mod = moderator()
    links = _page(logged_in(mod), q.id).cssselect(f'.post-menu a[href="/posts/{a.id}/lock"]')
    assert links and links[0].text_content() == "Lock"
    assert "Lock" in _menu_links(_page(logged_in(mod), q.id))
    locks.post_lock(mod, a.id, "content_dispute", None)
    box = _page(Client(), q.id).cssselect(".notice.locked")[0].text_content()
    assert "Locked (Content dispute)" in box
    assert _page(logged_in(mod), q.id).cssselect(f'.post-menu a[href="/posts/{a.id}/unlock"]')


def test_post_notice_box_shows_on_the_page():
    """A moderator's "citation needed" notice shows in a box on the post for every reader."""
    q = question(user(10))
    notices.notice_add(moderator(), q.id, "citation_needed")
    box = _page(Client(), q.id).cssselect(".notice.post-notice")[0].text_content()
    assert "Citation needed" in box

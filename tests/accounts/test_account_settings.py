"""Settings (issue 18.1): display name with Stack Exchange's change limit, About me in
Markdown, e-mail change confirmed at the new address, password change that logs out other
sessions, and deleting one's account (posts stay, credited to userN; votes discarded)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add
from quaestio.core.links import question_url, user_url
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post
from quaestio.votes.services import vote_set

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a completely new passphrase"
ANSWER = "An answer long enough to pass the minimum, about bridges and boats of the legions."


def _logged_in(user) -> Client:
    client = Client()
    assert (
        client.post("/users/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def _profile_form(user, **changes) -> dict:
    return {
        "display_name": user.display_name,
        "about_me": user.about_me_markdown,
        "location": user.location,
        "website_url": user.website_url,
    } | changes


# --- profile fields ------------------------------------------------------------------------------


def test_display_name_changes_once_per_thirty_days(make_user):
    """A first change is taken; a second within 30 days is refused with the date it becomes
    possible, and nothing changes; after 30 days it is taken."""
    user = make_user(name="First Name")
    client = _logged_in(user)
    assert (
        client.post("/users/edit", _profile_form(user, display_name="Second Name")).status_code
        == 302
    )
    user.refresh_from_db()
    assert user.display_name == "Second Name" and user.display_name_changed_at is not None
    response = client.post(
        "/users/edit", _profile_form(user, display_name="Third Name", location="Rome")
    )
    assert response.status_code == 400
    assert "once every 30 days" in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.location) == ("Second Name", "")
    # Other fields change freely meanwhile.
    assert client.post("/users/edit", _profile_form(user, location="Rome")).status_code == 302
    User.objects.filter(id=user.id).update(
        display_name_changed_at=timezone.now() - timedelta(days=31)
    )
    user.refresh_from_db()
    assert (
        client.post("/users/edit", _profile_form(user, display_name="Third Name")).status_code
        == 302
    )
    user.refresh_from_db()
    assert user.display_name == "Third Name"


@override_settings(QUAESTIO_DISPLAY_NAME_CHANGE_DAYS=0)
def test_display_name_limit_is_a_setting(make_user):
    """QUAESTIO_DISPLAY_NAME_CHANGE_DAYS=0 lets a name change as often as wanted."""
    user = make_user(name="First Name")
    client = _logged_in(user)
    for name in ("Second Name", "Third Name"):
        assert client.post("/users/edit", _profile_form(user, display_name=name)).status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Third Name"


def test_about_me_is_markdown_rendered_and_sanitised_on_the_profile(make_user):
    """About me is stored as Markdown and shown as sanitised HTML: emphasis kept, script gone;
    the edit form has its preview area."""
    user = make_user()
    client = _logged_in(user)
    assert 'id="about-preview"' in client.get("/users/edit").content.decode()
    about = "I study **Roman roads**.\n\n<script>alert(1)</script>"
    assert client.post("/users/edit", _profile_form(user, about_me=about)).status_code == 302
    user.refresh_from_db()
    html = Client().get(user_url(user.id, user.display_name)).content.decode()
    assert "<strong>Roman roads</strong>" in html
    assert "<script>alert(1)" not in html


def test_settings_of_someone_else_are_not_found(make_user):
    """/users/edit/<id> is one's own settings; another's id is a 404."""
    user, other = make_user(), make_user()
    client = _logged_in(user)
    assert client.get(f"/users/edit/{user.id}")["Location"] == "/users/edit"
    assert client.get(f"/users/edit/{other.id}").status_code == 404


def test_settings_navigation_links_the_email_preferences(make_user):
    """The settings pages link /users/preferences (the inbox's e-mail preferences)."""
    client = _logged_in(make_user())
    for page in ("/users/edit", "/users/edit/email", "/users/edit/password", "/users/delete"):
        assert 'href="/users/preferences"' in client.get(page).content.decode(), page


# --- e-mail --------------------------------------------------------------------------------------


def _confirm_link(mail) -> str:
    return re.search(r"https?://\S+(/users/edit/email/confirm/\S+)", mail.body).group(1)


def test_email_change_is_confirmed_by_a_link_sent_to_the_new_address(make_user, mailoutbox):
    """The new address gets a link, the old one a notice; the address changes only when the
    link's button is pressed, and the link works once."""
    user = make_user()
    old = user.email
    client = _logged_in(user)
    response = client.post(
        "/users/edit/email", {"new_email": "New@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    assert {m.to[0] for m in mailoutbox} == {"new@example.org", old}
    link = _confirm_link(next(m for m in mailoutbox if m.to == ["new@example.org"]))
    assert client.get(link).status_code == 200  # a button: opening the link changes nothing
    user.refresh_from_db()
    assert user.email == old
    assert Client().post(link).status_code == 200
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert Client().post(link).status_code == 404  # used
    assert (
        Client()
        .post("/users/login", {"email": "new@example.org", "password": PASSWORD})
        .status_code
        == 302
    )


def test_email_change_refuses_wrong_password_and_bad_address(make_user, mailoutbox):
    """A wrong password or an invalid address is named; no mail is sent."""
    user = make_user()
    client = _logged_in(user)
    wrong = client.post("/users/edit/email", {"new_email": "x@example.org", "password": "nope"})
    assert wrong.status_code == 400 and "password is not correct" in wrong.content.decode()
    bad = client.post("/users/edit/email", {"new_email": "not-an-address", "password": PASSWORD})
    assert bad.status_code == 400 and "valid e-mail address" in bad.content.decode()
    assert mailoutbox == []


def test_email_of_another_account_gets_no_link(make_user, mailoutbox):
    """Asking for an address another account uses: the same page, but that address is told
    instead of receiving a link, and nothing changes."""
    user, other = make_user(), make_user()
    client = _logged_in(user)
    response = client.post("/users/edit/email", {"new_email": other.email, "password": PASSWORD})
    assert "Check your e-mail" in response.content.decode()
    to_other = [m for m in mailoutbox if m.to == [other.email]]
    assert len(to_other) == 1 and "/users/edit/email/confirm/" not in to_other[0].body
    user.refresh_from_db()
    assert user.email != other.email


def test_a_forged_or_tampered_link_changes_nothing(make_user):
    """A confirmation token that was not signed by the site is refused."""
    user = make_user()
    response = Client().post("/users/edit/email/confirm/eyJ1c2VyIjoxfQ:abc:def")
    assert response.status_code == 404
    user.refresh_from_db()
    assert user.email.endswith("@example.org")


# --- password ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]
)
def test_password_change_logs_out_every_other_session(make_user, engine):
    """The session that changes the password stays logged in; another browser's session ends
    (with the database and the cached sessions alike); the old password no longer works."""
    with override_settings(SESSION_ENGINE=engine):
        user = make_user()
        here, elsewhere = _logged_in(user), _logged_in(user)
        assert elsewhere.get("/users/edit").status_code == 200
        response = here.post("/users/edit/password", {"current": PASSWORD, "new": NEW_PASSWORD})
        assert response.status_code == 302
        assert "other session" in here.get(response["Location"]).content.decode()
        assert here.get("/users/edit").status_code == 200
        assert elsewhere.get("/users/edit").status_code == 302  # to the log-in page
        assert "_auth_user_id" not in elsewhere.session
        assert (
            Client().post("/users/login", {"email": user.email, "password": PASSWORD}).status_code
            == 400
        )
        assert (
            Client()
            .post("/users/login", {"email": user.email, "password": NEW_PASSWORD})
            .status_code
            == 302
        )


def test_password_change_needs_the_current_password_and_a_strong_new_one(make_user):
    """A wrong current password or a weak new one is named, and the password stays."""
    user = make_user()
    client = _logged_in(user)
    wrong = client.post("/users/edit/password", {"current": "nope", "new": NEW_PASSWORD})
    assert wrong.status_code == 400 and "password is not correct" in wrong.content.decode()
    weak = client.post("/users/edit/password", {"current": PASSWORD, "new": "123"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- deleting the account ------------------------------------------------------------------------


@pytest.fixture
def leaver_site(make_user, ask):
    """A user who asked, answered, commented and voted on someone else's question."""
    leaver = make_user(reputation=200, name="Leaving Lucius")
    asker = make_user(reputation=1, name="Staying Stella")
    question = ask(asker, title="How did Roman legions cross the Danube?")
    own_question = ask(leaver, title="What did Roman engineers use for mortar?")
    answer = answer_post(leaver, question.id, body=ANSWER)
    comment = comment_add(leaver, question.id, "Trajan's bridge is worth reading about.")
    vote_set(leaver, question.id, "up")
    asker.refresh_from_db()
    return {
        "leaver": leaver,
        "asker": asker,
        "question": question,
        "own_question": own_question,
        "answer": answer,
        "comment": comment,
        "asker_reputation": asker.reputation,
    }


def test_deleting_the_account_keeps_posts_credited_to_user_n(leaver_site):
    """Posts and comments stay, credited to `user<id>` as plain text; the profile is gone;
    the user's upvote is discarded (score and the asker's reputation go back); the address
    and password are cleared and the person is logged out and cannot log in again."""
    s = leaver_site
    leaver = s["leaver"]
    client = _logged_in(leaver)
    elsewhere = _logged_in(leaver)
    response = client.post("/users/delete", {"password": PASSWORD, "confirm": "yes"})
    assert response.status_code == 200
    name = f"user{leaver.id}"
    assert name in response.content.decode()
    assert Post.objects.get(id=s["answer"].id).owner_display_name == name
    assert Post.objects.get(id=s["own_question"].id).owner_id is None
    assert Comment.objects.get(id=s["comment"].id).user_display_name == name
    question = Post.objects.get(id=s["question"].id)
    assert question.score == 0
    s["asker"].refresh_from_db()
    assert s["asker"].reputation == s["asker_reputation"] - 10
    page = Client().get(question_url(question.id, question.title)).content.decode()
    assert f'<span class="user-name deleted-user">{name}</span>' in page
    assert "Leaving Lucius" not in page
    assert Client().get(user_url(leaver.id, "x")).status_code == 404
    row = User.objects.get(id=leaver.id)
    assert (row.display_name, row.email, row.is_active) == (name, None, False)
    assert row.deleted_date is not None and not row.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert elsewhere.get("/users/edit").status_code == 302
    login = Client().post("/users/login", {"email": leaver.email, "password": PASSWORD})
    assert login.status_code == 400
    # The address is free for a new account.
    assert not User.objects.filter(email=leaver.email).exists()


def test_deleting_needs_the_box_ticked_and_the_password(leaver_site):
    """Without the confirmation or with a wrong password, nothing changes."""
    leaver = leaver_site["leaver"]
    client = _logged_in(leaver)
    unticked = client.post("/users/delete", {"password": PASSWORD})
    assert unticked.status_code == 400 and "Tick the box" in unticked.content.decode()
    wrong = client.post("/users/delete", {"password": "nope", "confirm": "yes"})
    assert wrong.status_code == 400
    leaver.refresh_from_db()
    assert leaver.deleted_date is None and leaver.is_active
    assert Post.objects.get(id=leaver_site["answer"].id).owner_id == leaver.id


def test_moderators_cannot_delete_their_account(make_user):
    """A moderator steps down first: the page says so and a POST is refused."""
    moderator = make_user(is_moderator=True)
    client = _logged_in(moderator)
    assert "Moderators cannot delete" in client.get("/users/delete").content.decode()
    response = client.post("/users/delete", {"password": PASSWORD, "confirm": "yes"})
    assert response.status_code == 403
    moderator.refresh_from_db()
    assert moderator.deleted_date is None


def test_deleted_accounts_leave_the_users_list_and_the_api(leaver_site):
    """The users page and the API's /users/{ids} no longer show a deleted account."""
    leaver = leaver_site["leaver"]
    assert Client().get(f"/2.3/users/{leaver.id}").json()["items"]
    _logged_in(leaver).post("/users/delete", {"password": PASSWORD, "confirm": "yes"})
    html = Client().get("/users").content.decode()
    assert f"user{leaver.id}" not in html and "Staying Stella" in html
    assert Client().get(f"/2.3/users/{leaver.id}").json()["items"] == []

"""Sign up, log in and out, password reset and profile editing through the real pages."""

from __future__ import annotations

import re

import pytest

from quaestio.accounts.models import User
from quaestio.accounts.services import LOGIN_FAILURES_PER_ACCOUNT_ADDRESS

PASSWORD = "correct horse battery"


def _signup(client, **fields):
    data = {"display_name": "Ada Lovelace", "email": "ada@example.org", "password": PASSWORD}
    return client.post("/users/signup", data | fields)


def test_signup_creates_account_with_argon2_and_logs_in(client, db, mailoutbox):
    """Signing up e-mails a link; following it makes the account (an Argon2 hash, 1
    reputation) and starts a session."""
    response = _signup(client)
    assert response.status_code == 200
    assert not User.objects.filter(email="ada@example.org").exists()
    link = re.search(r"https?://\S+(/users/signup/confirm/\S+)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200  # a page with a button: opening confirms nothing
    assert not User.objects.filter(email="ada@example.org").exists()
    response = client.post(link)
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.org")
    assert user.password.startswith("argon2")
    assert user.reputation == 1 and user.display_name == "Ada Lovelace"
    assert client.session["_auth_user_id"] == str(user.id)
    assert "Ada Lovelace" in client.get("/").content.decode()
    assert client.post(link).status_code == 404  # the link works once


def test_signup_form_explains_every_problem_and_keeps_input(client, db):
    """A bad e-mail, short name and weak password are all named; nothing is created."""
    response = _signup(client, display_name="A", email="nope", password="123")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Display name must be 3 to 30 characters" in html
    assert "valid e-mail address" in html
    assert "too short" in html
    assert 'value="nope"' in html
    assert not User.objects.filter(id__gt=0).exists()


def test_login_and_logout(client, make_user):
    """Log in with e-mail and password; log out is a POST and ends the session."""
    user = make_user()
    response = client.post("/users/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get("/users/logout").status_code == 405
    client.post("/users/logout")
    assert "_auth_user_id" not in client.session


def test_login_redirects_only_to_this_site(client, make_user):
    """?next= to another host is ignored (no open redirect)."""
    user = make_user()
    response = client.post(
        "/users/login?next=https://evil.example/", {"email": user.email, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_wrong_password_is_refused_and_login_is_rate_limited(client, make_user):
    """After 5 failures from one address, that address is refused for the account for 15
    minutes, even with the right password."""
    user = make_user()
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        response = client.post("/users/login", {"email": user.email, "password": "wrong"})
        assert response.status_code == 400
    response = client.post("/users/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, make_user, mailoutbox):
    """The reset e-mail carries a single-use link that sets a new password."""
    user = make_user()
    response = client.post("/users/password/reset", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"/users/password/reset/\S+/\S+", mailoutbox[0].body).group(0)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new secret phrase", "new_password2": "a new secret phrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new secret phrase")


def test_password_reset_for_unknown_address_sends_nothing(client, db, mailoutbox):
    """No account, no mail, and the same answer (no account enumeration)."""
    response = client.post("/users/password/reset", {"email": "nobody@example.org"})
    assert response.status_code == 302 and mailoutbox == []


def test_profile_edit_renders_about_me_markdown_safely(client, make_user):
    """About me is stored as Markdown and sanitised HTML; scripts are dropped."""
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/users/edit",
        {
            "display_name": "New Name",
            "about_me": "I like **Rome**. <script>alert(1)</script>",
            "location": "Ostia",
            "website_url": "https://example.org",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "New Name" and user.location == "Ostia"
    assert "<strong>Rome</strong>" in user.about_me and "<script" not in user.about_me
    assert user.about_me_markdown.startswith("I like **Rome**")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "  JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org",
        "example.org",
        "https://",
    ],
)
def test_profile_website_must_be_http(client, make_user, url):
    """Only http(s) websites are accepted; nothing is saved otherwise."""
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/users/edit",
        {"display_name": user.display_name, "about_me": "", "location": "", "website_url": url},
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.website_url == ""


def test_forms_need_csrf_token(db, make_user):
    """Django's CSRF check guards the account forms."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/users/signup", {"display_name": "Mallory", "email": "m@example.org"})
    assert response.status_code == 403


def test_inbox_lists_notifications_and_marks_them_read(client, make_user):
    """The inbox shows the user's notifications and marks them read."""
    from quaestio.notifications.models import Notification

    user = make_user()
    Notification.objects.create(user=user, kind="mention", summary="hello there", url="/q/1")
    client.force_login(user)
    response = client.get("/users/inbox")
    assert "hello there" in response.content.decode()
    assert Notification.objects.get().read_date is not None


def test_signups_per_address_are_limited(client, db):
    """The eleventh sign-up attempt within an hour from one address is refused with 429."""
    from quaestio.accounts.services import SIGNUPS_PER_ADDRESS_PER_HOUR

    for n in range(SIGNUPS_PER_ADDRESS_PER_HOUR):
        client.post("/users/signup", {"display_name": "x", "email": f"bad{n}", "password": "p"})
    response = _signup(client)
    assert response.status_code == 429
    assert not User.objects.filter(email="ada@example.org").exists()

"""Privacy (issue 21 point 5): a person downloads everything the site holds about them, as
JSON and in the dump format; the site owner exports the same on request; IP addresses are
forgotten after the set days; every export is recorded."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from lxml import etree

from quaestio.accounts.models import PrivacyRecord, UserAddress
from quaestio.accounts.privacy import forget_old_addresses, personal_data

ANSWER = "An answer long enough to pass the minimum: rivers were crossed on pontoon bridges."


def _history(make_user, ask):
    """A writer with a live question, a deleted answer, a comment, a vote and an address, and
    a moderator's private note about them."""
    from quaestio.accounts.moderating import annotation_add
    from quaestio.comments.services import comment_add
    from quaestio.posts.services import answer_post, post_delete
    from quaestio.votes.services import vote_set

    writer = make_user(reputation=500, name="Private Person")
    other = make_user(reputation=500, name="Somebody Else")
    question = ask(user=writer, title="What did Roman engineers use for mortar?")
    elsewhere = ask(user=other, title="How were Roman roads drained after storms?")
    deleted = answer_post(writer, elsewhere.id, body=ANSWER)
    post_delete(writer, deleted.id)
    comment_add(writer, elsewhere.id, "A comment of mine that the export must carry along.")
    vote_set(writer, elsewhere.id, "up")
    UserAddress.objects.create(user=writer, address="192.0.2.44")
    moderator = make_user(reputation=1, is_moderator=True)
    annotation_add(moderator, writer.id, "Moderators' own note: watch for sock puppets.")
    return writer, question, deleted


def test_the_export_holds_everything_about_the_person_and_no_secrets(make_user, ask):
    """data.json has the account, posts (the deleted one too), comments, votes and addresses;
    not the password hash, nor the moderators' note about them."""
    writer, question, deleted = _history(make_user, ask)
    data = personal_data(writer)
    text = json.dumps(data, default=str)
    assert data["user"]["display_name"] == "Private Person"
    post_ids = {row["id"] for row in data["posts.Post"]["owner"]}
    assert {question.id, deleted.id} <= post_ids
    assert "A comment of mine" in text and "192.0.2.44" in text
    assert data["votes.Vote"]["user"][0]["post_id"] != question.id
    assert "password" not in data["user"] and "argon2" not in text and "pbkdf2" not in text
    assert "sock puppets" not in text


def test_downloading_from_the_site_gives_a_zip_once_an_hour(make_user, ask):
    """The page needs a login; the POST (CSRF-checked) sends a zip with data.json and the dump
    files of the person's own rows; a second request within the hour is refused; the export is
    recorded."""
    writer, question, deleted = _history(make_user, ask)
    assert Client().get("/users/data-export").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(writer)
    assert strict.post("/users/data-export").status_code == 403

    client = Client()
    client.force_login(writer)
    response = client.post("/users/data-export")
    assert response.status_code == 200
    assert f"user{writer.id}.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {"data.json", "README.txt", "dump/Posts.xml", "dump/Users.xml"} <= set(
        archive.namelist()
    )
    posts = etree.fromstring(archive.read("dump/Posts.xml"))
    assert {int(row.get("Id")) for row in posts} == {question.id, deleted.id}
    users = etree.fromstring(archive.read("dump/Users.xml"))
    assert [row.get("DisplayName") for row in users] == ["Private Person"]

    again = client.post("/users/data-export")
    assert again.status_code == 429 and "an hour" in again.content.decode()
    assert PrivacyRecord.objects.filter(user_id=writer.id, kind="export").count() == 1


def test_addresses_are_forgotten_after_the_retention_days(make_user, settings):
    settings.QUAESTIO_IP_RETENTION_DAYS = 90
    user = make_user()
    now = timezone.now()
    UserAddress.objects.create(user=user, address="192.0.2.1", last_seen=now - timedelta(days=91))
    UserAddress.objects.create(user=user, address="192.0.2.2", last_seen=now - timedelta(days=89))
    assert forget_old_addresses(now) == 1
    assert list(UserAddress.objects.values_list("address", flat=True)) == ["192.0.2.2"]


def test_the_site_owner_exports_a_user_from_the_command_line(tmp_path):
    """`quaestio user export ID --output FILE` writes the same zip for a data request made to
    the site's owner, on a real data directory."""
    import os

    env = os.environ.copy()
    env["QUAESTIO_DATA_DIR"] = str(tmp_path / "site")
    env.pop("DATABASE_URL", None)
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "quaestio.cli", *a], env=env, capture_output=True, text=True
    )
    assert run("setup").returncode == 0
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quaestio.settings'; "
            "django.setup(); from quaestio.accounts.models import User; "
            "User.objects.create_user('asker@example.org', 'Data Subject', 'pw-long-enough-1')",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    result = run("user", "export", "asker@example.org", "--output", str(tmp_path / "out.zip"))
    assert result.returncode == 0, result.stderr
    data = json.loads(zipfile.ZipFile(tmp_path / "out.zip").read("data.json"))
    assert data["user"]["email"] == "asker@example.org"

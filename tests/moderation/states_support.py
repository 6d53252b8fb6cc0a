"""Rows for the lock, protection and notice tests: answers, moderators, the Community user, a
strict-CSRF client, and a tiny dump whose PostHistory locks, protects and annotates."""

from __future__ import annotations

import io
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post, PostHistory, PostType
from tests.dumps.conftest import MINIMAL, write_dump
from tests.moderation.support import user


def moderator() -> User:
    return user(1, is_moderator=True)


def community() -> User:
    return User.objects.get_or_create(
        id=COMMUNITY_USER_ID,
        defaults={"email": "community@example.test", "display_name": "Community"},
    )[0]


def answer(question: Post, owner: User | None = None, **extra) -> Post:
    created = extra.pop("creation_date", timezone.now() - timedelta(hours=1))
    return Post.objects.create(
        post_type=PostType.ANSWER,
        parent=question,
        owner=owner,
        body="<p>an answer</p>",
        body_markdown="an answer",
        creation_date=created,
        last_activity_date=created,
        **extra,
    )


def fresh(post: Post) -> Post:
    """The post as the database has it now (no cached lock row)."""
    return Post.objects.get(id=post.id)


def history(post: Post, history_type: int) -> list[PostHistory]:
    return list(PostHistory.objects.filter(post=post, post_history_type=history_type))


def logged_in(who: User, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(who)
    return client


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


# A dump's question 1, locked (14) and protected (19) by a moderator, with a notice (33) on its
# answer 2: the dump keeps no lock kind and no notice kind, only these rows.
IMPORTED_STATE_ROWS = [
    '<row Id="10" PostHistoryTypeId="14" PostId="1" RevisionGUID="c17002a0-00b0-417b-a404-0d8864bbbca5" CreationDate="2015-03-01T10:00:00.000" UserId="7" Text="{&quot;Voters&quot;:[{&quot;Id&quot;:7,&quot;DisplayName&quot;:&quot;Ann&quot;}]}" />',
    '<row Id="11" PostHistoryTypeId="19" PostId="1" RevisionGUID="d17002a0-00b0-417b-a404-0d8864bbbca5" CreationDate="2015-03-02T10:00:00.000" UserId="7" Text="{&quot;Voters&quot;:[{&quot;Id&quot;:7,&quot;DisplayName&quot;:&quot;Ann&quot;}]}" />',
    '<row Id="12" PostHistoryTypeId="33" PostId="2" RevisionGUID="e17002a0-00b0-417b-a404-0d8864bbbca5" CreationDate="2015-03-03T10:00:00.000" UserId="7" Comment="4321" />',
]


def import_states_dump(tmp_path) -> None:
    files = dict(MINIMAL)
    files["PostHistory"] = MINIMAL["PostHistory"] + IMPORTED_STATE_ROWS
    folder = write_dump(tmp_path / "tiny.stackexchange.com", files)
    import_dump(folder, out=io.StringIO())

"""Privacy duties (issue 21 point 5): a person's copy of everything the site holds about them,
and forgetting IP addresses after a set time. Every export is recorded.

"Everything" is found, not listed: every row of every model that points at the user (a new
room's table is included the day it is added), less the secrets (password and token hashes)
and the notes moderators keep about a user, which are the moderators' records, not theirs.
The posts, comments, votes, badges and history also come in the Stack Exchange dump format.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from quaestio.accounts.models import PrivacyRecord, User, UserAddress

SECRET_FIELDS = frozenset({"password", "token_digest", "secret", "key_digest", "token_hash"})
# (model label, field): rows that point at the user but are moderators' records about them.
MODERATORS_RECORDS = frozenset(
    {
        ("accounts.UserAnnotation", "user"),
        ("moderation.ModeratorAction", "target_user"),
    }
)


def personal_data(user: User) -> dict:
    """Everything the site holds about `user`, as JSON-ready data."""
    data: dict = {"user": _clean(User.objects.filter(id=user.id).values().first() or {})}
    for model in apps.get_models():
        label = model._meta.label
        for field in model._meta.get_fields():
            if not _points_at_user(field) or (label, field.name) in MODERATORS_RECORDS:
                continue
            if model is User:
                continue
            rows = model.objects.filter(**{field.name: user.id}).order_by("pk").values()
            cleaned = [_clean(row) for row in rows]
            if cleaned:
                data.setdefault(label, {})[field.name] = cleaned
    return data


def _points_at_user(field) -> bool:
    return (
        getattr(field, "concrete", False)
        and (field.many_to_one or field.one_to_one)
        and field.related_model is User
    )


def _clean(row: dict) -> dict:
    return {name: value for name, value in row.items() if name not in SECRET_FIELDS}


def write_export(user: User, requested_by: User | None, target: Path | None = None) -> Path:
    """A zip with data.json (everything) and dump/ (the Stack Exchange dump format files of
    what they wrote); returns its path. The export is recorded."""
    from quaestio.dumps.exporter import export_dump

    if target is None:
        handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
        handle.close()
        target = Path(handle.name)
    with tempfile.TemporaryDirectory() as work:
        dump_dir = Path(work) / "dump"
        export_dump(dump_dir, user_id=user.id)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            body = json.dumps(personal_data(user), cls=DjangoJSONEncoder, indent=1)
            archive.writestr("data.json", body)
            archive.writestr("README.txt", README.format(site=settings.SITE_NAME))
            for path in sorted(dump_dir.iterdir()):
                archive.write(path, f"dump/{path.name}")
    PrivacyRecord.objects.create(
        user_id=user.id,
        kind=PrivacyRecord.Kind.EXPORT,
        requested_by_id=requested_by.id if requested_by else None,
        at=timezone.now(),
    )
    return target


README = """Your data from {site}

data.json   everything the site holds about you: your account, and every row of every table
            that refers to you (posts, revisions, comments, votes, badges, reputation changes,
            flags you raised, notifications, the addresses you used, suspensions, tokens you
            made), without password or token hashes.
dump/       what you wrote and did, in the Stack Exchange data dump format (Posts.xml,
            PostHistory.xml, Comments.xml, Votes.xml, Badges.xml, Users.xml, PostLinks.xml),
            your deleted posts included.
"""


def forget_old_addresses(now: datetime | None = None) -> int:
    """Drop the IP addresses last seen more than QUAESTIO_IP_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.QUAESTIO_IP_RETENTION_DAYS)
    deleted, _ = UserAddress.objects.filter(last_seen__lt=cutoff).delete()
    return deleted

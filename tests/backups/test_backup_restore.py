"""`quaestio backup` and `quaestio restore` (issue 21 point 3), run as an operator runs them:
real processes on a real data directory and database (SQLite, or a PostgreSQL database of its
own when the suite runs on PostgreSQL), with another process writing all the while."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
import uuid
from pathlib import Path

import pytest

import quaestio

POSTS_MIGRATIONS = Path(quaestio.__file__).parent / "posts" / "migrations"

# The suite's DATABASE_URL decides which kind of database these sites use.
ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"

# Comments written as the demo moderator (moderators are not held back by the comment rate
# limit); each line "ACK <id>" is printed only after comment_add has committed.
WRITER = textwrap.dedent(
    """
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "quaestio.settings"
    django.setup()
    from quaestio.accounts.models import User
    from quaestio.comments.services import comment_add
    from quaestio.posts.models import Post, PostType
    user = User.objects.get(email="moderator@example.com")
    question = Post.objects.filter(post_type=PostType.QUESTION).order_by("id").first()
    n = 0
    while True:
        n += 1
        comment = comment_add(user, question.id, f"Write number {n} under load, acknowledged.")
        print(f"ACK {comment.id}", flush=True)
    """
)

LOAD_DEMO = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quaestio.settings'; "
    "django.setup(); from quaestio.demo.loader import load_demo; load_demo()"
)


class Site:
    """A data directory and its database, driven through the `quaestio` command."""

    def __init__(self, root: Path, name: str) -> None:
        self.env = os.environ.copy()
        self.env["QUAESTIO_DATA_DIR"] = str(root / name)
        self.env.pop("QUAESTIO_SECRET_KEY", None)
        self.database = None
        if ON_POSTGRES:
            self.database = f"quaestio_backup_{name}_{uuid.uuid4().hex[:8]}"
            admin(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = f"{PG_SERVER}/{self.database}"
        else:
            self.env.pop("DATABASE_URL", None)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "quaestio.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"quaestio {' '.join(args)} failed:\n{result.stderr}")
        return result

    def python(self, code: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code], env=self.env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def query(self, sql: str) -> list:
        code = (
            "import os, json, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quaestio.settings'; "
            "django.setup(); from django.db import connection; c = connection.cursor(); "
            f"c.execute({sql!r}); print(json.dumps(c.fetchall()))"
        )
        return json.loads(self.python(code))

    def tables(self) -> list[str]:
        code = (
            "import os, json, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quaestio.settings'; "
            "django.setup(); from django.db import connection; "
            "print(json.dumps(connection.introspection.table_names()))"
        )
        return json.loads(self.python(code))

    def drop(self) -> None:
        if self.database:
            admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    made = []

    def make(name: str) -> Site:
        site = Site(tmp_path_factory.mktemp("sites"), name)
        made.append(site)
        return site

    yield make
    for site in made:
        site.drop()


@pytest.fixture(scope="module")
def demo_site(sites):
    """One demo site for the module (setting one up is the slow part)."""
    site = sites("source")
    site.run("setup")
    site.python(LOAD_DEMO)
    return site


@pytest.fixture(scope="module")
def quiet_backup(demo_site, tmp_path_factory) -> Path:
    archive = tmp_path_factory.mktemp("backups") / "site.tar"
    demo_site.run("backup", "--output", str(archive))
    return archive


def test_a_backup_taken_under_write_load_restores_every_acknowledged_write(
    demo_site, sites, tmp_path
):
    """A backup taken while another process keeps writing restores into an empty site with
    every write acknowledged before the backup began, no gap below the newest write it holds
    (a consistent snapshot), the rows its manifest lists, counters that a recount leaves
    alone, and pages that serve."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER], env=demo_site.env, stdout=subprocess.PIPE, text=True
    )
    acknowledged = []
    try:
        while len(acknowledged) < 20:  # the load is under way before the backup starts
            acknowledged.append(int(writer.stdout.readline().split()[1]))
        before_backup = list(acknowledged)
        archive = tmp_path / "site.tar"
        demo_site.run("backup", "--output", str(archive))
        acknowledged.append(int(writer.stdout.readline().split()[1]))  # still writing after
    finally:
        writer.kill()
        writer.wait()

    restored = sites("restored")
    result = restored.run("restore", str(archive))
    assert "every table's rows match" in result.stdout

    comment_ids = {row[0] for row in restored.query("SELECT id FROM comments_comment")}
    assert set(before_backup) <= comment_ids
    newest = max(set(acknowledged) & comment_ids)
    assert {i for i in acknowledged if i <= newest} <= comment_ids  # no gap: one snapshot
    recount = restored.run("recount").stdout
    assert all(line.endswith(": 0 corrected") for line in recount.splitlines()[1:]), recount
    again = restored.run("restore", str(archive), check=False)  # and never over a site
    assert again.returncode == 1
    assert "restore only goes into an empty one" in again.stderr


def test_a_damaged_backup_is_refused_and_changes_nothing(quiet_backup, sites, tmp_path):
    """A backup whose bytes no longer match its checksum is refused before anything is
    written, with a message saying to use another copy."""
    archive = tmp_path / "damaged.tar"
    archive.write_bytes(quiet_backup.read_bytes())
    (tmp_path / "damaged.tar.sha256").write_text(
        Path(f"{quiet_backup}.sha256").read_text().replace("site.tar", "damaged.tar")
    )
    with archive.open("r+b") as handle:
        handle.seek(archive.stat().st_size // 2)
        handle.write(b"\0garbage\0")

    target = sites("target")
    result = target.run("restore", str(archive), check=False)
    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr
    assert "use another copy" in result.stderr
    assert target.tables() == []


def test_the_manifest_lists_rows_per_table_and_every_member_has_a_checksum(demo_site, quiet_backup):
    """The archive holds a manifest with the snapshot's rows per table and its migrations,
    the database, the secret key, and a SHA-256 for each of them."""
    archive = quiet_backup
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names == {"manifest.json", manifest["database_member"], "secret_key"}
    assert set(manifest["checksums"]) == names - {"manifest.json"}
    questions = demo_site.query("SELECT COUNT(*) FROM posts_post")[0][0]
    assert manifest["table_rows"]["posts_post"] == questions
    assert ["posts", "0001_initial"] in manifest["migrations"]
    sidecar = Path(f"{archive}.sha256").read_text().split()
    assert sidecar[1] == "site.tar" and len(sidecar[0]) == 64


def test_setup_refuses_a_database_written_by_a_newer_release(demo_site):
    """`quaestio setup` (and so serve and demo) will not start on a database that has a
    migration this release lacks, says what to do, and changes nothing."""
    demo_site.python(
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quaestio.settings'; "
        "django.setup(); from django.db import connection; "
        'connection.cursor().execute("INSERT INTO django_migrations (app, name, applied) '
        "VALUES ('posts', '9999_from_the_future', CURRENT_TIMESTAMP)\")"
    )
    try:
        before = demo_site.query("SELECT COUNT(*) FROM django_migrations")
        result = demo_site.run("setup", check=False)
        assert result.returncode == 1
        assert "written by a newer release of Quaestio" in result.stderr
        assert "posts.9999_from_the_future" in result.stderr
        assert demo_site.query("SELECT COUNT(*) FROM django_migrations") == before
    finally:
        demo_site.python(
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'quaestio.settings'; "
            "django.setup(); from django.db import connection; connection.cursor().execute("
            "\"DELETE FROM django_migrations WHERE name = '9999_from_the_future'\")"
        )


def test_an_upgrade_from_an_earlier_release_applies_its_migrations_with_a_progress_bar(sites):
    """A database left at an earlier release's migrations is brought up to date by `quaestio
    setup`, which draws a progress bar counting the migrations it applies."""
    site = sites("old")
    site.run("manage", "migrate", "--verbosity", "0")
    site.run("manage", "migrate", "posts", "0005", "--verbosity", "0")  # an earlier release
    on_disk = len(list(POSTS_MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py")))
    assert site.query("SELECT COUNT(*) FROM django_migrations WHERE app = 'posts'") == [[5]]
    result = site.run("setup")
    assert "migrations" in result.stderr and "100%" in result.stderr, result.stderr
    applied = site.query("SELECT COUNT(*) FROM django_migrations WHERE app = 'posts'")
    assert applied == [[on_disk]]

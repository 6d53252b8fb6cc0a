"""The anonymous page cache under concurrency: a writer edits a question again and again while
readers read it anonymously, through the real services, database and renderer, each thread with
its own connection; no read that starts after an edit's acknowledged commit shows an older one.

On SQLite the suite's in-memory test database refuses a second writer at once, so this file
runs again in a separate pytest process whose SQLite test database is a file (as
tests/votes/test_concurrency.py does).
"""

from __future__ import annotations

import os
import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from quaestio.posts.services import post_edit
from tests.votes.conftest import SQLITE_FILE, rerun_on_sqlite_file
from tests.web.test_page_cache import _outcome, _slug

TITLE = "How did Roman legions cross rivers?"
IN_MEMORY_SQLITE = connection.vendor == "sqlite" and not os.environ.get(SQLITE_FILE)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    path = os.environ.get(SQLITE_FILE)
    if path:
        from django.conf import settings

        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = path


@pytest.fixture(autouse=True)
def _timing_for_all(settings):
    settings.QUAESTIO_SERVER_TIMING = "all"
    settings.QUAESTIO_PAGE_CACHE = True


@pytest.mark.skipif(IN_MEMORY_SQLITE, reason="run by test_the_race_on_a_sqlite_file")
@pytest.mark.django_db(transaction=True)
def test_no_stale_read_while_writing_and_reading_at_once(ask, make_user):
    """A writer edits the question, again and again; readers read it anonymously meanwhile. A
    read that starts after an edit's commit was acknowledged must show that edit or a later
    one. Counts every read that did not (stale) and requires some hits, so the cache was used."""
    author = make_user(reputation=1000, name="Author")
    question = ask(user=author, title=TITLE, body=_edited_body(0))
    url = f"/questions/{question.id}/{_slug(question)}"
    acknowledged = [0]  # the last edit whose commit returned
    done = threading.Event()
    stale, outcomes, errors = [], {"hit": 0, "miss": 0}, []

    def write() -> None:
        try:
            for n in range(1, 16):
                post_edit(author, question.id, title=TITLE, tags="rome", body=_edited_body(n))
                acknowledged[0] = n
                time.sleep(0.02)
        except Exception as error:  # noqa: BLE001  (reported by the test below)
            errors.append(repr(error))
        finally:
            done.set()
            connection.close()

    def read() -> None:
        try:
            client = Client()
            while not done.is_set():
                floor = acknowledged[0]
                response = client.get(url)
                shown = int(re.search(rb"Revision number (\d+)\.", response.content).group(1))
                outcomes[_outcome(response)] += 1
                if shown < floor:
                    stale.append((floor, shown))
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert stale == []
    assert outcomes["hit"] > 0 and outcomes["miss"] > 0


def _edited_body(n: int) -> str:
    return f"How did the legions cross the Rhine, and what did it cost? Revision number {n}."


@pytest.mark.skipif(not IN_MEMORY_SQLITE, reason="this process already uses a file or PostgreSQL")
def test_the_race_on_a_sqlite_file(tmp_path):
    """The test above, in a pytest process whose SQLite test database is a file."""
    progress = rerun_on_sqlite_file(__file__, tmp_path)
    assert progress.count(".") == 1, progress

"""The question page's weight for a long thread: 300 answers with 6 comments each (1,800).

Builds the demo community in a temporary data directory (SQLite), adds 300 answers and 1,800
comments to the seed question, and prints the bytes of the page an anonymous reader gets (raw
and gzipped), of a later page, and of the page with every comment (?comments=all).
To compare two versions of the code, point PYTHONPATH at the other checkout:
    .venv/bin/python bench/answer_page_weight.py
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/answer_page_weight.py
"""

from __future__ import annotations

import gzip
import os
import tempfile
from datetime import timedelta

QUESTION_ID = 38738
ANSWERS = 300
COMMENTS_EACH = 6
PAGES = {
    "first page": "",
    "page 5": "?page=5",
    "first page, every comment": "?comments=all",
}


def grow_thread() -> None:
    from django.utils import timezone

    from quaestio.accounts.models import User
    from quaestio.comments.models import Comment
    from quaestio.posts.models import Post, PostType

    users = User.objects.bulk_create(
        [
            User(id=50000 + n, display_name=f"reader{n}", email=f"r{n}@example.org")
            for n in range(ANSWERS)
        ]
    )
    start = timezone.now() - timedelta(days=30)
    answer = "<p>" + "An answer of a usual length, a few sentences with some facts. " * 12 + "</p>"
    posts = Post.objects.bulk_create(
        [
            Post(
                id=900000 + n,
                post_type=PostType.ANSWER,
                parent_id=QUESTION_ID,
                owner=users[n],
                score=(n * 7) % 50,
                creation_date=start + timedelta(minutes=n),
                last_activity_date=start + timedelta(minutes=n),
                body=answer,
            )
            for n in range(ANSWERS)
        ]
    )
    remark = "A comment of a usual length, asking for a source or adding a detail. " * 2
    Comment.objects.bulk_create(
        [
            Comment(
                post=post,
                user=users[(i + k) % ANSWERS],
                score=k % 4,
                creation_date=start + timedelta(minutes=i, seconds=k),
                text=remark,
                text_html=remark,
            )
            for i, post in enumerate(posts)
            for k in range(COMMENTS_EACH)
        ]
    )


def main() -> None:
    os.environ.setdefault("QUAESTIO_DATA_DIR", tempfile.mkdtemp(prefix="quaestio-weight-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    import quaestio
    from quaestio.demo.loader import load_demo

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    load_demo()
    grow_thread()
    url = f"/questions/{QUESTION_ID}"
    print(f"code: {os.path.dirname(quaestio.__file__)}")
    print(f"thread: {ANSWERS} added answers, {ANSWERS * COMMENTS_EACH} added comments")
    client = Client()
    for label, query in PAGES.items():
        response = client.get(url + query, follow=True)
        body = response.content
        answers = body.count(b'<article class="answer')
        comments = body.count(b'<li class="comment')
        print(
            f"  {label:27} {len(body) / 1024:8.1f} KB   gzip {len(gzip.compress(body)) / 1024:7.1f} KB"
            f"   answers {answers}   comments {comments}"
        )


if __name__ == "__main__":
    main()

"""A small community whose posts exercise every search operator, indexed by the real engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.posts.models import CloseReason, Post, PostType, format_tags
from quaestio.search.services import reindex_all
from quaestio.tags.models import PostTag, Tag


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class Corpus:
    users: dict[str, User]
    posts: dict[str, Post]

    def ids(self, *keys: str) -> set[int]:
        return {self.posts[key].id for key in keys}

    def id(self, key: str) -> int:
        return self.posts[key].id


def _question(key, owner, title, body, tags, created, **fields) -> Post:
    post = Post.objects.create(
        post_type=PostType.QUESTION,
        title=title,
        body=body,
        tags=format_tags(tags),
        owner=owner,
        creation_date=created,
        last_activity_date=fields.pop("last_activity_date", created),
        answer_count=fields.pop("answer_count", 0),
        **fields,
    )
    for position, name in enumerate(tags):
        tag, _ = Tag.objects.get_or_create(name=name)
        PostTag.objects.create(post=post, tag=tag, position=position)
    return post


def _answer(parent, owner, body, created, **fields) -> Post:
    return Post.objects.create(
        post_type=PostType.ANSWER,
        parent=parent,
        body=body,
        owner=owner,
        creation_date=created,
        last_activity_date=created,
        **fields,
    )


@pytest.fixture
def corpus(db) -> Corpus:
    alice = User.objects.create_user("alice@example.com", "alice", reputation=150)
    bob = User.objects.create_user("bob@example.com", "bob", reputation=2000)
    mod = User.objects.create_user("mod@example.com", "mod", is_moderator=True)
    users = {"alice": alice, "bob": bob, "mod": mod}
    p: dict[str, Post] = {}
    p["q1"] = _question(
        "q1",
        alice,
        "How did the Roman empire fall?",
        "<p>The western Roman Empire collapsed in 476. Historians debate bridges and roads.</p>",
        ["rome", "empire"],
        at(2012, 3, 5),
        score=10,
        view_count=500,
        answer_count=2,
    )
    p["a1"] = _answer(
        p["q1"],
        bob,
        '<p>Invasions and economic decline. See <a href="https://en.wikipedia.org/wiki/Fall">'
        "the article</a>.</p>",
        at(2012, 3, 6),
        score=7,
    )
    p["a2"] = _answer(
        p["q1"],
        alice,
        "<p>Code example: <code>print_legion(count)</code></p><p>Bridges matter.</p>",
        at(2012, 3, 7),
        score=-1,
    )
    Post.objects.filter(id=p["q1"].id).update(accepted_answer=p["a1"])
    p["q2"] = _question(
        "q2",
        bob,
        "Medieval castle bridges",
        "<p>Drawbridges and motte-and-bailey castles; see the encyclopedia Britannica.</p>",
        ["medieval", "castles"],
        at(2015, 7, 1),
        score=3,
        view_count=20,
        closed_date=at(2015, 7, 2),
        close_reason=CloseReason.DUPLICATE,
    )
    p["q3"] = _question(
        "q3",
        alice,
        "Exchange rates in ancient Greece",
        "<p>How did the drachma exchange work between cities?</p>",
        ["greece", "economy"],
        at(2020, 1, 10),
        score=0,
        view_count=50,
        answer_count=1,
        locked_date=at(2021, 1, 1),
        community_owned_date=at(2020, 1, 10),
    )
    p["a3"] = _answer(
        p["q3"], bob, "<p>Silver coins; the exchange was local.</p>", at(2020, 1, 11), score=2
    )
    p["q4"] = _question(
        "q4",
        bob,
        "Roman roads, deleted",
        "<p>Were Roman roads paved?</p>",
        ["rome"],
        at(2018, 1, 1),
        score=1,
        answer_count=1,
        deletion_date=at(2018, 2, 1),
    )
    p["a4"] = _answer(p["q4"], alice, "<p>Roman roads were paved with stone.</p>", at(2018, 1, 2))
    p["q5"] = _question(
        "q5",
        alice,
        "Byzantine empire and Rome",
        "<p>The Eastern Roman Empire lasted until 1453.</p>",
        ["byzantine-empire", "rome"],
        at(2023, 5, 1),
        score=5,
        view_count=80,
        closed_date=at(2023, 5, 2),
        close_reason=CloseReason.OFF_TOPIC,
        last_activity_date=timezone.now() - timedelta(days=1),
    )
    for post in p.values():
        post.refresh_from_db()
    reindex_all()
    return Corpus(users, p)

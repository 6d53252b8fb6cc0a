"""Loads the demo community: the seed thread (History Stack Exchange question 38738) and a few
questions of our own, from the data files beside this module.

Like the dump importer, this bulk-loads rows shaped as Stack Exchange exports them, then runs
the same recount the live site uses; it writes nothing a service would not.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from importlib import resources

from django.db import transaction

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.badges.models import Badge, BadgeClass
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.core.counters import recount
from quaestio.core.db import reset_sequences
from quaestio.core.markdown import render_comment, render_post
from quaestio.demo.accounts import create_demo_accounts
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType, format_tags
from quaestio.reputation.services import record_opening_balances
from quaestio.search.services import reindex_all
from quaestio.sources.services import fill_batch
from quaestio.tags.models import PostTag, Tag
from quaestio.votes.models import Vote, VoteType

SEED_ORIGIN = "History Stack Exchange (history.stackexchange.com)"
# Badge names used to give seeded users award rows matching the counts the thread shows.
BADGE_NAMES = {
    BadgeClass.GOLD: [
        "Great Answer",
        "Famous Question",
        "Populist",
        "Fanatic",
        "Steward",
        "Great Question",
        "Electorate",
        "Legendary",
    ],
    BadgeClass.SILVER: [
        "Good Answer",
        "Notable Question",
        "Guru",
        "Enthusiast",
        "Necromancer",
        "Good Question",
        "Yearling",
        "Strunk & White",
        "Civic Duty",
        "Sportsmanship",
    ],
    BadgeClass.BRONZE: [
        "Nice Answer",
        "Popular Question",
        "Teacher",
        "Student",
        "Supporter",
        "Editor",
        "Commentator",
        "Revival",
        "Scholar",
        "Critic",
        "Nice Question",
        "Autobiographer",
    ],
}


def _read(name: str) -> dict:
    return json.loads(resources.files("quaestio.demo").joinpath(name).read_text(encoding="utf-8"))


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class _Ids:
    def __init__(self, start: int) -> None:
        self.next = start

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _users(rows: list[dict], origin: str) -> tuple[list[User], list[Badge]]:
    users, badges = [], []
    badge_id = _Ids(len(rows) * 10_000)
    for row in rows:
        created = _date(row["created"])
        users.append(
            User(
                id=row["id"],
                display_name=row["name"],
                reputation=row["rep"],
                creation_date=created,
                last_access_date=created,
                location=row.get("location", ""),
                about_me=render_post(row["about"]) if row.get("about") else "",
                about_me_markdown=row.get("about", ""),
                is_moderator=row["id"] == COMMUNITY_USER_ID,
                imported_from=origin,
                password="!",
            )
        )
        for cls, count in zip(
            (BadgeClass.GOLD, BadgeClass.SILVER, BadgeClass.BRONZE), row["badges"], strict=True
        ):
            names = BADGE_NAMES[cls]
            for index in range(count):
                badges.append(
                    Badge(
                        id=badge_id(),
                        user_id=row["id"],
                        name=names[index % len(names)],
                        date=created + timedelta(days=7 * (index + 1)),
                        badge_class=cls,
                    )
                )
    return users, badges


def _votes(post_id: int, up: int, down: int, created: datetime, ids: _Ids) -> list[Vote]:
    """Anonymous votes, dated as dumps date them (day only), that add up to the post's score."""
    votes = []
    for index in range(up + down):
        day = (created + timedelta(days=index % 30)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        kind = VoteType.UP_MOD if index < up else VoteType.DOWN_MOD
        votes.append(Vote(id=ids(), post_id=post_id, vote_type=kind, creation_date=day))
    return votes


def _history(
    post: Post, revisions: list[dict], ids: _Ids, tags_initial: list[str] | None
) -> list[PostHistory]:
    rows = []
    for number, revision in enumerate(revisions):
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"quaestio-demo/{post.id}/{number}"))
        common = dict(
            post_id=post.id,
            revision_guid=guid,
            creation_date=_date(revision["date"]),
            user_id=revision.get("user"),
            user_display_name=revision.get("user_name", ""),
            comment=revision.get("comment", ""),
            content_license=post.content_license,
        )
        if number == 0:
            if post.post_type == PostType.QUESTION:
                rows.append(
                    PostHistory(
                        id=ids(),
                        post_history_type=PostHistoryType.INITIAL_TITLE,
                        text=post.title,
                        **common,
                    )
                )
            rows.append(
                PostHistory(
                    id=ids(),
                    post_history_type=PostHistoryType.INITIAL_BODY,
                    text=revision["body"],
                    **common,
                )
            )
            if tags_initial is not None:
                rows.append(
                    PostHistory(
                        id=ids(),
                        post_history_type=PostHistoryType.INITIAL_TAGS,
                        text=format_tags(revision.get("tags", tags_initial)),
                        **common,
                    )
                )
            continue
        if "body" in revision:
            rows.append(
                PostHistory(
                    id=ids(),
                    post_history_type=PostHistoryType.EDIT_BODY,
                    text=revision["body"],
                    **common,
                )
            )
        if "tags" in revision:
            rows.append(
                PostHistory(
                    id=ids(),
                    post_history_type=PostHistoryType.EDIT_TAGS,
                    text=format_tags(revision["tags"]),
                    **common,
                )
            )
    return rows


def _apply_last_edit(post: Post, revisions: list[dict], names: dict[int, str]) -> None:
    if len(revisions) < 2:
        return
    last = revisions[-1]
    post.last_edit_date = _date(last["date"])
    post.last_editor_id = last.get("user")
    post.last_editor_display_name = names.get(last.get("user"), last.get("user_name", ""))


class DemoBuilder:
    def __init__(self) -> None:
        self.users: list[User] = []
        self.badges: list[Badge] = []
        self.posts: list[Post] = []
        self.history: list[PostHistory] = []
        self.comments: list[Comment] = []
        self.votes: list[Vote] = []
        self.post_tags: list[tuple[int, list[str]]] = []
        self.history_ids = _Ids(1_000_000)
        self.vote_ids = _Ids(2_000_000)
        self.names: dict[int, str] = {}

    def add_users(self, rows: list[dict], origin: str) -> None:
        users, badges = _users(rows, origin)
        self.users += users
        self.badges += badges
        self.names.update({u.id: u.display_name for u in users})

    def add_post(
        self, post: Post, revisions: list[dict], up: int, down: int, tags: list[str] | None = None
    ) -> None:
        post.body_markdown = (
            revisions[-1].get("body", post.body_markdown) if revisions else post.body_markdown
        )
        for revision in reversed(revisions):
            if "body" in revision:
                post.body_markdown = revision["body"]
                break
        post.body = render_post(post.body_markdown)
        _apply_last_edit(post, revisions, self.names)
        self.posts.append(post)
        self.history += _history(post, revisions, self.history_ids, tags)
        self.votes += _votes(post.id, up, down, post.creation_date, self.vote_ids)
        if tags:
            self.post_tags.append((post.id, tags))

    def add_events(self, post: Post, events: list[dict]) -> None:
        """History rows that are not revisions, such as "comments moved to chat"."""
        for number, event in enumerate(events):
            guid = uuid.uuid5(uuid.NAMESPACE_URL, f"quaestio-demo/{post.id}/event/{number}")
            self.history.append(
                PostHistory(
                    id=self.history_ids(),
                    post_id=post.id,
                    post_history_type=event["type"],
                    revision_guid=str(guid),
                    creation_date=_date(event["date"]),
                    user_id=event.get("user"),
                    text=event.get("text", ""),
                    content_license=post.content_license,
                )
            )

    def add_comment(self, row: dict, origin: str, license: str) -> None:
        self.comments.append(
            Comment(
                id=row["id"],
                post_id=row["post"],
                score=row["score"],
                text=row["text"],
                text_html=render_comment(
                    row["text"], edit_url=links.post_action_url(row["post"], "edit")
                ),
                creation_date=_date(row["date"]),
                user_id=row.get("user"),
                user_display_name=self.names.get(row.get("user"), ""),
                content_license=license,
            )
        )

    def save(self) -> None:
        # The Community user (-1) comes with the database; the demo only describes it.
        for user in self.users:
            if user.id == -1:
                User.objects.filter(id=COMMUNITY_USER_ID).update(
                    about_me=user.about_me,
                    about_me_markdown=user.about_me_markdown,
                    creation_date=user.creation_date,
                    imported_from=user.imported_from,
                )
        User.objects.bulk_create([user for user in self.users if user.id != COMMUNITY_USER_ID])
        Badge.objects.bulk_create(self.badges)
        # Answers reference their question, so questions go first.
        Post.objects.bulk_create(sorted(self.posts, key=lambda p: p.post_type))
        fill_batch([(p.id, p.body_markdown, p.body) for p in self.posts if p.post_type in (1, 2)])
        PostHistory.objects.bulk_create(self.history)
        Comment.objects.bulk_create(self.comments)
        Vote.objects.bulk_create(self.votes)
        names = sorted({name for _, tags in self.post_tags for name in tags})
        Tag.objects.bulk_create([Tag(name=name) for name in names])
        tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
        PostTag.objects.bulk_create(
            [
                PostTag(post_id=post_id, tag_id=tag_ids[name], position=i)
                for post_id, tags in self.post_tags
                for i, name in enumerate(tags)
            ]
        )
        reset_sequences([User, Badge, Post, PostHistory, Comment, Vote, Tag, PostTag])


def _seed_thread(builder: DemoBuilder) -> None:
    data = _read("history_38738.json")
    builder.add_users(data["users"], SEED_ORIGIN)
    q = data["question"]
    question = Post(
        id=q["id"],
        post_type=PostType.QUESTION,
        title=q["title"],
        tags=format_tags(q["tags"]),
        owner_id=q["owner"],
        creation_date=_date(q["created"]),
        view_count=q["views"],
        last_activity_date=_date(q["last_activity"]),
        content_license=q["license"],
        imported_from=SEED_ORIGIN,
    )
    builder.add_post(question, q["revisions"], q["up"], q["down"], tags=q["tags"])
    accepted = None
    for a in data["answers"]:
        answer = Post(
            id=a["id"],
            post_type=PostType.ANSWER,
            parent_id=q["id"],
            owner_id=a["owner"],
            owner_display_name=a.get("owner_display_name", ""),
            creation_date=_date(a["created"]),
            last_activity_date=_date(a["revisions"][-1]["date"]),
            content_license=a["license"],
            imported_from=SEED_ORIGIN,
        )
        builder.add_post(answer, a["revisions"], a["up"], a["down"])
        builder.add_events(answer, a.get("events", []))
        accepted = a["id"] if a.get("accepted") else accepted
    question.accepted_answer_id = accepted
    for row in data["comments"]:
        license = "CC BY-SA 4.0" if row["date"] >= "2018-05-02" else "CC BY-SA 3.0"
        builder.add_comment(row, SEED_ORIGIN, license)


def _own_questions(builder: DemoBuilder) -> None:
    data = _read("community.json")
    builder.add_users(data["users"], "")
    for q in data["questions"]:
        created = _date(q["created"])
        question = Post(
            id=q["id"],
            post_type=PostType.QUESTION,
            title=q["title"],
            tags=format_tags(q["tags"]),
            owner_id=q["owner"],
            creation_date=created,
            view_count=q["views"],
            last_activity_date=created,
        )
        score = q["score"]
        builder.add_post(
            question,
            [dict(user=q["owner"], date=q["created"], body=q["body"], tags=q["tags"])],
            max(score, 0) + 1,
            1 if score >= 0 else 1 - score,
            tags=q["tags"],
        )
        for a in q["answers"]:
            answer = Post(
                id=a["id"],
                post_type=PostType.ANSWER,
                parent_id=q["id"],
                owner_id=a["owner"],
                creation_date=_date(a["created"]),
                last_activity_date=_date(a["created"]),
            )
            builder.add_post(
                answer,
                [dict(user=a["owner"], date=a["created"], body=a["body"])],
                max(a["score"], 0),
                max(-a["score"], 0),
            )
            if a.get("accepted"):
                question.accepted_answer_id = a["id"]
            question.last_activity_date = max(question.last_activity_date, answer.creation_date)
        for index, row in enumerate(q["comments"]):
            builder.add_comment(dict(row, id=q["id"] * 10 + index), "", "")


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Fill an empty database with the demo community. Refuses to load over existing content."""
    if Post.objects.exists():
        raise RuntimeError(
            "The database already holds posts; the demo loads only into an empty data directory."
        )
    builder = DemoBuilder()
    _seed_thread(builder)
    _own_questions(builder)
    builder.save()
    # Derived data is rebuilt by the same jobs the live site uses.
    recount()
    record_opening_balances()  # the seed gives totals, not the history behind them
    create_demo_accounts()  # the accounts to log in with, their reputation in the ledger
    reindex_all()
    return {
        "users": len(builder.users),
        "posts": len(builder.posts),
        "comments": len(builder.comments),
        "votes": len(builder.votes),
        "badges": len(builder.badges),
    }

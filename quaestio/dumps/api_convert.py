"""The fetched items as a data dump: the XML files the dump importer reads, ids kept.

What the API does not give is made up the way a dump would hold it, and said here:
* **Votes.xml**: anonymous votes, as a dump's are: `up_vote_count` upvotes (type 2) and
  `down_vote_count` downvotes (type 3) a post, dated on the post's creation day, and an accept
  (type 1) on each accepted answer, so the imported scores agree with their votes. Vote ids are
  numbered here (the API has none).
* **PostHistory.xml** from /posts/{ids}/revisions: each revision becomes the rows of its kind
  (initial title/body/tags for the first, edits or rollbacks for a changed title, body or tags,
  community wiki). A post the API gave no revision for gets initial rows made from its own
  title, Markdown and tags, so it can be edited on the site. Row ids are numbered here; the
  revision GUIDs are the API's (or derived from the post id, the same on every run).
* **Badges.xml** from /users/{ids}/badges: `award_count` awards of each badge a user holds,
  dated on the user's creation day (the API gives counts, not dates); ids numbered here.
* **Tags.xml**: tag ids are numbered in name order (the API has none); counts are recounted.
* **Users**: a user the API says no longer exists becomes a display name on the post, as in
  a dump; the ProfileImageUrl is left out (it would point at the source site).
* Items fetched twice (pages shift on a live site) are merged by id, the later one winning;
  an answer whose question and a comment whose post were not fetched (deleted meanwhile) are
  left out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from quaestio.dumps.api_items import user_id_of
from quaestio.dumps.api_merge import Existing
from quaestio.dumps.schema import IMPORT_ORDER
from quaestio.dumps.xmlio import DumpWriter, format_date
from quaestio.posts.models import PostHistoryType as Kind
from quaestio.posts.models import format_tags

BADGE_CLASSES = {"gold": 1, "silver": 2, "bronze": 3}
MAX_AWARDS = 100_000  # of one badge by one user: guards against an absurd award_count
GUID_NAMESPACE = uuid.UUID("6f1c4a52-8f0e-4d55-9d3b-6a1d2c3e4f50")


def dump_date(epoch: int) -> str:
    return format_date(datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None))


def by_id(items: Iterable[dict], key: str) -> dict[int, dict]:
    merged: dict[int, dict] = {}
    for item in items:
        merged[item[key]] = item
    return dict(sorted(merged.items()))


class DumpBuilder:
    def __init__(self, stored, existing: Existing | None = None) -> None:
        """`stored(method)` yields the fetched items of a method (WorkDir.items); `existing`
        (--since) the rows the site holds already, which the dump leaves out (api_merge.py)."""
        held = existing or Existing()
        self.first_ids = held.first_ids
        fetched_users = by_id([*stored("users"), *stored("missing users")], "user_id")
        self.known_users = set(fetched_users) | held.users
        self.users = {i: u for i, u in fetched_users.items() if i not in held.users}
        questions = by_id(stored("questions"), "question_id")
        self.questions = {i: q for i, q in questions.items() if i not in held.posts}
        self.answers = {
            i: a
            for i, a in by_id(stored("answers"), "answer_id").items()
            if (a["question_id"] in questions or a["question_id"] in held.posts)
            and i not in held.posts
        }
        self.posts = {**self.questions, **self.answers}
        self.comments = {
            i: c
            for i, c in by_id(stored("comments"), "comment_id").items()
            if (c["post_id"] in self.posts or c["post_id"] in held.posts) and i not in held.comments
        }
        self.revisions = [r for r in stored("revisions") if r["post_id"] in self.posts]
        self.badges = {
            (b["user"]["user_id"], b["name"], b["rank"], b.get("badge_type")): b
            for b in stored("badges")
            if user_id_of(b["user"]) in self.users
        }
        tags = {t["name"]: t for t in stored("tags") if t["name"] not in held.tags}
        self.tags = sorted(tags.values(), key=lambda t: t["name"])

    def write(self, folder: Path) -> dict[str, int]:
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "Users": self._users(),
            "Tags": self._tags(),
            "Posts": self._posts(),
            "PostHistory": self._history(),
            "Comments": self._comments(),
            "Votes": self._votes(),
            "Badges": self._badges(),
        }
        counts = {}
        for spec in IMPORT_ORDER:
            rows = files.get(spec.name, iter(()))
            with (folder / spec.filename).open("w", encoding="utf-8", newline="") as stream:
                with DumpWriter(stream, spec.root) as writer:
                    count = 0
                    for pairs in rows:
                        writer.row(
                            [(name, str(value)) for name, value in pairs if value is not None]
                        )
                        count += 1
            counts[spec.name] = count
        return counts

    # --- people and tags -----------------------------------------------------------------

    def _users(self) -> Iterator[list]:
        for user in self.users.values():
            created = dump_date(user["creation_date"])
            yield [
                ("Id", user["user_id"]),
                ("Reputation", user["reputation"]),
                ("CreationDate", created),
                ("DisplayName", user["display_name"]),
                (
                    "LastAccessDate",
                    dump_date(user.get("last_access_date") or user["creation_date"]),
                ),
                ("WebsiteUrl", user.get("website_url")),
                ("Location", user.get("location")),
                ("AboutMe", user.get("about_me")),
                ("Views", user.get("view_count", 0)),
                ("UpVotes", user.get("up_vote_count", 0)),
                ("DownVotes", user.get("down_vote_count", 0)),
                ("AccountId", user.get("account_id")),
            ]

    def _tags(self) -> Iterator[list]:
        for number, tag in enumerate(self.tags, start=self.first_ids.get("Tags", 1)):
            yield [
                ("Id", number),
                ("TagName", tag["name"]),
                ("Count", tag.get("count", 0)),
                ("IsModeratorOnly", "True" if tag.get("is_moderator_only") else None),
                ("IsRequired", "True" if tag.get("is_required") else None),
            ]

    def _badges(self) -> Iterator[list]:
        """Each award a user holds (`award_count` of each badge), dated on the user's creation
        (the API gives counts, not dates); ids numbered here."""
        number = self.first_ids.get("Badges", 1) - 1
        for (user_id, name, rank, badge_type), badge in sorted(self.badges.items()):
            date = dump_date(self.users[user_id]["creation_date"])
            for _ in range(min(badge["award_count"], MAX_AWARDS)):
                number += 1
                yield [
                    ("Id", number),
                    ("UserId", user_id),
                    ("Name", name),
                    ("Date", date),
                    ("Class", BADGE_CLASSES[rank]),
                    ("TagBased", "True" if badge_type == "tag_based" else "False"),
                ]

    def _person(self, user: dict | None, id_name: str, name_name: str) -> list:
        """(UserId, None) for a user in the dump, else (None, the name the API showed)."""
        user_id = user_id_of(user)
        if user_id is not None and user_id in self.known_users:
            return [(id_name, user_id)]
        return [(name_name, (user or {}).get("display_name"))]

    # --- posts ---------------------------------------------------------------------------

    def _posts(self) -> Iterator[list]:
        for post_id, post in sorted(self.posts.items()):
            question = "title" in post and post_id in self.questions
            edited = post.get("last_edit_date")
            row = [
                ("Id", post_id),
                ("PostTypeId", 1 if question else 2),
                ("AcceptedAnswerId", post.get("accepted_answer_id") if question else None),
                ("ParentId", None if question else post["question_id"]),
                ("CreationDate", dump_date(post["creation_date"])),
                ("Score", post["score"]),
                ("ViewCount", post.get("view_count", 0) if question else None),
                ("Body", _body_html(post)),
                *self._person(post.get("owner"), "OwnerUserId", "OwnerDisplayName"),
            ]
            if edited is not None and post.get("last_editor"):
                row += self._person(
                    post["last_editor"], "LastEditorUserId", "LastEditorDisplayName"
                )
            row += [
                ("LastEditDate", dump_date(edited) if edited is not None else None),
                ("LastActivityDate", dump_date(post["last_activity_date"])),
            ]
            if question:
                row += [
                    ("Title", post["title"]),
                    ("Tags", format_tags(post.get("tags", []))),
                    ("AnswerCount", post.get("answer_count", 0)),
                ]
            row += [("CommentCount", post.get("comment_count", 0))]
            if question:
                row += [
                    ("FavoriteCount", post.get("favorite_count")),
                    ("ClosedDate", _maybe_date(post.get("closed_date"))),
                ]
            row += [
                ("CommunityOwnedDate", _maybe_date(post.get("community_owned_date"))),
                ("ContentLicense", post.get("content_license")),
            ]
            yield row

    def _votes(self) -> Iterator[list]:
        number = self.first_ids.get("Votes", 1) - 1
        accepted = {q.get("accepted_answer_id") for q in self.questions.values()}
        for post_id, post in sorted(self.posts.items()):
            up, down = post.get("up_vote_count"), post.get("down_vote_count")
            if up is None or down is None:  # no counts: votes that make the score
                up, down = max(post["score"], 0), max(-post["score"], 0)
            day = dump_date(post["creation_date"])[:10] + "T00:00:00.000"
            kinds = [2] * max(up, 0) + [3] * max(down, 0) + ([1] if post_id in accepted else [])
            for kind in kinds:
                number += 1
                yield [
                    ("Id", number),
                    ("PostId", post_id),
                    ("VoteTypeId", kind),
                    ("CreationDate", day),
                ]

    def _comments(self) -> Iterator[list]:
        for comment_id, comment in self.comments.items():
            yield [
                ("Id", comment_id),
                ("PostId", comment["post_id"]),
                ("Score", comment["score"]),
                ("Text", comment.get("body_markdown", comment.get("body", ""))),
                ("CreationDate", dump_date(comment["creation_date"])),
                *self._person(comment.get("owner"), "UserId", "UserDisplayName"),
                ("ContentLicense", comment.get("content_license")),
            ]

    # --- history -------------------------------------------------------------------------

    def _history(self) -> Iterator[list]:
        rows = []
        revised: dict[int, dict] = {}  # post id → its title, body and tags so far
        for revision in sorted(
            self.revisions,
            key=lambda r: (r["post_id"], r.get("revision_number", 0), r["creation_date"]),
        ):
            before = revised.get(revision["post_id"])
            rows += self._revision_rows(revision, before)
            after = dict(before or {})
            after.update({f: revision[f] for f in ("title", "body", "tags") if f in revision})
            revised[revision["post_id"]] = after
        for post_id, post in self.posts.items():
            if post_id not in revised:
                rows += self._initial_rows(post_id, post)
        rows.sort(key=lambda row: (row[0], row[1]))  # (date, post id), kinds in order
        first = self.first_ids.get("PostHistory", 1)
        for number, (_date, _post, pairs) in enumerate(rows, start=first):
            yield [("Id", number), *pairs]

    def _revision_rows(self, revision: dict, before: dict | None) -> list[tuple]:
        """A revision's history rows; `before` is the post's state after the revisions before
        it (None for its first). A field changed when the API gives its `last_` value or when
        it differs from the state before (APIs that leave `last_body` out)."""
        post_id = revision["post_id"]
        question = post_id in self.questions
        rollback = revision.get("is_rollback", False)
        kinds = []
        if before is None:
            kinds = [(Kind.INITIAL_TITLE, "title")] if question else []
            kinds += [(Kind.INITIAL_BODY, "body")]
            kinds += [(Kind.INITIAL_TAGS, "tags")] if question else []
        else:
            for field, edit, back in (
                ("title", Kind.EDIT_TITLE, Kind.ROLLBACK_TITLE),
                ("body", Kind.EDIT_BODY, Kind.ROLLBACK_BODY),
                ("tags", Kind.EDIT_TAGS, Kind.ROLLBACK_TAGS),
            ):
                changed = field in revision and revision[field] != before.get(field)
                if f"last_{field}" in revision or changed:
                    kinds.append((back if rollback else edit, field))
        if revision.get("set_community_wiki"):
            kinds.append((Kind.COMMUNITY_OWNED, None))
        return [
            self._history_row(post_id, revision, kind, field, revision["revision_guid"])
            for kind, field in kinds
            if field is None or field in revision
        ]

    def _history_row(self, post_id, revision, kind, field, guid) -> tuple:
        text = revision.get(field) if field else None
        if field == "tags":
            text = format_tags(text or [])
        pairs = [
            ("PostHistoryTypeId", int(kind)),
            ("PostId", post_id),
            ("RevisionGUID", guid.lower()),
            ("CreationDate", dump_date(revision["creation_date"])),
            *self._person(revision.get("user"), "UserId", "UserDisplayName"),
            ("Comment", revision.get("comment")),
            ("Text", text),
            ("ContentLicense", revision.get("content_license")),
        ]
        return (revision["creation_date"], post_id, pairs)

    def _initial_rows(self, post_id: int, post: dict) -> list[tuple]:
        """A post without revisions from the API: its creation as the first revision."""
        revision = {
            "creation_date": post["creation_date"],
            "user": post.get("owner"),
            "title": post.get("title"),
            "body": post.get("body_markdown", post.get("body", "")),
            "tags": post.get("tags"),
            "content_license": post.get("content_license"),
            "revision_number": 1,
            "post_id": post_id,
            "revision_guid": str(uuid.uuid5(GUID_NAMESPACE, f"post-{post_id}")),
        }
        return self._revision_rows({k: v for k, v in revision.items() if v is not None}, None)


def _maybe_date(epoch: int | None) -> str | None:
    return dump_date(epoch) if epoch is not None else None


def _body_html(post: dict) -> str:
    """The post's HTML (sanitised by the importer); Markdown rendered when only it came."""
    if "body" in post:
        return post["body"]
    from quaestio.core.markdown import render_post

    return render_post(post.get("body_markdown", ""))

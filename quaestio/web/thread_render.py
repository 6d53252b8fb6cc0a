"""The question page's thread: rendered by Jinja once per change, kept, and finished per view.

What every viewer sees of a thread (each post with its body, tags, notices, signatures and
comments: templates/questions/thread/*.html) is rendered once per thread version
(posts/thread_version.py) and kept per process (web/thread_cache.py) as UTF-8 bytes, with slots
where the viewer's part goes. A view then only fills the slots (`fill`):

- "vote_cell": the score and the vote buttons, pressed as the viewer voted (post_blocks.vote_cell)
- "post_menu": Share, Edit, Delete, Close ... as PostActions offers them (post_blocks.post_menu)
- "comment_vote", "comment_tools": a comment's upvote button, edit and delete (CommentActions)
- "add_comment": the "Add a comment" link
- "stats": a person's reputation and badges, written from the users query every view makes, so
  a vote elsewhere or a new badge shows at once without re-rendering the thread.

The slot fillers are small Python formatters because they run on every view for every post and
comment; everything else is an ordinary template. A person's name and moderator mark are in the
kept HTML: the entry remembers them and is rendered again when the users query reads different
ones (a rename), see `ThreadEntry.people`.

Relative dates ("5 mins ago") are rendered with the moment of the render; the entry says until
when they all still read the same (`Clock`), and is rendered again after that.
"""

from __future__ import annotations

import operator
import re
import secrets
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.template import engines
from markupsafe import Markup

from quaestio.accounts.policies import displayed_reputation
from quaestio.core.formatting import RELATIVE_LIMIT
from quaestio.linkcheck.selectors import dead_links_of_posts
from quaestio.sources.selectors import compact, rows_from_json
from quaestio.web.dead_links import mark_dead_links
from quaestio.web.post_blocks import (
    Viewer,
    add_comment_link,
    closed_notice_html,
    comment_tools,
    comment_vote,
    post_menu,
    vote_cell,
)
from quaestio.web.presenters import time_html, user_stats_html
from quaestio.web.structured_data import qa_page_json_ld
from quaestio.web.text import excerpt

DESCRIPTION_LENGTH = 160  # the meta description search engines show under the title

# A slot in rendered HTML: NUL, this process's random token, the slot's number, NUL. No user
# text can hold it: the token is drawn when the process starts and never leaves it.
_TOKEN = secrets.token_hex(8)
_SLOT = re.compile(f"\x00{_TOKEN}(\\d+)\x00")

Slot = tuple[str, int]  # (kind, post, comment or user id)
Parts = list  # bytes (kept HTML) and Slot, in page order


# What the kept HTML shows of each post's row: compared, with the thread version, on every view.
_SHOWN = operator.attrgetter(
    "id",
    "score",
    "accepted_answer_id",
    "deletion_date",
    "owner_id",
    "owner_display_name",
    "last_editor_id",
    "last_editor_display_name",
    "last_edit_date",
    "title",
    "tags",
    "closed_date",
    "close_reason",
    "locked_date",
    "protected_date",
    "community_owned_date",
    "content_license",
    "ai_disclosure",
    "has_notice",
    "sources_json",
    "has_dead_links",
    "bounty_amount",
    "bounty_offerer_id",
)


def thread_key(thread) -> tuple:
    """The version of the kept HTML a view needs: the thread version (posts/thread_version.py),
    which every write to the thread bumps, and what the posts query read of the rows the HTML
    shows, so that a row changed without a bump (an import, a script, the admin) shows too.
    Of the live posts only: the deleted ones some viewers see come with the version."""
    question = thread.question
    return (
        question.thread_version,
        _SHOWN(question),
        *[_SHOWN(answer) for answer in thread.answers if answer.deletion_date is None],
    )


class Clock:
    """The render's `now` for every date, and until when the dates written still read the same:
    relative ones ("3 mins ago", "yesterday") change, absolute ones change with the year."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.valid_until = datetime(now.year + 1, 1, 1, tzinfo=UTC)

    def time(self, moment: datetime | None) -> Markup:
        if moment is None:
            return Markup("")
        self.note(moment)
        return Markup(time_html(moment, self.now))

    def note(self, moment: datetime) -> None:
        age = (self.now - moment).total_seconds()
        if age >= RELATIVE_LIMIT.total_seconds():
            return
        seconds = int(age)
        if seconds < 60:  # "12 secs ago", or a future moment: changes every second
            still = 1
        elif seconds < 3600:
            still = 60 - seconds % 60
        elif seconds < 86400:
            still = 3600 - seconds % 3600
        else:  # "yesterday", until it becomes an absolute date
            still = int(RELATIVE_LIMIT.total_seconds()) - seconds
        until = self.now + timedelta(seconds=max(still, 1))
        if until < self.valid_until:
            self.valid_until = until


class _Slots:
    """The `slot(kind, id)` of the thread templates: writes a marker and remembers the slot."""

    def __init__(self) -> None:
        self.found: list[Slot] = []

    def __call__(self, kind: str, ident: int) -> Markup:
        self.found.append((kind, int(ident)))
        return Markup(f"\x00{_TOKEN}{len(self.found) - 1}\x00")


def _parts(html: str, slots: _Slots) -> Parts:
    """Rendered HTML cut at its slots: the text between them encoded once, for every view."""
    pieces = _SLOT.split(html)
    parts: Parts = []
    for index, piece in enumerate(pieces):
        if index % 2:
            parts.append(slots.found[int(piece)])
        elif piece:
            parts.append(piece.encode())
    return parts


def _template(name: str):
    return engines["jinja2"].env.get_template(name)


def more_comments_query(page) -> str:
    """The page of answers shown, with every comment: where "Show N more comments" leads."""
    return f"?answertab={page.sort}&page={page.number}&comments=all"


def _dead_links(page) -> dict[int, dict[str, str]]:
    """The page's dead links (linkcheck/), read only for the posts the posts query says have
    one (posts/sql.py): pages without dead links cost no query, and a kept thread none."""
    blocks = [page.question, *page.answers]
    ids = [b.post.id for b in blocks if getattr(b.post, "has_dead_links", True)]
    return dead_links_of_posts(ids) if ids else {}


def render_post(block, kind: str, page, clock: Clock, dead: dict | None = None) -> Parts:
    slots = _Slots()
    body = mark_dead_links(block.post.body, (dead or {}).get(block.post.id, {}))
    html = _template("questions/thread/post.html").render(
        body=body,
        block=block,
        kind=kind,
        accepted_answer_id=page.accepted_answer_id,
        more_comments=more_comments_query(page),
        slot=slots,
        clock=clock,
    )
    return _parts(html + "\n", slots)


def render_notices(page, clock: Clock) -> Parts:
    notice = page.closed_notice
    if notice is not None:
        clock.note(notice.closed_date)

    def closed(found) -> Markup:
        return Markup(closed_notice_html(found, clock.now)) if found is not None else Markup("")

    slots = _Slots()
    html = _template("questions/thread/notices.html").render(
        closed_notice=notice,
        question=page.question,
        clock=clock,
        slot=slots,
        closed_notice_html=closed,
    )
    return _parts(html, slots)


def people_of(page) -> tuple:
    """Who the kept HTML names, as it names them: (id, name, moderator) of each live person."""
    seen = {}
    for block in [page.question, *page.answers]:
        for card in (block.owner, block.editor, block.deleted_by):
            _person(seen, card)
        for view in block.comments:
            _person(seen, view.author)
    return tuple(sorted(seen.values()))


def _person(seen: dict, card) -> None:
    if card is not None and card.user is not None:
        user = card.user
        seen[user.id] = (user.id, card.name, bool(user.is_moderator))


def people_from_rows(rows: dict, user_ids) -> tuple:
    return tuple(
        sorted(
            (row.id, row.display_name, bool(row.is_moderator))
            for row in (rows.get(user_id) for user_id in user_ids)
            if row is not None
        )
    )


@dataclass(slots=True)
class ThreadEntry:
    """A thread's kept rendering, valid for `version` until `valid_until` while its people read
    as `people`."""

    question_id: int
    version: tuple  # thread_key
    valid_until: datetime
    people: tuple
    user_ids: tuple[int, ...]  # everyone the thread shows (the users query of each view)
    notices: Parts
    posts: dict[int, Parts]  # every post rendered so far (deleted ones when first asked for)
    owners: dict[int, str]  # each post's owner's name, for the attribution
    description: str
    # Filled by the first anonymous view: every slot but "stats" is the same for all of them.
    anonymous: dict[int, Parts] = field(default_factory=dict)
    json_ld: dict[tuple, str] = field(default_factory=dict)  # per (page URL, answer order)
    nbytes: int = 0

    def valid(self, version: tuple, now: datetime) -> bool:
        return self.version == version and now < self.valid_until


def parts_size(parts: Parts) -> int:
    return sum(sys.getsizeof(part) for part in parts)


def with_sources(blocks) -> None:
    """Each block's compact sources list, from the JSON its row came with (PostRow
    .sources_json): parsed only when the thread is rendered, not on views of kept HTML."""
    for block in blocks:
        if block.post.sources_json and not block.sources:
            block.sources = compact(rows_from_json(block.post.sources_json))


def build_entry(page, version: tuple, now: datetime) -> ThreadEntry:
    """Renders every post of the page model and what sits above the question."""
    clock = Clock(now)
    with_sources([page.question, *page.answers])
    dead = _dead_links(page)
    posts = {page.question.post.id: render_post(page.question, "question", page, clock, dead)}
    for block in page.answers:
        posts[block.post.id] = render_post(block, "answer", page, clock, dead)
    people = people_of(page)
    user_ids = {person[0] for person in people}
    question = page.question.post
    if page.bounty is not None and page.bounty.offerer.user is not None:
        user_ids.add(page.bounty.offerer.user.id)
    entry = ThreadEntry(
        question_id=question.id,
        version=version,
        valid_until=clock.valid_until,
        people=people,
        user_ids=tuple(sorted(user_ids)),
        notices=render_notices(page, clock),
        posts=posts,
        owners={b.post.id: b.owner.name for b in [page.question, *page.answers]},
        description=excerpt(question.body, DESCRIPTION_LENGTH),
    )
    entry.valid_until = clock.valid_until  # the notices, rendered after it was read above
    entry.nbytes = (
        sum(parts_size(parts) for parts in posts.values())
        + parts_size(entry.notices)
        + sys.getsizeof(entry.description)
    )
    return entry


def add_missing_posts(entry: ThreadEntry, page, now: datetime) -> None:
    """Posts the entry lacks (a deleted answer its first viewers could not see), rendered now."""
    clock = Clock(now)
    with_sources([b for b in [page.question, *page.answers] if b.post.id not in entry.posts])
    dead = _dead_links(page)
    for kind, block in [("question", page.question), *(("answer", b) for b in page.answers)]:
        if block.post.id not in entry.posts:
            parts = render_post(block, kind, page, clock, dead)
            entry.posts[block.post.id] = parts
            entry.owners[block.post.id] = block.owner.name
            entry.nbytes += parts_size(parts)
    entry.valid_until = min(entry.valid_until, clock.valid_until)


def json_ld(entry: ThreadEntry, page, url: str) -> str:
    key = (url, tuple(block.post.id for block in page.answers))
    found = entry.json_ld.get(key)
    if found is None:
        found = qa_page_json_ld(page, url)
        if len(entry.json_ld) < 8:  # a few hosts and answer orders; more are built each view
            entry.json_ld[key] = found
            entry.nbytes += sys.getsizeof(found)
    return found


class ViewerSlots:
    """Fills a thread's slots for one viewer from their page model (PostActions per post,
    CommentActions per comment) and the users' rows of this view."""

    def __init__(self, viewer: Viewer, posts: dict, comments: dict, users: dict) -> None:
        self.viewer = viewer
        self.posts = posts  # post id -> (row, kind, PostActions)
        self.comments = comments  # comment id -> CommentActions
        self.users = users  # user id -> a row with reputation and badge counts

    def __call__(self, slot: Slot) -> str:
        kind, ident = slot
        if kind == "stats":
            user = self.users.get(ident)
            if user is None:
                return ""
            return user_stats_html(
                displayed_reputation(user, self.viewer.now),
                user.gold_badges,
                user.silver_badges,
                user.bronze_badges,
            )
        if kind in ("comment_vote", "comment_tools"):
            actions = self.comments.get(ident)
            if actions is None or not self.viewer.signed_in:
                return ""
            if kind == "comment_vote":
                return comment_vote(ident, actions, self.viewer)
            return comment_tools(ident, actions, self.viewer)
        post, post_kind, actions = self.posts[ident]
        if kind == "vote_cell":
            return vote_cell(post, post_kind, actions, self.viewer)
        if kind == "post_menu":
            return post_menu(post, post_kind, actions, self.viewer.urls)
        if kind == "add_comment":
            return add_comment_link(ident, actions, self.viewer)
        raise ValueError(f"unknown slot {kind!r}")


def fill(parts: Parts, fill_slot, out: list[bytes]) -> None:
    for part in parts:
        if part.__class__ is bytes:
            out.append(part)
        else:
            out.append(fill_slot(part).encode())


def prefilled(parts: Parts, fill_slot) -> Parts:
    """The parts with every slot but "stats" filled, adjacent bytes joined."""
    done: Parts = []
    pending: list[bytes] = []
    for part in parts:
        if part.__class__ is not bytes and part[0] != "stats":
            part = fill_slot(part).encode()
        if part.__class__ is bytes:
            pending.append(part)
            continue
        if pending:
            done.append(b"".join(pending))
            pending = []
        done.append(part)
    if pending:
        done.append(b"".join(pending))
    return done

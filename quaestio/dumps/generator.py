"""A synthetic Stack Exchange data dump of any size, for tests and the import benchmark.

The mix of rows follows beer.stackexchange.com (Dec 2016): per question about 2.4 answers,
8.6 revisions, 3 comments, 18 votes, 9 badges and 6.7 users, so `scale=1` writes about 30,000
rows like beer and `scale=34` about a million. Every file is written in its own pass from a
per-question plan that is a pure function of (seed, question number), so nothing is held in
memory and any file can be regenerated alone. The data is made up by this module (no Stack
Exchange content), and carries what real dumps carry: deleted users (a display name and no id),
votes and post links pointing at deleted posts, closed/locked/protected questions with their
history, tag wikis owned by Community (-1), bounties, favourites, HTML that the sanitiser
rewrites, tabs in code, and the attributes of the chosen era.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from quaestio.dumps.schema import (
    BADGES,
    COMMENTS,
    POST_HISTORY,
    POST_LINKS,
    POSTS,
    TAGS,
    USERS,
    VOTES,
    DumpFileSpec,
)
from quaestio.dumps.xmlio import CRLF, DumpWriter, format_date

QUESTIONS_PER_SCALE = 600
USERS_PER_QUESTION = 6.7
POST_BLOCK = 8  # post ids per question: the question, up to 5 answers, and deleted posts
COMMENT_BLOCK = 24
HISTORY_BLOCK = 32
VOTE_BLOCK = 64
BADGE_BLOCK = 12
EPOCH = datetime(2014, 1, 21, 17, 45, 53, 587000)
WORDS = (
    "hops malt yeast lager ale stout porter barrel cask bottle brew ferment wheat barley "
    "bitter sweet sour aroma foam glass pint keg tap cellar temperature style origin"
).split()
BADGE_NAMES = [
    ("Autobiographer", 3),
    ("Student", 3),
    ("Teacher", 3),
    ("Nice Answer", 3),
    ("Good Answer", 2),
    ("Yearling", 2),
    ("Great Answer", 1),
    ("Famous Question", 1),
]


@dataclass(frozen=True)
class Options:
    scale: float = 1.0
    seed: int = 1
    era: str = "2023"  # "2016": Users.Age, no ContentLicense; "2023": ContentLicense
    tag_format: str = "angle"  # "angle": <a><b>; "pipe": |a|b|
    bom: bool = True
    newline: str = CRLF

    @property
    def questions(self) -> int:
        return max(1, int(self.scale * QUESTIONS_PER_SCALE))

    @property
    def users(self) -> int:
        return max(4, int(self.questions * USERS_PER_QUESTION))

    @property
    def tags(self) -> int:
        return 20 + self.questions // 5


@dataclass
class Plan:
    """What question number i looks like; every file derives its rows from it."""

    index: int
    question_id: int
    answer_ids: list[int]
    deleted_post_id: int
    created: datetime
    owner: int | None  # None: the owner was deleted
    answer_owners: list[int | None]
    tags: list[int]
    accepted: int | None
    closed: int | None  # close reason when closed
    locked: bool
    protected: bool
    comments: dict[int, int]  # post id -> number of comments
    edits: dict[int, int]  # post id -> number of body edits
    votes: dict[int, tuple[int, int]]  # post id -> (up, down)
    favourites: int
    bounty: bool
    link_to: int | None  # question id this one links to (may be a deleted post)
    duplicate_of: int | None


def plan(options: Options, index: int) -> Plan:
    rng = random.Random(options.seed * 1_000_003 + index)
    question_id = index * POST_BLOCK + 1
    answers = rng.choice((0, 1, 2, 2, 3, 3, 4, 5))
    answer_ids = [question_id + 1 + k for k in range(answers)]
    posts = [question_id, *answer_ids]

    def user() -> int | None:
        return None if rng.random() < 0.04 else rng.randint(1, options.users)

    closed = rng.choice((101, 102, 103, 104, 105)) if rng.random() < 0.08 else None
    earlier = rng.randrange(index) if index else None
    return Plan(
        index=index,
        question_id=question_id,
        answer_ids=answer_ids,
        deleted_post_id=question_id + POST_BLOCK - 1,
        created=EPOCH + timedelta(minutes=index * 37, milliseconds=rng.randrange(1000)),
        owner=user(),
        answer_owners=[user() for _ in answer_ids],
        tags=rng.sample(range(options.tags), k=rng.randint(1, min(4, options.tags))),
        accepted=rng.choice(answer_ids) if answer_ids and rng.random() < 0.6 else None,
        closed=closed,
        locked=rng.random() < 0.01,
        protected=rng.random() < 0.02,
        comments={p: rng.choice((0, 0, 1, 1, 2, 3)) for p in posts},
        edits={p: rng.choice((0, 0, 0, 1, 1, 2)) for p in posts},
        votes={p: (rng.randint(0, 6), rng.choice((0, 0, 0, 1))) for p in posts},
        favourites=rng.choice((0, 0, 0, 1)),
        bounty=rng.random() < 0.015,
        link_to=earlier * POST_BLOCK + 1 if earlier is not None and rng.random() < 0.12 else None,
        duplicate_of=(earlier * POST_BLOCK + 1 if earlier is not None and closed == 101 else None),
    )


def tag_name(number: int) -> str:
    return f"{WORDS[number % len(WORDS)]}-{number}"


def _date(moment: datetime) -> str:
    return format_date(moment)


def _licence(options: Options, pairs: list) -> None:
    if options.era != "2016":
        pairs.append(("ContentLicense", "CC BY-SA 4.0"))


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _markdown(rng: random.Random, post_id: int, revision: int) -> str:
    return (
        f"{_sentence(rng, 12).capitalize()} (revision {revision}).\r\n\r\n"
        f"See [the notes](http://example.com/{post_id}) and **this**:\r\n\r\n"
        f"    if hops:\r\n    \tbrew()\r\n"
    )


def _html(rng: random.Random, post_id: int) -> str:
    # A bare <a> (the sanitiser adds rel=...) and <br /> make the stored body differ from the
    # dump's, as real bodies do; a tab in code must survive.
    return (
        f"<p>{_sentence(rng, 12).capitalize()}.<br />\n"
        f'See <a href="http://example.com/{post_id}">the notes</a> and <strong>this</strong>:</p>\n\n'
        f"<pre><code>if hops:\n\tbrew()\n</code></pre>\n"
    )


def _tags_text(options: Options, tags: list[int]) -> str:
    names = [tag_name(t) for t in tags]
    if options.tag_format == "pipe":
        return "|" + "|".join(names) + "|"
    return "".join(f"<{n}>" for n in names)


def _owner(pairs: list, prefix: str, user: int | None, index: int) -> None:
    """OwnerUserId/OwnerDisplayName (posts) or UserId/UserDisplayName (history)."""
    if user is None:
        pairs.append((f"{prefix}DisplayName", f"user{1000 + index}"))
    else:
        pairs.append(("UserId" if prefix == "User" else f"{prefix}UserId", str(user)))


# --- the files ------------------------------------------------------------------------------


def _users(options: Options, write) -> None:
    write([("Id", "-1"), ("Reputation", "1"), ("CreationDate", _date(EPOCH)),
           ("DisplayName", "Community"), ("LastAccessDate", _date(EPOCH)),
           ("AboutMe", "<p>I'm a background process.</p>\n"), ("Views", "0"),
           ("UpVotes", "10"), ("DownVotes", "2"), ("AccountId", "-1")])  # fmt: skip
    rng = random.Random(options.seed)
    for user_id in range(1, options.users + 1):
        created = EPOCH + timedelta(minutes=user_id * 5, milliseconds=user_id % 1000)
        pairs = [("Id", str(user_id)), ("Reputation", str(1 + rng.randrange(5000))),
                 ("CreationDate", _date(created)), ("DisplayName", f"Brewer {user_id}"),
                 ("LastAccessDate", _date(created + timedelta(days=30)))]  # fmt: skip
        if user_id % 3 == 0:
            pairs.append(("WebsiteUrl", f"http://example.org/{user_id}"))
        if user_id % 4 == 0:
            pairs.append(("Location", "Somewhere & Elsewhere"))
        if user_id % 2 == 0:
            pairs.append(
                ("AboutMe", f'<p>About <a href="http://example.org/{user_id}">me</a></p>\n')
            )
        pairs += [("Views", str(rng.randrange(100))), ("UpVotes", str(rng.randrange(50))),
                  ("DownVotes", str(rng.randrange(5))), ("AccountId", str(100000 + user_id))]  # fmt: skip
        if options.era == "2016":
            if user_id % 3 == 1:
                pairs.append(("Age", str(20 + user_id % 40)))
            pairs.append(("ProfileImageUrl", f"https://example.net/{user_id}.png"))
        write(pairs)


def _tags(options: Options, write) -> None:
    counts = [0] * options.tags
    for index in range(options.questions):
        for tag in plan(options, index).tags:
            counts[tag] += 1
    wiki_base = options.questions * POST_BLOCK + 1
    for tag in range(options.tags):
        pairs = [("Id", str(tag + 1)), ("TagName", tag_name(tag)), ("Count", str(counts[tag]))]
        if options.era != "2016" and tag == 0:
            pairs.append(("IsRequired", "True"))
        if tag % 10 == 0:
            pairs += [("ExcerptPostId", str(wiki_base + tag * 2)),
                      ("WikiPostId", str(wiki_base + tag * 2 + 1))]  # fmt: skip
        write(pairs)


def _posts(options: Options, write) -> None:
    for index in range(options.questions):
        p = plan(options, index)
        rng = random.Random(p.question_id)
        for post_id in (p.question_id, *p.answer_ids):
            is_question = post_id == p.question_id
            ups, downs = p.votes[post_id]
            pairs = [("Id", str(post_id)), ("PostTypeId", "1" if is_question else "2")]
            if is_question and p.accepted:
                pairs.append(("AcceptedAnswerId", str(p.accepted)))
            if not is_question:
                pairs.append(("ParentId", str(p.question_id)))
            created = p.created + timedelta(hours=0 if is_question else post_id - p.question_id)
            pairs += [("CreationDate", _date(created)), ("Score", str(ups - downs))]
            if is_question:
                pairs.append(("ViewCount", str(10 + rng.randrange(900))))
            pairs.append(("Body", _html(rng, post_id)))
            owner = p.owner if is_question else p.answer_owners[p.answer_ids.index(post_id)]
            _owner(pairs, "Owner", owner, index)
            if p.edits[post_id]:
                pairs += [("LastEditorUserId", str(owner or 1)),
                          ("LastEditDate", _date(created + timedelta(days=1)))]  # fmt: skip
            pairs.append(("LastActivityDate", _date(created + timedelta(days=2))))
            if is_question:
                pairs += [("Title", f"Question {index}: {_sentence(rng, 5)}?"),
                          ("Tags", _tags_text(options, p.tags)),
                          ("AnswerCount", str(len(p.answer_ids)))]  # fmt: skip
            pairs.append(("CommentCount", str(p.comments[post_id])))
            if is_question and p.favourites:
                pairs.append(("FavoriteCount", str(p.favourites)))
            if is_question and p.closed:
                pairs.append(("ClosedDate", _date(created + timedelta(days=3))))
            _licence(options, pairs)
            write(pairs)
    wiki_base = options.questions * POST_BLOCK + 1
    for tag in range(0, options.tags, 10):
        for offset, kind in ((0, "4"), (1, "5")):
            created = _date(EPOCH + timedelta(days=tag))
            pairs = [("Id", str(wiki_base + tag * 2 + offset)), ("PostTypeId", kind),
                     ("CreationDate", created), ("Score", "0"),
                     ("Body", "" if kind == "4" else f"<p>About {tag_name(tag)}.</p>\n"),
                     ("OwnerUserId", "-1"), ("LastActivityDate", created),
                     ("CommentCount", "0")]  # fmt: skip
            _licence(options, pairs)
            write(pairs)


def _history(options: Options, write) -> None:
    for index in range(options.questions):
        p = plan(options, index)
        rng = random.Random(p.question_id + 7)
        next_id = index * HISTORY_BLOCK + 1

        def row(
            kind: int,
            post_id: int,
            when: datetime,
            guid: str,
            user: int | None,
            *,
            index=index,
            **more,
        ):
            nonlocal next_id
            pairs = [("Id", str(next_id)), ("PostHistoryTypeId", str(kind)),
                     ("PostId", str(post_id)), ("RevisionGUID", guid),
                     ("CreationDate", _date(when))]  # fmt: skip
            next_id += 1
            _owner(pairs, "User", user, index)
            for name in ("Comment", "Text"):
                if name in more:
                    pairs.append((name, more[name]))
            if kind in (1, 2, 3, 4, 5, 6) or "Comment" in more:
                _licence(options, pairs)
            write(pairs)

        for post_id in (p.question_id, *p.answer_ids):
            is_question = post_id == p.question_id
            owner = p.owner if is_question else p.answer_owners[p.answer_ids.index(post_id)]
            created = p.created + timedelta(hours=0 if is_question else post_id - p.question_id)
            guid = str(uuid.UUID(int=rng.getrandbits(128)))
            if is_question:
                row(1, post_id, created, guid, owner, Text=f"Question {index}")
            row(2, post_id, created, guid, owner, Text=_markdown(rng, post_id, 1))
            if is_question:
                row(3, post_id, created, guid, owner, Text=_tags_text(options, p.tags))
            for edit in range(p.edits[post_id]):
                when = created + timedelta(days=1, minutes=edit)
                guid = str(uuid.UUID(int=rng.getrandbits(128)))
                row(5, post_id, when, guid, owner, Comment="" if edit else "fixed a typo",
                    Text=_markdown(rng, post_id, edit + 2))  # fmt: skip
        voters = '{"Voters":[{"Id":1,"DisplayName":"Brewer 1"}]}'
        when = p.created + timedelta(days=3)
        if p.closed:
            text = voters
            if p.duplicate_of:
                text = voters[:-1] + f',"OriginalQuestionIds":[{p.duplicate_of}]}}'
            row(10, p.question_id, when, str(uuid.UUID(int=rng.getrandbits(128))), 1,
                Comment=str(p.closed), Text=text)  # fmt: skip
        if p.locked:
            row(14, p.question_id, when, str(uuid.UUID(int=rng.getrandbits(128))), -1, Text=voters)
        if p.protected:
            row(19, p.question_id, when, str(uuid.UUID(int=rng.getrandbits(128))), -1, Text=voters)


def _comments(options: Options, write) -> None:
    for index in range(options.questions):
        p = plan(options, index)
        rng = random.Random(p.question_id + 11)
        next_id = index * COMMENT_BLOCK + 1
        for post_id, count in p.comments.items():
            for k in range(count):
                user = rng.randint(1, options.users) if rng.random() > 0.05 else None
                text = (
                    f"{_sentence(rng, 8).capitalize()} and that is all"
                    if k % 2 == 0
                    else f"@Brewer{user} see `code` and *this* at http://example.com/{post_id}"
                )
                when = p.created + timedelta(hours=3, minutes=k)
                pairs = [("Id", str(next_id)), ("PostId", str(post_id)),
                         ("Score", str(rng.choice((0, 0, 1, 2)))), ("Text", text),
                         ("CreationDate", _date(when))]  # fmt: skip
                next_id += 1
                if user is None:
                    pairs.append(("UserDisplayName", f"user{2000 + index}"))
                else:
                    pairs.append(("UserId", str(user)))
                _licence(options, pairs)
                write(pairs)


def _votes(options: Options, write) -> None:
    for index in range(options.questions):
        p = plan(options, index)
        rng = random.Random(p.question_id + 13)
        next_id = index * VOTE_BLOCK + 1
        day = _date(p.created.replace(hour=0, minute=0, second=0, microsecond=0))

        def vote(
            post_id: int, kind: int, user: int | None = None, bounty: int | None = None, day=day
        ):
            nonlocal next_id
            pairs = [("Id", str(next_id)), ("PostId", str(post_id)), ("VoteTypeId", str(kind))]
            if user is not None:
                pairs.append(("UserId", str(user)))
            pairs.append(("CreationDate", day))
            if bounty is not None:
                pairs.append(("BountyAmount", str(bounty)))
            write(pairs)
            next_id += 1

        for post_id, (ups, downs) in p.votes.items():
            for _ in range(ups):
                vote(post_id, 2)
            for _ in range(downs):
                vote(post_id, 3)
        if p.accepted:
            vote(p.accepted, 1)
        for _ in range(p.favourites):
            vote(p.question_id, 5, user=rng.randint(1, options.users))
        if p.bounty:
            vote(p.question_id, 8, user=rng.randint(1, options.users), bounty=50)
            vote(p.accepted or p.question_id, 9, bounty=50)
        # Votes on a deleted post: real dumps keep them.
        for _ in range(rng.choice((0, 0, 1, 2))):
            vote(p.deleted_post_id, 2)


def _badges(options: Options, write) -> None:
    for index in range(options.questions):
        rng = random.Random(options.seed * 7 + index)
        moment = EPOCH + timedelta(minutes=index * 37 + 5)
        for k in range(rng.choice((6, 8, 9, 10, 12))):
            name, cls = BADGE_NAMES[rng.randrange(len(BADGE_NAMES))]
            write([("Id", str(index * BADGE_BLOCK + k + 1)),
                   ("UserId", str(rng.randint(1, options.users))), ("Name", name),
                   ("Date", _date(moment + timedelta(seconds=k))), ("Class", str(cls)),
                   ("TagBased", "False")])  # fmt: skip


def _links(options: Options, write) -> None:
    next_id = 1
    for index in range(options.questions):
        p = plan(options, index)
        for target, kind in ((p.link_to, 1), (p.duplicate_of, 3)):
            if target is None:
                continue
            when = _date(p.created + timedelta(days=3))
            write([("Id", str(next_id)), ("CreationDate", when), ("PostId", str(p.question_id)),
                   ("RelatedPostId", str(target)), ("LinkTypeId", str(kind))])  # fmt: skip
            next_id += 1
        if index % 50 == 7:  # a link from a deleted post
            when = _date(p.created + timedelta(days=4))
            write([("Id", str(next_id)), ("CreationDate", when),
                   ("PostId", str(p.deleted_post_id)), ("RelatedPostId", str(p.question_id)),
                   ("LinkTypeId", "1")])  # fmt: skip
            next_id += 1


WRITERS = {
    USERS: _users,
    TAGS: _tags,
    POSTS: _posts,
    POST_HISTORY: _history,
    COMMENTS: _comments,
    VOTES: _votes,
    BADGES: _badges,
    POST_LINKS: _links,
}


def generate(directory: str | Path, options: Options | None = None, *, only=None) -> dict[str, int]:
    """Write the dump's files into `directory`; returns rows written per file."""
    options = options or Options()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for spec, writer_function in WRITERS.items():
        if only is not None and spec.name not in only:
            continue
        counts[spec.name] = _write_file(target, spec, options, writer_function)
    return counts


def _write_file(target: Path, spec: DumpFileSpec, options: Options, writer_function) -> int:
    count = 0
    with (target / spec.filename).open("w", encoding="utf-8", newline="") as stream:
        with DumpWriter(stream, spec.root, bom=options.bom, newline=options.newline) as writer:

            def write(pairs: list[tuple[str, str]]) -> None:
                nonlocal count
                writer.row(pairs)
                count += 1

            writer_function(options, write)
    return count

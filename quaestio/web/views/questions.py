"""The question page and the short links that lead to it.

A view reads the thread's posts (one query, with the thread version), then takes the thread's
kept rendering (web/thread_render.py, web/thread_cache.py) and fills in the viewer's part. An
anonymous reader whose thread is kept costs the posts query, the users query (names,
reputation and badges of the people shown), the sidebar and the view count; a signed-in reader
also needs their page model (their votes and what they may do), built as before.
"""

from __future__ import annotations

import re
import secrets
import time
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.template import engines
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.urls import get_script_prefix, path
from django.utils import timezone
from markupsafe import Markup

from quaestio.accounts.selectors import Card, person_card
from quaestio.core.client import client_address
from quaestio.core.links import answer_in_thread_url, answer_url, question_url
from quaestio.core.timing import add_template_time
from quaestio.moderation.post_tools import merged_question_url
from quaestio.posts import sql
from quaestio.posts.actions import from_decision
from quaestio.posts.models import Post, PostType
from quaestio.posts.policies import may_answer
from quaestio.posts.selectors import (
    ANSWER_SORTS,
    ANSWERS_PER_PAGE,
    DEFAULT_ANSWER_SORT,
    anonymous_actions,
    answers_in_order,
    answers_on_page,
    page_holding,
    question_thread,
    sidebar,
    thread_page,
)
from quaestio.posts.services import count_question_view
from quaestio.web import (
    converters,  # noqa: F401  (registers <id:...>)
    thread_render,
)
from quaestio.web.jinja import csrf_field
from quaestio.web.paging import page_number, paginator
from quaestio.web.post_blocks import Viewer
from quaestio.web.thread_cache import thread_cache


def _count_view(request, question) -> None:
    visitor = f"u{request.user.id}" if request.user.is_authenticated else client_address(request)
    if count_question_view(question.id, visitor):
        question.view_count = (question.view_count or 0) + 1


def question_detail(request, question_id: int, slug: str | None = None):
    viewer = request.user if request.user.is_authenticated else None
    thread = question_thread(question_id, viewer)
    if thread is None or thread.question.deletion_date is not None:
        # A merged question's URL leads to the question it was merged into, for everyone.
        if merged := merged_question_url(question_id):
            return HttpResponsePermanentRedirect(merged)
    if thread is None:
        answer = (
            Post.objects.filter(id=question_id, post_type=PostType.ANSWER).only("parent_id").first()
        )
        if answer is not None:
            return HttpResponsePermanentRedirect(answer_url(answer.id))
        raise Http404("No question with that id")
    question = thread.question
    canonical = question_url(question.id, question.title)
    if request.path != canonical:
        # Redirected from the thread's first query alone, before the page's work.
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(canonical + (f"?{query}" if query else ""))
    sort = request.GET.get("answertab") or request.GET.get("sort") or DEFAULT_ANSWER_SORT
    sort = sort if sort in ANSWER_SORTS else DEFAULT_ANSWER_SORT
    now = timezone.now()
    _count_view(request, question)
    shown = _Shown(sort, page_number(request), request.GET.get("comments") == "all")
    if viewer is None:
        built = _anonymous_thread(request, thread, shown, canonical, now)
    else:
        built = _signed_in_thread(request, thread, viewer, shown, canonical, now)
    return _respond(request, built)


class _Shown(NamedTuple):
    """Which part of the thread a view shows: the answers' order, the page of them (30 a page,
    as Stack Exchange pages them), and whether every comment or each post's top five."""

    sort: str
    number: int
    all_comments: bool


def _entry_key(question_id: int, answers) -> tuple:
    """A thread's kept rendering is per page: the question with the answers the page shows."""
    return (question_id, tuple(answer.id for answer in answers))


def _kept(cache, key: tuple, entry) -> None:
    """Pages with every comment are rendered for the view, not kept: few ask for them."""
    if key is not None:
        cache.put(key, entry)


class _Built:
    """What a view hands to the page template: the thread's bytes and the per-view context."""

    __slots__ = ("notices", "question", "answers", "context")

    def __init__(self) -> None:
        self.notices: list[bytes] = []
        self.question: list[bytes] = []
        self.answers: list[bytes] = []
        self.context: dict = {}


def _viewer(request, signed_in: bool, canonical: str, now) -> Viewer:
    return Viewer(
        user_id=request.user.id if signed_in else None,
        csrf=str(csrf_field(request)) if signed_in else "",
        page_path=canonical,
        now=now,
    )


def _anonymous_thread(request, thread, shown: _Shown, canonical: str, now) -> _Built:
    question = thread.question
    cache = thread_cache()
    sort = shown.sort
    ordered = answers_in_order(thread.answers, sort)
    answers, number = answers_on_page(ordered, shown.number)
    key = None if shown.all_comments else _entry_key(question.id, answers)
    entry = cache.get(key) if key is not None else None
    users = None
    page = None
    with connection.cursor() as cursor:
        if entry is not None and entry.valid(thread_render.thread_key(thread), now):
            users = sql.user_cards(cursor, set(entry.user_ids))
            if thread_render.people_from_rows(users, entry.user_ids) != entry.people:
                entry = None  # a rename or a deleted account: render with the new names
        else:
            entry = None
        if entry is None:
            page = thread_page(thread, None, sort, number, shown.all_comments, ordered)
            entry = thread_render.build_entry(page, thread_render.thread_key(thread), now)
            users = _users_of(page)
            _kept(cache, key, entry)
            linked, related = page.linked, page.related
        else:
            linked, related = sidebar(cursor, question)
    viewer = _viewer(request, False, canonical, now)
    if not entry.anonymous:
        actions = anonymous_actions(thread)
        posts = {p.id: (p, _kind(p), actions[p.id]) for p in [question, *answers]}
        fill_slot = thread_render.ViewerSlots(viewer, posts, {}, {})
        entry.anonymous = {
            post_id: thread_render.prefilled(entry.posts[post_id], fill_slot) for post_id in posts
        }
        entry.nbytes += sum(thread_render.parts_size(p) for p in entry.anonymous.values())
        if key is not None:
            cache.resize(key)
    stats = thread_render.ViewerSlots(viewer, {}, {}, users)
    built = _Built()
    thread_render.fill(entry.notices, stats, built.notices)
    thread_render.fill(entry.anonymous[question.id], stats, built.question)
    for answer in answers:
        thread_render.fill(entry.anonymous[answer.id], stats, built.answers)
    if page is not None:
        ld = thread_render.json_ld(entry, page, request.build_absolute_uri(canonical))
    else:
        ld = _json_ld_kept(entry, answers, request.build_absolute_uri(canonical))
        if ld is None:
            page = thread_page(thread, None, sort, number, ordered=ordered)
            ld = thread_render.json_ld(entry, page, request.build_absolute_uri(canonical))
    bounty = _bounty(question, users)
    built.context = _context(
        question,
        entry,
        [question, *answers],
        canonical,
        sort,
        from_decision(may_answer(None, question)),
        bounty,
        linked,
        related,
        ld,
        signed_in=False,
    )
    _add_pager(request, built, thread, number)
    return built


def _add_pager(request, built: _Built, thread, number: int) -> None:
    """The answers' pager (every answer the viewer may see counts), and the answer count."""
    built.context["answer_count"] = sum(1 for a in thread.answers if not a.deletion_date)
    built.context["answer_pager"] = paginator(
        request, number, len(thread.answers), ANSWERS_PER_PAGE
    )


def _json_ld_kept(entry, answers, url: str) -> str | None:
    return entry.json_ld.get((url, tuple(answer.id for answer in answers)))


def _signed_in_thread(request, thread, viewer_user, shown: _Shown, canonical: str, now) -> _Built:
    page = thread_page(thread, viewer_user, shown.sort, shown.number, shown.all_comments)
    question = thread.question
    cache = thread_cache()
    key = None if shown.all_comments else _entry_key(question.id, [b.post for b in page.answers])
    entry = cache.get(key) if key is not None else None
    if (
        entry is None
        or not entry.valid(thread_render.thread_key(thread), now)
        or thread_render.people_of(page) != _people_among(page, entry)
    ):
        entry = thread_render.build_entry(page, thread_render.thread_key(thread), now)
        _kept(cache, key, entry)
    elif any(b.post.id not in entry.posts for b in [page.question, *page.answers]):
        thread_render.add_missing_posts(entry, page, now)
        cache.resize(key)
    viewer = _viewer(request, True, canonical, now)
    blocks = [page.question, *page.answers]
    posts = {b.post.id: (b.post, _kind(b.post), b.actions) for b in blocks}
    comments = {v.comment.id: v.actions for b in blocks for v in b.comments}
    fill_slot = thread_render.ViewerSlots(viewer, posts, comments, _users_of(page))
    built = _Built()
    thread_render.fill(entry.notices, fill_slot, built.notices)
    thread_render.fill(entry.posts[question.id], fill_slot, built.question)
    for block in page.answers:
        thread_render.fill(entry.posts[block.post.id], fill_slot, built.answers)
    built.context = _context(
        question,
        entry,
        [b.post for b in blocks],
        canonical,
        page.sort,
        page.can_answer,
        page.bounty,
        page.linked,
        page.related,
        thread_render.json_ld(entry, page, request.build_absolute_uri(canonical)),
        signed_in=True,
    )
    _add_pager(request, built, thread, page.number)
    return built


def _people_among(page, entry) -> tuple:
    """The entry's people restricted to those this page shows (a signed-in viewer may see a
    deleted post and its people that the entry has not rendered yet)."""
    shown = {person[0] for person in thread_render.people_of(page)}
    return tuple(person for person in entry.people if person[0] in shown)


def _kind(post) -> str:
    return "question" if post.post_type == PostType.QUESTION else "answer"


def _users_of(page) -> dict:
    users = {}
    for block in [page.question, *page.answers]:
        for card in (block.owner, block.editor, block.deleted_by):
            if card is not None and card.user is not None:
                users[card.user.id] = card.user
        for view in block.comments:
            if view.author.user is not None:
                users[view.author.user.id] = view.author.user
    if page.bounty is not None and page.bounty.offerer.user is not None:
        users[page.bounty.offerer.user.id] = page.bounty.offerer.user
    return users


class _Bounty:
    __slots__ = ("amount", "offerer", "ends_at")

    def __init__(self, amount: int, offerer: Card, ends_at) -> None:
        self.amount, self.offerer, self.ends_at = amount, offerer, ends_at


def _bounty(question, users: dict):
    if question.bounty_amount is None:
        return None
    row = users.get(question.bounty_offerer_id)
    offerer = Card(row, row.display_name) if row is not None else person_card(None, "")
    return _Bounty(question.bounty_amount, offerer, question.bounty_ends_at)


def _context(
    question, entry, posts, canonical, sort, can_answer, bounty, linked, related, ld, *, signed_in
) -> dict:
    return {
        "q": question,
        "views": question.view_count or 0,
        "canonical": canonical,
        "description": entry.description,
        "json_ld": ld,
        "signed_in": signed_in,
        "sort": sort,
        "sorts": ANSWER_SORTS,
        "answer_count": sum(1 for p in posts[1:] if not p.deletion_date),
        "can_answer": can_answer,
        "bounty": bounty,
        "authors": list(dict.fromkeys(entry.owners[p.id] for p in posts)),
        "sidebar": _sidebar_html(get_script_prefix(), _rows(linked), _rows(related)),
    }


def _rows(rows) -> tuple:
    return tuple(_SidebarRow(int(r.id), r.title, int(r.score), r.accepted_answer_id) for r in rows)


class _SidebarRow(NamedTuple):
    id: int
    title: str
    score: int
    accepted_answer_id: int | None


@lru_cache(maxsize=1024)
def _sidebar_html(prefix: str, linked: tuple, related: tuple) -> Markup:
    """The sidebar, rendered once per process for each list of rows (a question's related
    questions change seldom; 1,024 lists of some 2 kB each at most). The script prefix, which
    the links read, is part of the key."""
    template = engines["jinja2"].env.get_template("questions/sidebar.html")
    return Markup(template.render(linked=linked, related=related))


# Where the kept thread goes in the page template's output: marks holding a random token drawn
# when the process starts, which no user text can hold (as web/thread_render's slots).
_TOKEN = secrets.token_hex(8)
_MARKS = {name: Markup(f"\x00{_TOKEN}:{name}\x00") for name in ("notices", "question", "answers")}
_MARK = re.compile(f"\x00{_TOKEN}:(notices|question|answers)\x00")


def _respond(request, built: _Built) -> HttpResponse:
    """The page template rendered around the thread's bytes, encoded piece by piece (see
    web/jinja.render_encoded for why)."""
    template = engines["jinja2"].env.get_template("questions/page.html")
    context = {
        **built.context,
        "thread": _MARKS,
        "request": request,
        "csrf_input": csrf_input_lazy(request),
        "csrf_token": csrf_token_lazy(request),
    }
    started = time.perf_counter()
    html = template.render(context)
    out: list[bytes] = []
    pieces = _MARK.split(html)
    for index, piece in enumerate(pieces):
        if index % 2:
            out.extend(getattr(built, piece))
        else:
            out.append(piece.encode())
    content = b"".join(out)
    add_template_time(time.perf_counter() - started)
    return HttpResponse(content)


def question_short(request, question_id: int, user_id: int | None = None):
    question = (
        Post.objects.filter(id=question_id, post_type=PostType.QUESTION).only("title").first()
    )
    if question is None:
        raise Http404("No question with that id")
    return HttpResponsePermanentRedirect(question_url(question.id, question.title))


def answer_short(request, answer_id: int, user_id: int | None = None):
    answer = (
        Post.objects.filter(id=answer_id, post_type=PostType.ANSWER)
        .select_related("parent")
        .only("id", "parent__id", "parent__title")
        .first()
    )
    if answer is None or answer.parent is None:
        raise Http404("No answer with that id")
    return HttpResponsePermanentRedirect(
        answer_in_thread_url(
            answer.parent.id, answer.parent.title, answer.id, _page_holding(request, answer)
        )
    )


def _page_holding(request, answer) -> int:
    """The page of the default order that holds the answer, among the answers the viewer may
    see (the thread's one query)."""
    viewer = request.user if request.user.is_authenticated else None
    thread = question_thread(answer.parent.id, viewer)
    if thread is None:
        return 1
    return page_holding(answers_in_order(thread.answers, DEFAULT_ANSWER_SORT), answer.id)


urlpatterns = [
    path("questions/<id:question_id>", question_detail, name="question_noslug"),
    path("questions/<id:question_id>/", question_detail, name="question_noslug_slash"),
    path("questions/<id:question_id>/<str:slug>", question_detail, name="question"),
    path("q/<id:question_id>", question_short, name="question_short"),
    path("q/<id:question_id>/<id:user_id>", question_short),
    path("a/<id:answer_id>", answer_short, name="answer_short"),
    path("a/<id:answer_id>/<id:user_id>", answer_short),
]

"""Tag wikis and synonyms: editing a tag's excerpt and wiki (or suggesting an edit), their
revisions and rollback, the tag-wiki-edits review queue, and proposing, voting on and merging
tag synonyms. Every action is a plain form post (CSRF by Django's middleware); services decide
and refuse with a reason, shown on the page with nothing changed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from quaestio.core import links
from quaestio.core.diff import inline_diff
from quaestio.core.errors import DomainError
from quaestio.posts.revisions import post_revisions
from quaestio.tags import policies
from quaestio.tags.pages import synonym_rows, tag_info, tag_wiki_queue
from quaestio.tags.synonyms import synonym_propose, synonym_vote, tag_merge
from quaestio.tags.wiki import PARTS, tag_wiki_edit, tag_wiki_review, tag_wiki_rollback


def _info_or_404(name: str):
    found = tag_info(name)
    if found is None:
        raise Http404("No tag with that name")
    return found


def _text(post) -> str:
    if post is None:
        return ""
    return post.body_markdown or ""


@login_required
def edit(request, name: str):
    found = _info_or_404(name)
    excerpt, wiki = _text(found.excerpt), _text(found.wiki)
    error, status, done = "", 200, None
    if request.method == "POST":
        excerpt, wiki = request.POST.get("excerpt", ""), request.POST.get("wiki", "")
        try:
            done = tag_wiki_edit(
                request.user,
                found.tag.name,
                excerpt=excerpt,
                wiki=wiki,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as refused:
            error, status = refused.message, refused.status
        else:
            if done.applied:
                return redirect(links.tag_info_url(found.tag.name))
    return render(
        request,
        "tags/edit.html",
        {
            "tag": found.tag,
            "excerpt": excerpt,
            "wiki": wiki,
            "error": error,
            "suggested": done.suggested if done else [],
            "direct": policies.can_edit_tag_wiki(request.user)[0],
        },
        status=status,
    )


def revisions(request, name: str):
    found = _info_or_404(name)
    part = request.GET.get("part", "wiki")
    part = part if part in PARTS else "wiki"
    post = found.excerpt if part == "excerpt" else found.wiki
    items = list(reversed(post_revisions(post.id))) if post is not None else []
    for revision in items:
        before = revision.previous.body if revision.previous else ""
        revision.diff = inline_diff(before, revision.body) if revision.number else ""
    return render(
        request,
        "tags/revisions.html",
        {
            "tag": found.tag,
            "part": part,
            "revisions": [r for r in items if r.number],
            "may_rollback": policies.can_edit_tag_wiki(request.user)[0],
        },
    )


@require_POST
@login_required
def rollback(request, name: str):
    part = request.POST.get("part", "")
    number = request.POST.get("revision", "")
    try:
        if not number.isdigit():
            raise Http404("No such revision")
        tag_wiki_rollback(request.user, name, part, int(number))
    except DomainError as refused:
        return render(
            request, "tags/refused.html", {"error": refused.message}, status=refused.status
        )
    return redirect(f"{links.page_url('tag_wiki_revisions', name)}?part={part}")


@login_required
def queue(request):
    """The tag-wiki-edits review queue: pending suggestions with their diffs."""
    allowed, reason = policies.can_review_tag_wiki_edit(request.user)
    items = tag_wiki_queue(request.user) if allowed else []
    for item in items:
        item.diff = inline_diff(item.current, item.suggestion.body_markdown)
    return render(
        request,
        "tags/wiki_queue.html",
        {"items": items, "allowed": allowed, "reason": reason, "error": request.GET.get("e", "")},
        status=200 if allowed else 403,
    )


@require_POST
@login_required
def review(request, suggestion_id: int):
    try:
        tag_wiki_review(request.user, suggestion_id, request.POST.get("verdict", ""))
    except DomainError as refused:
        return render(
            request, "tags/refused.html", {"error": refused.message}, status=refused.status
        )
    return redirect(links.page_url("tag_wiki_edits"))


def synonyms(request, name: str):
    found = _info_or_404(name)
    error, status = "", 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{links.page_url('login')}?next={request.path}")
        try:
            synonym_propose(request.user, request.POST.get("source", ""), found.tag.name)
        except DomainError as refused:
            error, status = refused.message, refused.status
        else:
            return redirect(links.page_url("tag_synonyms", found.tag.name))
    return render(
        request,
        "tags/synonyms.html",
        {
            "tag": found.tag,
            "approved": found.synonyms,
            "rows": synonym_rows(request.user, found.tag, found.proposals),
            "error": error,
            "may_merge": policies.can_merge_tags(request.user)[0],
        },
        status=status,
    )


@require_POST
@login_required
def vote(request, name: str, synonym_id: int):
    try:
        synonym_vote(request.user, synonym_id, 1 if request.POST.get("vote") == "up" else -1)
    except DomainError as refused:
        return render(
            request, "tags/refused.html", {"error": refused.message}, status=refused.status
        )
    return redirect(links.page_url("tag_synonyms", name))


@require_POST
@login_required
def merge(request, name: str):
    """A moderator merges this tag into another (the form on the synonyms page)."""
    target = request.POST.get("target", "")
    try:
        tag_merge(request.user, name, target)
    except DomainError as refused:
        return render(
            request, "tags/refused.html", {"error": refused.message}, status=refused.status
        )
    return redirect(links.page_url("tag_synonyms", target.strip().lower()))


urlpatterns = [
    path("review/tag-wiki-edits", queue, name="tag_wiki_edits"),
    path("review/tag-wiki-edits/<id:suggestion_id>", review, name="tag_wiki_review"),
    path("tags/<str:name>/edit", edit, name="tag_wiki_edit"),
    path("tags/<str:name>/revisions", revisions, name="tag_wiki_revisions"),
    path("tags/<str:name>/rollback", rollback, name="tag_wiki_rollback"),
    path("tags/<str:name>/synonyms", synonyms, name="tag_synonyms"),
    path("tags/<str:name>/synonyms/<id:synonym_id>/vote", vote, name="tag_synonym_vote"),
    path("tags/<str:name>/merge", merge, name="tag_merge"),
]

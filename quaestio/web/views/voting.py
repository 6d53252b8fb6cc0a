"""Voting, accepting, bounties, the reputation page and badge pages.

Every action is a plain form post that redirects back (no JavaScript needed); voting.js sends
the same post with `Accept: application/json` and gets the new state back instead.

Forms say what the user wants to be true, in an `intent` field, so a retried or doubled post
cannot undo itself: a vote form sends `intent=up|down|none`, an accept form
`intent=accept|unaccept`, a comment vote form `intent=up|none`. A form without one (a page
rendered before forms carried it) flips the state, decided by the service under its lock.
"""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from quaestio.core import links
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.votes import rules as vote_rules
from quaestio.votes import services
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, fallback: str) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return fallback


def _refuse(request, error: DomainError, back: str):
    if _wants_json(request):
        return JsonResponse({"error": error.message}, status=error.status)
    return render(
        request,
        "voting/refused.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def _login_needed(request, message: str):
    if _wants_json(request):
        return JsonResponse({"error": message, "login": links.page_url("login")}, status=401)
    return redirect(links.login_url(request.headers.get("Referer", "/")))


FLIP = object()
VOTE_INTENTS = {"up": "up", "down": "down", "none": None}
ACCEPT_INTENTS = {"accept": True, "unaccept": False}
COMMENT_VOTE_INTENTS = {"up": True, "none": False}


def _intent(request, choices: dict[str, object]):
    """The state the form asks for, or `FLIP` when it sends none."""
    raw = request.POST.get("intent")
    if raw is None:
        return FLIP
    if raw not in choices:
        raise ValidationFailed(f"intent must be one of: {', '.join(choices)}.")
    return choices[raw]


@require_POST
def post_vote(request, post_id: int, direction: str):
    back = _back(request, links.question_short_url(post_id))
    if not request.user.is_authenticated:
        return _login_needed(request, "Log in or sign up to vote.")
    try:
        if direction not in VOTE_INTENTS or direction == "none":
            raise ValidationFailed("A vote is either up or down.")
        intent = _intent(request, VOTE_INTENTS)
        if intent is FLIP:
            outcome = services.vote_set(request.user, post_id, direction, flip=True)
        else:
            outcome = services.vote_set(request.user, post_id, intent)
    except DomainError as error:
        return _refuse(request, error, back)
    if _wants_json(request):
        return JsonResponse(
            {
                "post_id": outcome.post_id,
                "score": outcome.score,
                "vote": outcome.vote,
                "action": outcome.action,
            }
        )
    return redirect(back)


@require_POST
def accept(request, answer_id: int):
    back = _back(request, links.answer_url(answer_id))
    if not request.user.is_authenticated:
        return _login_needed(request, "Log in to accept an answer.")
    try:
        intent = _intent(request, ACCEPT_INTENTS)
        outcome = services.accept_set(request.user, answer_id, intent is True, flip=intent is FLIP)
    except DomainError as error:
        return _refuse(request, error, back)
    if _wants_json(request):
        return JsonResponse(
            {
                "question_id": outcome.question_id,
                "accepted_answer_id": outcome.accepted_answer_id,
                "changed": outcome.changed,
            }
        )
    return redirect(back)


@require_POST
def comment_vote(request, comment_id: int):
    back = _back(request, links.page_url("home"))
    if not request.user.is_authenticated:
        return _login_needed(request, "Log in or sign up to vote.")
    try:
        intent = _intent(request, COMMENT_VOTE_INTENTS)
        outcome = services.comment_vote_set(
            request.user, comment_id, intent is True, flip=intent is FLIP
        )
    except DomainError as error:
        return _refuse(request, error, back)
    if _wants_json(request):
        return JsonResponse(
            {
                "comment_id": outcome.comment_id,
                "score": outcome.score,
                "voted": outcome.voted,
                "changed": outcome.changed,
            }
        )
    return redirect(back)


def bounty_offer(request, question_id: int):
    """The bounty page: offer one, or see the open one and (the offerer) award it."""
    from quaestio.votes.selectors import bounty_page

    page = bounty_page(question_id, request.user)
    if page is None:
        raise Http404("No question with that id")
    context = {
        "page": page,
        "q": page.question,
        "reasons": vote_rules.BOUNTY_REASONS,
        "amounts": range(vote_rules.BOUNTY_MIN, vote_rules.BOUNTY_MAX + 1, vote_rules.BOUNTY_STEP),
        "error": "",
    }
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login_needed(request, "Log in to offer a bounty.")
        try:
            amount = int(request.POST.get("amount", ""))
        except ValueError:
            amount = 0
        try:
            services.bounty_offer(
                request.user, page.question.id, amount, request.POST.get("reason", "")
            )
        except DomainError as error:
            context["error"] = error.message
            return render(request, "voting/bounty_offer.html", context, status=error.status)
        return redirect(links.question_url(page.question.id, page.question.title))
    return render(request, "voting/bounty_offer.html", context)


@require_POST
def bounty_award(request, answer_id: int):
    back = _back(request, links.answer_url(answer_id))
    if not request.user.is_authenticated:
        return _login_needed(request, "Log in to award a bounty.")
    try:
        services.bounty_award(request.user, answer_id)
    except DomainError as error:
        return _refuse(request, error, back)
    return redirect(back)


@require_GET
def featured(request):
    from quaestio.votes.selectors import featured_questions
    from quaestio.web.paging import paged

    (rows, total), pager = paged(request, lambda number: featured_questions(number, 30), 30)
    return render(request, "voting/featured.html", {"rows": rows, "total": total, "pager": pager})


@require_GET
def reputation(request, user_id: int, slug: str | None = None):
    from quaestio.reputation.selectors import reputation_page

    page = reputation_page(user_id)
    if page is None:
        raise Http404("No user with that id")
    canonical = links.user_reputation_url(user_id, page.user.display_name)
    if request.path != canonical:
        return HttpResponsePermanentRedirect(canonical)
    return render(
        request,
        "reputation/page.html",
        {"page": page, "u": page.user, "canonical": canonical},
    )


@require_GET
def badge_list(request):
    from quaestio.badges.selectors import badge_list as list_badges

    return render(request, "badges/list.html", {"groups": list_badges()})


@require_GET
def badge_detail(request, name: str):
    from quaestio.badges.selectors import badge_recipients
    from quaestio.web.paging import paged

    detail, pager = paged(
        request,
        lambda number: badge_recipients(name, number, 60),
        60,
        total=lambda detail: detail.total if detail else 0,
    )
    if detail is None:
        raise Http404("No badge with that name")
    return render(
        request,
        "badges/detail.html",
        {"badge": detail, "pager": pager, "canonical": links.badge_url(name)},
    )


urlpatterns = [
    path("posts/<id:post_id>/vote/<str:direction>", post_vote, name="post_vote"),
    path("posts/<id:answer_id>/accept", accept, name="accept"),
    path("comments/<id:comment_id>/vote/up", comment_vote, name="comment_vote"),
    path("posts/<id:question_id>/bounty", bounty_offer, name="bounty_offer"),
    path("posts/<id:answer_id>/bounty/award", bounty_award, name="bounty_award"),
    path("questions/featured", featured, name="featured"),
    path("users/<id:user_id>/<str:slug>/reputation", reputation, name="user_reputation"),
    path("badges", badge_list, name="badges"),
    path("badges/<str:name>", badge_detail, name="badge"),
]

"""Discussion rooms: the list, a room (live: chat.js and live.js), its transcript per day, and
the forms that talk in it. Each form works as a plain POST (back to the room); chat.js sends
the same forms with `Accept: application/json` and is answered in JSON."""

from __future__ import annotations

from datetime import date

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from quaestio.chat import selectors, services
from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation.models import RoomMessage
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _room_or_404(request, room_id: int):
    found = selectors.room(room_id)
    if found is None:
        raise Http404("No room with that id")
    room, post = found
    if post is not None and post.deletion_date is not None:
        # The discussion of a deleted post is for those who see the post.
        from quaestio.moderation.policies import can_see_deleted

        if not can_see_deleted(request.user, post):
            raise Http404("No room with that id")
    return room, post


def _refused(request, room_id: int, error: DomainError):
    if _wants_json(request):
        return JsonResponse({"error": error.message}, status=error.status)
    found = _room_or_404(request, room_id)
    page = selectors.room_page(*found, request.user)
    return render(
        request,
        "chat/room.html",
        {"page": page, "error": error.message, "text": request.POST.get("text", "")},
        status=error.status,
    )


def _fragments(request, views) -> list[dict]:
    return [
        {
            "id": view.message.id,
            "html": render_to_string("chat/message.html", {"m": view}, request=request),
        }
        for view in views
    ]


@require_GET
def room_list(request):
    return render(request, "chat/list.html", {"rooms": selectors.room_list()})


@require_GET
def room(request, room_id: int):
    page = selectors.room_page(*_room_or_404(request, room_id), request.user)
    return render(request, "chat/room.html", {"page": page})


@require_GET
def room_messages(request, room_id: int):
    """New messages after ?after=<id>, or the messages ?ids=1,2 afresh (edited, starred), as
    HTML fragments for chat.js."""
    room, _ = _room_or_404(request, room_id)
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()]
    if ids:
        views = selectors.messages_by_id(room.id, ids, request.user)
    else:
        after = request.GET.get("after", "0")
        views = selectors.messages_after(
            room.id, int(after) if after.isdigit() else 0, request.user
        )
    response = JsonResponse({"messages": _fragments(request, views)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def message_post(request, room_id: int):
    room, _ = _room_or_404(request, room_id)
    try:
        message = services.message_post(request.user, room.id, request.POST.get("text", ""))
    except DomainError as error:
        return _refused(request, room.id, error)
    if _wants_json(request):
        return JsonResponse({"id": message.id})
    return redirect(services.message_url(message))


def _message_or_404(message_id: int) -> RoomMessage:
    message = RoomMessage.objects.filter(id=message_id).only("id", "room_id").first()
    if message is None:
        raise Http404("No message with that id")
    return message


@require_POST
def message_edit(request, message_id: int):
    found = _message_or_404(message_id)
    _room_or_404(request, found.room_id)
    try:
        message = services.message_edit(request.user, found.id, request.POST.get("text", ""))
    except DomainError as error:
        return _refused(request, found.room_id, error)
    if _wants_json(request):
        return JsonResponse({"id": message.id})
    return redirect(services.message_url(message))


@require_POST
def message_star(request, message_id: int):
    found = _message_or_404(message_id)
    _room_or_404(request, found.room_id)
    starred = request.POST.get("star", "on") != "off"
    try:
        message = services.message_star(request.user, found.id, starred)
    except DomainError as error:
        return _refused(request, found.room_id, error)
    if _wants_json(request):
        return JsonResponse({"id": message.id, "stars": message.star_count})
    return redirect(services.message_url(message))


@require_GET
def transcript(request, room_id: int, year: int, month: int, day: int):
    try:
        wanted = date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise Http404("No such day") from error
    room, post = _room_or_404(request, room_id)
    page = selectors.transcript_day(room, post, wanted, request.user)
    return render(request, "chat/transcript.html", {"page": page})


def transcript_url(room_id: int, day: date) -> str:
    return links.page_url("room_transcript", room_id, day.year, day.month, day.day)


urlpatterns = [
    path("rooms", room_list, name="rooms"),
    path("rooms/<id:room_id>", room, name="room"),
    path("rooms/<id:room_id>/messages", room_messages, name="room_messages"),
    path("rooms/<id:room_id>/say", message_post, name="room_say"),
    path("rooms/messages/<id:message_id>/edit", message_edit, name="room_message_edit"),
    path("rooms/messages/<id:message_id>/star", message_star, name="room_message_star"),
    path(
        "transcript/<id:room_id>/<id:year>/<id:month>/<id:day>",
        transcript,
        name="room_transcript",
    ),
]

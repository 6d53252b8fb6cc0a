from django.urls import path

from quaestio.live import views
from quaestio.web import converters  # noqa: F401  (registers <id:...>)

urlpatterns = [
    path("live/stream", views.stream, name="live_stream"),
    path("live/status.json", views.stream_status, name="live_status"),
    path("live/questions/<id:question_id>/state.json", views.question_state, name="live_state"),
]

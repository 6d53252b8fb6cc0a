"""Pages of the writing area; routes are listed in `urlpatterns` at the bottom."""

from django.urls import path

from quaestio.web.views.site import not_yet

urlpatterns: list = [
    path("questions/ask", not_yet("Ask a question"), name="ask"),
]

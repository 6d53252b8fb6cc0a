"""Pages of the search area; routes are listed in `urlpatterns` at the bottom."""

from django.urls import path

from quaestio.web.views.site import not_yet

urlpatterns: list = [
    path("search", not_yet("Search"), name="search"),
]

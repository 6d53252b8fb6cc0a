"""Pages of the accounts area; routes are listed in `urlpatterns` at the bottom."""

from django.urls import path

from quaestio.web.views.site import not_yet

urlpatterns: list = [
    path("users/login", not_yet("Log in"), name="login"),
    path("users/signup", not_yet("Sign up"), name="signup"),
    path("users/logout", not_yet("Log out"), name="logout"),
]

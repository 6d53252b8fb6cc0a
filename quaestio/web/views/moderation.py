"""Pages of the moderation area; routes are listed in `urlpatterns` at the bottom."""

urlpatterns: list = []

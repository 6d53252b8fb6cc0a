"""Pages of the voting area; routes are listed in `urlpatterns` at the bottom."""

urlpatterns: list = []

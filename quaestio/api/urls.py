"""The Stack Exchange API 2.3-compatible endpoints (issue: API)."""

urlpatterns: list = []

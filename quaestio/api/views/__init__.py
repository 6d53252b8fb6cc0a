"""API methods by area. Importing this package registers every method in api/registry.py."""

from quaestio.api.views import (  # noqa: F401
    answers,
    badges,
    closing,
    comments,
    flags,
    me,
    posts,
    questions,
    search,
    site,
    tags,
    users,
    writes,
)

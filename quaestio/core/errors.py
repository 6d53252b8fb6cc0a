"""Typed domain errors. Views and the API map them to responses in one place each."""

from __future__ import annotations


class DomainError(Exception):
    """Base: the message is safe to show to the user and says what to do next."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    """A policy said no; the message names what is missing."""

    status = 403


class ValidationFailed(DomainError):
    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class RateLimited(DomainError):
    status = 429

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after

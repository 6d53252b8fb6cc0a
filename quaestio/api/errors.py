"""The API's errors, as Stack Exchange returns them: HTTP 400 with error_id, error_name and
error_message together (StackAPI raises only when all three are present)."""

from __future__ import annotations

# error_id → (error_name, description), the table of /2.3/errors.
ERRORS: dict[int, tuple[str, str]] = {
    400: (
        "bad_parameter",
        "An invalid parameter was passed, this includes even high level parameters like key or site.",
    ),
    401: (
        "access_token_required",
        "A method that requires an access token (obtained via authentication) was called without one.",
    ),
    402: ("invalid_access_token", "An invalid access token was passed to a method."),
    403: (
        "access_denied",
        "A method which requires certain permissions was called with an access token that lacks those permissions.",
    ),
    404: (
        "no_method",
        "An attempt was made to call a method that does not exist. Note, calling methods that expect numeric ids (like /users/{ids}) with non-numeric ids can also result in this error.",
    ),
    405: (
        "key_required",
        "A method was called in a manner that requires an application key (generally, with an access token), but no key was passed.",
    ),
    406: (
        "access_token_compromised",
        "An access token is no longer believed to be secure, normally because it was used on a non-HTTPS call. The access token will be invalidated if this error is returned.",
    ),
    407: ("write_failed", "A write operation was rejected by the site; the message says why."),
    409: ("duplicate_request", "A request identical to one that just succeeded was made again."),
    500: ("internal_error", "An unexpected error occurred in the API. It has been logged."),
    502: (
        "throttle_violation",
        "An application has violated part of the rate limiting contract, so the request was terminated.",
    ),
    503: ("temporarily_unavailable", "Some or all of the API is unavailable."),
}


class ApiError(Exception):
    error_id = 500

    def __init__(self, message: str, backoff: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.backoff = backoff

    @property
    def error_name(self) -> str:
        return ERRORS[self.error_id][0]

    def as_dict(self) -> dict:
        return {
            "error_id": self.error_id,
            "error_message": self.message,
            "error_name": self.error_name,
        }


def error_for_id(error_id: int, message: str | None = None) -> ApiError:
    """An error of the given id, as `/errors/{id}` simulates it."""
    error = ApiError(message or ERRORS[error_id][1])
    error.error_id = error_id
    return error


class BadParameter(ApiError):
    error_id = 400

    def __init__(self, parameter: str, message: str | None = None) -> None:
        super().__init__(message or f"{parameter} is invalid")
        self.parameter = parameter


class AccessTokenRequired(ApiError):
    error_id = 401


class InvalidAccessToken(ApiError):
    error_id = 402


class AccessDenied(ApiError):
    error_id = 403


class NoMethod(ApiError):
    error_id = 404


class WriteFailed(ApiError):
    error_id = 407


class InternalError(ApiError):
    error_id = 500


class ThrottleViolation(ApiError):
    error_id = 502

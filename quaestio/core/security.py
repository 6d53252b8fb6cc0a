"""Security headers Django does not set itself: the Content-Security-Policy."""

from __future__ import annotations

# No inline script or style anywhere: the pages' scripts are ES modules from /static and
# their styles are the stylesheets, so an injection that slipped past the sanitiser could
# neither run script nor restyle the page. Images may come from any https host (post bodies
# link images on other sites; imported dumps' avatars are https); data: is not needed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy(live_url: str = "") -> str:
    """The policy; pages may also open their event stream on the live-updates process's own
    address when `quaestio serve` runs it on a port of its own (settings.QUAESTIO_LIVE_URL)."""
    origin = _origin(live_url)
    if not origin:
        return CONTENT_SECURITY_POLICY
    return f"{CONTENT_SECURITY_POLICY}; connect-src 'self' {origin}"


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ContentSecurityPolicyMiddleware:
    """Sets the Content-Security-Policy header on every response that has none."""

    def __init__(self, get_response) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy = content_security_policy(settings.QUAESTIO_LIVE_URL)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response

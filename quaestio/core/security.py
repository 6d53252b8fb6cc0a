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


class ContentSecurityPolicyMiddleware:
    """Sets the Content-Security-Policy header on every response that has none."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

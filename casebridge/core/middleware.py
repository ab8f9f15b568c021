from django.conf import settings

from casebridge.core.context import RequestContext, reset_request_context, set_request_context


def client_ip(request) -> str | None:
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client IP and channel (web or api) available to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        token = set_request_context(RequestContext(ip_address=client_ip(request), source=source))
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)

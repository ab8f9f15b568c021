from django.conf import settings

from casebridge.core import identity
from casebridge.core.context import RequestContext, reset_request_context, set_request_context


def client_ip(request) -> str | None:
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client IP and channel (web or api) available to the audit log, and makes the
    request's user (read when rows load: after session or API-token authentication) the viewer
    that hidden identities are blanked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        token = set_request_context(RequestContext(ip_address=client_ip(request), source=source))
        viewer = identity.set_viewer(lambda: getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            identity.reset_viewer(viewer)
            reset_request_context(token)

"""Two-step sign-in: a signed-in user who needs a second factor reaches nothing else first."""

from urllib.parse import quote

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from casebridge.accounts.selectors import mfa_device_for, mfa_required_for

# What the session still owes: "verify" (enter a code), "setup" (policy requires an app) or "".
SESSION_KEY = "casebridge_two_step"
EXEMPT_PREFIXES = ("/login/", "/logout/", "/two-step/verify/", "/two-step/setup/", "/static/")


def two_step_needed(user) -> str:
    if mfa_device_for(user) is not None:
        return "verify"
    return "setup" if mfa_required_for(user) else ""


def note_what_sign_in_owes(sender, request, user, **kwargs):
    """On every sign-in (user_logged_in), work out what the new session still owes."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_step_needed(user)


class TwoStepSignInMiddleware:
    """Sends a session that has not passed its second step to the code (or set-up) page.

    What a session owes is worked out once and kept in it, so signed-in pages cost no query;
    API calls with a bearer token are not sessions and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            needed = request.session.get(SESSION_KEY)
            if needed is None:
                needed = two_step_needed(user)
                request.session[SESSION_KEY] = needed
            if needed:
                if request.path_info.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Finish two-step sign-in in the browser first.")}, status=401
                    )
                target = reverse("two_step_verify" if needed == "verify" else "two_step_setup")
                return redirect(f"{target}?next={quote(request.get_full_path())}")
        return self.get_response(request)

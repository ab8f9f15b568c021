import base64
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts import selectors, services
from casebridge.accounts.forms import SignInForm, TwoStepCodeForm
from casebridge.accounts.middleware import SESSION_KEY, two_step_needed
from casebridge.core.errors import NotVisible
from casebridge.core.pagination import paginate

PENDING_DEVICE_KEY = "casebridge_two_step_pending"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        services.sign_in_record(user=user, succeeded=True)
        needed = self.request.session.get(SESSION_KEY)  # set on user_logged_in
        if needed:
            step = "two_step_verify" if needed == "verify" else "two_step_setup"
            return redirect(f"{reverse(step)}?next={quote(response.url)}")
        return response

    def form_invalid(self, form):
        services.sign_in_record(user=None, succeeded=False, username=form.data.get("username", ""))
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.sign_out_record(user=request.user)
        return super().post(request, *args, **kwargs)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("today")


def _passed(request, device):
    otp_login(request, device)
    request.session[SESSION_KEY] = ""
    request.session.pop(PENDING_DEVICE_KEY, None)


@login_required
def two_step_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if selectors.mfa_device_for(request.user) is None:
        # Reset since the session began: set up again if required, else carry on.
        needed = two_step_needed(request.user)
        request.session[SESSION_KEY] = needed
        if needed:
            return redirect(f"{reverse('two_step_setup')}?next={quote(_next_url(request))}")
        return redirect(_next_url(request))
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.mfa_verify(user=request.user, code=form.cleaned_data["code"])
        except services.MfaError:
            form.add_error(
                "code",
                _(
                    "That code did not work. Codes change every 30 seconds: check the clock on "
                    "your phone and try the newest one, or use a recovery code."
                ),
            )
        else:
            _passed(request, device)
            return redirect(_next_url(request))
    return render(
        request, "accounts/two_step_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def two_step_setup(request):
    """Connect an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if selectors.mfa_device_for(user) is not None and not user.is_verified():
        # Replacing an app needs the old one (or a recovery code) first.
        return redirect(f"{reverse('two_step_verify')}?next={quote(request.get_full_path())}")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(PENDING_DEVICE_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        device = services.mfa_enrolment_start(user=user)
        request.session[PENDING_DEVICE_KEY] = device.pk
    form = TwoStepCodeForm(request.POST or None)
    form.fields["code"].help_text = _("The 6-digit code the app shows now.")
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.mfa_enrolment_confirm(
                user=user, device_id=device.pk, code=form.cleaned_data["code"]
            )
        except services.MfaError:
            form.add_error(
                "code",
                _(
                    "That code did not match. Check the clock on your phone and try the "
                    "newest code."
                ),
            )
        else:
            _passed(request, device)
            return render(
                request,
                "accounts/two_step_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_data_uri": qr.svg_data_uri(scale=5, dark="#1b1b1b"),
        "secret": " ".join(
            base64.b32encode(device.bin_key).decode().rstrip("=")[i : i + 4]
            for i in range(0, 32, 4)
        ),
        "required": selectors.mfa_required_for(user),
    }
    return render(request, "accounts/two_step_setup.html", context)


@login_required
def two_step_settings(request):
    """The user's own two-step sign-in status: set up, replace, new recovery codes."""
    user = request.user
    context = {
        "device": selectors.mfa_device_for(user),
        "codes_left": selectors.mfa_recovery_codes_left(user),
        "required": selectors.mfa_required_for(user),
    }
    return render(request, "accounts/two_step_settings.html", context)


@login_required
@require_POST
def two_step_recovery_codes(request):
    if selectors.mfa_device_for(request.user) is None or not request.user.is_verified():
        return redirect("two_step_settings")
    codes = services.mfa_recovery_codes_regenerate(user=request.user)
    return render(
        request,
        "accounts/two_step_codes.html",
        {"codes": codes, "next": reverse("two_step_settings"), "first_time": False},
    )


@login_required
def staff_list(request):
    """Agency administrators: their staff, roles, last sign-in and two-step sign-in status."""
    if not selectors.admin_agency_ids(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.staff_for_admin(request.user))
    return render(
        request,
        "accounts/staff.html",
        {"page": page, "nav_section": "staff"},
    )


@login_required
@require_POST
def staff_mfa_reset(request, user_id):
    if not selectors.admin_agency_ids(request.user):
        raise PermissionDenied
    try:
        staff_member = services.mfa_reset_by_admin(actor=request.user, staff_id=user_id)
    except NotVisible as exc:
        raise Http404 from exc
    messages.success(
        request,
        _(
            "Two-step sign-in was reset for %(name)s: they set up their authenticator app again "
            "at their next sign-in."
        )
        % {"name": staff_member.display_name},
    )
    return redirect("staff_list")

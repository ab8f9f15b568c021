from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.accounts.selectors import case_managers_for, programs_for
from casebridge.core import clock
from casebridge.core.errors import NotVisible
from casebridge.enrollments import selectors, services
from casebridge.enrollments.forms import CareTeamForm, DischargeForm, EnrollmentForm, HoldForm
from casebridge.enrollments.models import EnrollmentStatus
from casebridge.people.selectors import person_get
from casebridge.web.forms import apply_service_errors


def _visible_enrollment(user, enrollment_id):
    try:
        return selectors.enrollment_get(user=user, enrollment_id=enrollment_id)
    except NotVisible as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_create(request):
    try:
        person = person_get(
            user=request.user, person_id=request.GET.get("person") or request.POST.get("person")
        )
    except NotVisible as exc:
        raise Http404 from exc
    form = EnrollmentForm(
        request.POST or None,
        initial={"referral_date": clock.today()},
        programs=programs_for(request.user),
        case_managers=case_managers_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was enrolled in %(program)s.")
                % {"name": person.display_name, "program": form.cleaned_data["program"].name},
            )
            return redirect("person_detail", person_id=person.pk)
    return render(request, "enrollments/create.html", {"form": form, "person": person})


@login_required
def enrollment_detail(request, enrollment_id):
    enrollment = _visible_enrollment(request.user, enrollment_id)
    return render(request, "enrollments/detail.html", {"enrollment": enrollment})


def _after_change(request, enrollment, message):
    messages.success(request, message)
    return redirect("person_detail", person_id=enrollment.person_id)


@login_required
@require_POST
def enrollment_activate(request, enrollment_id):
    enrollment = _visible_enrollment(request.user, enrollment_id)
    resuming = enrollment.status == EnrollmentStatus.ON_HOLD
    try:
        services.enrollment_activate(actor=request.user, enrollment=enrollment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("person_detail", person_id=enrollment.person_id)
    return _after_change(
        request, enrollment, _("Services resumed.") if resuming else _("Services started.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_hold(request, enrollment_id):
    enrollment = _visible_enrollment(request.user, enrollment_id)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_hold(actor=request.user, enrollment=enrollment, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _after_change(request, enrollment, _("Enrollment put on hold."))
    return render(
        request,
        "enrollments/change.html",
        {
            "form": form,
            "enrollment": enrollment,
            "title": _("Put enrollment on hold"),
            "submit": _("Put on hold"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_discharge(request, enrollment_id):
    enrollment = _visible_enrollment(request.user, enrollment_id)
    form = DischargeForm(request.POST or None, initial={"end_date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_discharge(
                actor=request.user, enrollment=enrollment, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            return _after_change(
                request,
                enrollment,
                _("Discharged from %(program)s.") % {"program": enrollment.program.name},
            )
    return render(
        request,
        "enrollments/change.html",
        {
            "form": form,
            "enrollment": enrollment,
            "title": _("Discharge"),
            "submit": _("Discharge"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_edit(request, enrollment_id):
    enrollment = _visible_enrollment(request.user, enrollment_id)
    form = CareTeamForm(
        request.POST or None,
        initial={
            "primary_case_manager": enrollment.primary_case_manager,
            "care_team": list(enrollment.care_team.all()),
            "intensity_tier": enrollment.intensity_tier,
        },
        case_managers=case_managers_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_update(
                actor=request.user,
                enrollment=enrollment,
                primary_case_manager=form.cleaned_data["primary_case_manager"],
                care_team=list(form.cleaned_data["care_team"]),
                intensity_tier=form.cleaned_data["intensity_tier"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Care team updated."))
            return redirect("enrollment_detail", enrollment_id=enrollment.pk)
    return render(
        request,
        "enrollments/change.html",
        {
            "form": form,
            "enrollment": enrollment,
            "title": _("Care team and intensity"),
            "submit": _("Save"),
        },
    )

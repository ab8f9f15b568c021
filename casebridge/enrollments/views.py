from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.accounts.selectors import case_managers_for, programs_for
from casebridge.core import clock
from casebridge.core.errors import NotVisible
from casebridge.enrollments import selectors, services, transfers
from casebridge.enrollments.forms import (
    CareTeamForm,
    DischargeForm,
    EnrollmentForm,
    HoldForm,
    TransferAgencyForm,
    TransferCaseManagerForm,
    TransferProgramForm,
)
from casebridge.enrollments.models import DischargePlan, EnrollmentStatus, TransferKind
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
    return render(
        request,
        "enrollments/detail.html",
        {
            "enrollment": enrollment,
            "transfers": selectors.transfer_list(user=request.user, enrollment=enrollment),
            "plan": selectors.discharge_plan_for(user=request.user, enrollment=enrollment),
        },
    )


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


def _plan_initial(plan) -> dict:
    if plan is None:
        return {}
    return {
        "reason": plan.reason,
        "destination": plan.destination,
        "aftercare": plan.aftercare,
        "who_to_call": plan.who_to_call,
        "summary": plan.summary,
    }


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_discharge(request, enrollment_id):
    """The transition plan and the checklist of what still blocks the discharge.

    "Save plan" keeps a draft; "Discharge" refuses, with the list, while items are missing."""
    enrollment = _visible_enrollment(request.user, enrollment_id)
    if not enrollment.is_open:
        return redirect("enrollment_summary", enrollment_id=enrollment.pk)
    draft = selectors.discharge_plan_current(enrollment)
    form = DischargeForm(
        request.POST or None, initial={"end_date": clock.today(), **_plan_initial(draft)}
    )
    checklist = selectors.discharge_checklist(enrollment, draft)
    if request.method == "POST" and form.is_valid():
        saving = request.POST.get("action") == "save"
        try:
            if saving:
                draft = services.discharge_plan_save(
                    actor=request.user, enrollment=enrollment, **form.plan_values()
                )
            else:
                services.enrollment_discharge(
                    actor=request.user, enrollment=enrollment, **form.cleaned_data
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if saving:
                messages.success(request, _("The transition plan was saved."))
                return redirect("enrollment_discharge", enrollment_id=enrollment.pk)
            messages.success(
                request, _("Discharged from %(program)s.") % {"program": enrollment.program.name}
            )
            return redirect("enrollment_summary", enrollment_id=enrollment.pk)
    if form.is_bound:
        # Judge what was typed, so the list matches the form on the page.
        cleaned = getattr(form, "cleaned_data", {})
        checklist = selectors.discharge_checklist(
            enrollment,
            DischargePlan(
                reason=cleaned.get("reason") or "",
                destination=cleaned.get("destination"),
                aftercare=cleaned.get("aftercare") or "",
                who_to_call=cleaned.get("who_to_call") or "",
                summary=cleaned.get("summary") or "",
            ),
        )
    return render(
        request,
        "enrollments/discharge.html",
        {"form": form, "enrollment": enrollment, "checklist": checklist, "draft": draft},
    )


@login_required
def enrollment_summary(request, enrollment_id):
    """A printable discharge summary in plain words, for the person to keep."""
    enrollment = _visible_enrollment(request.user, enrollment_id)
    plan = selectors.discharge_plan_for(user=request.user, enrollment=enrollment)
    return render(request, "enrollments/summary.html", {"enrollment": enrollment, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_transfer(request, enrollment_id):
    """Three kinds of transfer on one page; the posted ``kind`` says which form was sent."""
    enrollment = _visible_enrollment(request.user, enrollment_id)
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms = {
        TransferKind.CASE_MANAGER: TransferCaseManagerForm(
            request.POST if kind == TransferKind.CASE_MANAGER else None,
            case_managers=case_managers_for(request.user).exclude(
                pk=enrollment.primary_case_manager_id
            ),
        ),
        TransferKind.PROGRAM: TransferProgramForm(
            request.POST if kind == TransferKind.PROGRAM else None,
            programs=programs_for(request.user)
            .filter(agency_id=enrollment.agency_id)
            .exclude(pk=enrollment.program_id),
        ),
        TransferKind.AGENCY: TransferAgencyForm(
            request.POST if kind == TransferKind.AGENCY else None,
            agencies=transfers.transfer_targets(enrollment=enrollment),
        ),
    }
    form = forms.get(kind)
    if form is not None and enrollment.is_open and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == TransferKind.CASE_MANAGER:
                transfers.transfer_to_case_manager(
                    actor=request.user, enrollment=enrollment, **data
                )
                message = _("The transfer was recorded and the joint contact scheduled.")
            elif kind == TransferKind.PROGRAM:
                transfers.transfer_to_program(actor=request.user, enrollment=enrollment, **data)
                message = _("Transferred to %(program)s.") % {"program": data["to_program"].name}
            else:
                transfers.transfer_to_agency(actor=request.user, enrollment=enrollment, **data)
                message = _("The referral was sent to %(agency)s and the enrollment closed.") % {
                    "agency": data["to_agency"].name
                }
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("enrollment_detail", enrollment_id=enrollment.pk)
    return render(
        request,
        "enrollments/transfer.html",
        {
            "enrollment": enrollment,
            "cm_form": forms[TransferKind.CASE_MANAGER],
            "program_form": forms[TransferKind.PROGRAM],
            "agency_form": forms[TransferKind.AGENCY],
            "kind": kind,
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

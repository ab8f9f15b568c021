"""Care-plan pages. Views parse the form, call one selector or service, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casebridge.accounts.models import Membership
from casebridge.assessments.access import CLINICAL_ROLES
from casebridge.core import clock
from casebridge.core.access import principal_for
from casebridge.core.errors import LockedError, NotVisible
from casebridge.people.selectors import person_get
from casebridge.plans import pdf, selectors, services
from casebridge.plans.forms import (
    AgreementForm,
    GoalForm,
    PlanCreateForm,
    ProgressForm,
    ReasonForm,
    ReviewForm,
    StepForm,
)
from casebridge.plans.models import (
    GOAL_TRANSITIONS,
    STEP_TRANSITIONS,
    GoalStatus,
    PlanStatus,
    StepStatus,
)
from casebridge.web.forms import apply_service_errors

SIGNOFF_ROLES = services.SIGNOFF_ROLES


def _visible(getter, **kwargs):
    try:
        return getter(**kwargs)
    except NotVisible as exc:
        raise Http404 from exc


def _plan(request, plan_id, **kwargs):
    return _visible(selectors.plan_get, user=request.user, plan_id=plan_id, **kwargs)


def _fail(form, exc) -> None:
    if isinstance(exc, ValidationError):
        apply_service_errors(form, exc)
    else:
        form.add_error(None, str(exc))


def _page(request, template, context, status=200):
    context.setdefault("nav_section", "people")
    return render(request, template, context, status=status)


@login_required
@require_GET
def person_plans(request, person_id):
    person = _visible(person_get, user=request.user, person_id=person_id)
    return _page(
        request,
        "plans/person.html",
        {
            "person": person,
            "plans": selectors.plans_of(user=request.user, person=person),
            "open_needs": selectors.open_needs_of(user=request.user, person=person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, person_id):
    person = _visible(person_get, user=request.user, person_id=person_id)
    enrollments = list(selectors.plannable_enrollments(user=request.user, person=person))
    needs = list(selectors.open_needs_of(user=request.user, person=person))
    initial = {"needs": [str(n.pk) for n in needs]}
    form = PlanCreateForm(
        request.POST or None, enrollments=enrollments, needs=needs, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                enrollment=form.chosen_enrollment(),
                needs=form.chosen_needs(),
                summary=form.cleaned_data["summary"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Draft plan created. Reword the goals with the person."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/create.html",
        {"person": person, "form": form, "enrollments": enrollments},
        status=400 if form.errors else 200,
    )


def _detail_context(request, plan, **extra):
    principal = principal_for(request.user)
    goals = list(plan.goals.all())
    for goal in goals:
        goal.moves = [(s, s.label) for s in GoalStatus if s in GOAL_TRANSITIONS[goal.status]]
        goal.step_list = list(goal.steps.all())
        goal.progress_list = list(goal.progress.all())[:5]
        for step in goal.step_list:
            step.moves = [(s, s.label) for s in StepStatus if s in STEP_TRANSITIONS[step.status]]
    editable = not plan.is_frozen
    versions = list(selectors.versions_of(user=request.user, plan=plan))
    context = {
        "plan": plan,
        "person": plan.person,
        "goals": goals,
        "agreement": selectors.agreement_of(plan),
        "versions": versions,
        "can_new_version": plan.status in (PlanStatus.ACTIVE, PlanStatus.COMPLETED)
        and not any(v.status == PlanStatus.DRAFT for v in versions)
        and plan.version == max(v.version for v in versions if v.status != PlanStatus.REVOKED),
        "reviews": list(plan.reviews.all()),
        "editable": editable,
        "can_sign_off": principal.has_role(*SIGNOFF_ROLES, agency_id=plan.agency_id)
        and plan.is_agreed
        and not plan.is_closed
        and plan.signed_off_at is None,
        "signoff_required": plan.enrollment.program.plan_signoff_required,
        "reason_form": ReasonForm(),
        "nav_section": "people",
    }
    context.update(extra)
    return context


@login_required
@require_GET
def plan_detail(request, plan_id):
    plan = _plan(request, plan_id, record_view=True)
    return _page(request, "plans/detail.html", _detail_context(request, plan))


@login_required
@require_POST
def plan_status(request, plan_id):
    plan = _plan(request, plan_id, full=False)
    to_status = request.POST.get("to_status", "")
    try:
        services.plan_transition(
            actor=request.user,
            plan=plan,
            to_status=to_status,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            {
                PlanStatus.ACTIVE: _("The plan is active."),
                PlanStatus.COMPLETED: _("The plan is completed."),
                PlanStatus.REVOKED: _("The plan is revoked."),
            }.get(to_status, _("Plan updated.")),
        )
    return redirect("plan_detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_new_version(request, plan_id):
    plan = _plan(request, plan_id, full=False)
    try:
        new = services.plan_new_version(actor=request.user, plan=plan)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("plan_detail", plan_id=plan.pk)
    messages.success(request, _("New draft version made; open goals were carried forward."))
    return redirect("plan_detail", plan_id=new.pk)


@login_required
@require_POST
def plan_sign_off(request, plan_id):
    plan = _plan(request, plan_id, full=False)
    try:
        services.plan_sign_off(actor=request.user, plan=plan)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Plan signed off."))
    return redirect("plan_detail", plan_id=plan.pk)


def _staff_of(plan):
    return [
        m.user
        for m in Membership.objects.filter(
            agency_id=plan.agency_id, is_active=True, role__in=CLINICAL_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
        if m.user
    ]


def _locked_notice(plan):
    if plan.is_closed:
        return _("This plan is closed: it is kept as read-only history.")
    if plan.is_agreed:
        return _("The person agreed to this plan, so it can no longer change: make a new version.")
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, plan_id):
    plan = _plan(request, plan_id, full=False)
    needs = list(selectors.needs_for_plan(user=request.user, plan=plan))
    form = GoalForm(request.POST or None, needs=needs)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(
                actor=request.user, plan=plan, data=form.goal_fields(), needs=form.chosen_needs()
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/goal_form.html",
        {"plan": plan, "person": plan.person, "form": form, "locked": _locked_notice(plan)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, goal_id):
    goal = _visible(selectors.goal_get, user=request.user, goal_id=goal_id)
    plan = goal.plan
    needs = list(selectors.needs_for_plan(user=request.user, plan=plan))
    initial = {name: getattr(goal, name) for name in services.GOAL_FIELDS}
    initial["needs"] = [str(pk) for pk in goal.needs.values_list("pk", flat=True)]
    form = GoalForm(request.POST or None, needs=needs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                actor=request.user,
                goal=goal,
                changes=form.goal_fields(),
                needs=form.chosen_needs() if needs else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/goal_form.html",
        {
            "plan": plan,
            "person": plan.person,
            "goal": goal,
            "form": form,
            "locked": _locked_notice(plan),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def goal_status(request, goal_id):
    goal = _visible(selectors.goal_get, user=request.user, goal_id=goal_id)
    try:
        services.goal_transition(
            actor=request.user,
            goal=goal,
            to_status=request.POST.get("to_status", ""),
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Goal updated."))
    return redirect("plan_detail", plan_id=goal.plan_id)


@login_required
@require_http_methods(["GET", "POST"])
def goal_progress(request, goal_id):
    goal = _visible(selectors.goal_get, user=request.user, goal_id=goal_id)
    plan = goal.plan
    contacts = list(selectors.recent_contacts(user=request.user, person=plan.person))
    form = ProgressForm(
        request.POST or None,
        contacts=contacts,
        initial={"recorded_on": clock.today(), "achievement": goal.achievement},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(
                actor=request.user,
                goal=goal,
                data=form.progress_fields(),
                contact=form.chosen_contact(),
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/progress_form.html",
        {
            "plan": plan,
            "person": plan.person,
            "goal": goal,
            "form": form,
            "history": selectors.goal_history(user=request.user, goal=goal),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_create(request, plan_id):
    plan = _plan(request, plan_id, full=False)
    goals = list(selectors.goals_of(user=request.user, plan=plan))
    form = StepForm(request.POST or None, goals=goals, staff=_staff_of(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.step_add(
                actor=request.user,
                plan=plan,
                data=form.step_fields(),
                create_task=form.cleaned_data["create_task"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Step added."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/step_form.html",
        {"plan": plan, "person": plan.person, "form": form, "locked": _locked_notice(plan)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def step_status(request, step_id):
    step = _visible(selectors.step_get, user=request.user, step_id=step_id)
    try:
        services.step_transition(
            actor=request.user, step=step, to_status=request.POST.get("to_status", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Step updated."))
    return redirect("plan_detail", plan_id=step.plan_id)


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request, plan_id):
    plan = _plan(request, plan_id, full=False)
    form = ReviewForm(request.POST or None, initial={"reviewed_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_review(actor=request.user, plan=plan, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/review_form.html",
        {"plan": plan, "person": plan.person, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_agreement(request, plan_id):
    plan = _plan(request, plan_id)
    form = AgreementForm(request.POST or None, initial={"signer_name": plan.person.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_agree(actor=request.user, plan=plan, **form.cleaned_data)
        except (ValidationError, PermissionDenied, LockedError) as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Agreement recorded. This version of the plan is final."))
            return redirect("plan_detail", plan_id=plan.pk)
    return _page(
        request,
        "plans/agreement.html",
        {
            "plan": plan,
            "person": plan.person,
            "goals": list(plan.goals.all()),
            "form": form,
            "locked": _locked_notice(plan),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def plan_pdf(request, plan_id):
    plan = _plan(request, plan_id)
    body = pdf.render_plan_pdf(
        plan, goals=list(plan.goals.all()), agreement=selectors.agreement_of(plan)
    )
    selectors.plan_export_logged(user=request.user, plan=plan)
    response = HttpResponse(body, content_type="application/pdf")
    name = slugify(f"care-plan-v{plan.version}-{plan.created_at:%Y-%m-%d}")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.core.errors import NotVisible
from casebridge.crisis import selectors, services
from casebridge.crisis.forms import (
    ClearForm,
    CrisisForm,
    CrisisUpdateForm,
    FlagForm,
    SafetyPlanForm,
    SharedForm,
)
from casebridge.people.selectors import person_get
from casebridge.web.forms import apply_service_errors


def _person(user, person_id):
    try:
        return person_get(user=user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        exc = ValidationError(
            {key.removeprefix("sections."): value for key, value in exc.message_dict.items()}
        )
    apply_service_errors(form, exc)


@login_required
def person_crisis(request, person_id):
    person = _person(request.user, person_id)
    return render(
        request,
        "crisis/person.html",
        {
            "person": person,
            "flags": selectors.active_flags(user=request.user, person_id=person.pk),
            "current": selectors.current_safety_plan(user=request.user, person=person),
            "draft": selectors.draft_safety_plan(user=request.user, person=person),
            "history": selectors.safety_plans(user=request.user, person=person),
            "events": selectors.crisis_events(user=request.user, person=person)[:50],
            "clear_form": ClearForm(),
            "nav_section": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_new(request, person_id):
    person = _person(request.user, person_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_set(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Flag set."))
            return redirect("person_crisis", person_id=person.pk)
    return render(
        request, "crisis/flag_form.html", {"person": person, "form": form, "nav_section": "people"}
    )


@login_required
@require_POST
def flag_clear(request, flag_id):
    try:
        flag = selectors.flag_get(user=request.user, flag_id=flag_id)
    except NotVisible as exc:
        raise Http404 from exc
    form = ClearForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the flag is no longer needed."))
        services.flag_clear(actor=request.user, flag=flag, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Flag cleared."))
    return redirect("person_crisis", person_id=flag.person_id)


@login_required
@require_http_methods(["GET", "POST"])
def safety_plan_edit(request, person_id):
    person = _person(request.user, person_id)
    draft = selectors.draft_safety_plan(user=request.user, person=person)
    current = selectors.current_safety_plan(user=request.user, person=person)
    start = draft or current
    form = SafetyPlanForm(request.POST or None, sections=start.sections if start else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.safety_plan_draft(
                actor=request.user, person=person, sections=form.sections()
            )
            if request.POST.get("action") == "activate":
                services.safety_plan_activate(actor=request.user, plan=plan)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The safety plan is now current.")
                if request.POST.get("action") == "activate"
                else _("Draft saved."),
            )
            return redirect("person_crisis", person_id=person.pk)
    return render(
        request,
        "crisis/safety_plan_form.html",
        {
            "person": person,
            "form": form,
            "draft": draft,
            "current": current,
            "nav_section": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety_plan_detail(request, safety_plan_id):
    try:
        plan = selectors.safety_plan_get(user=request.user, plan_id=safety_plan_id)
    except NotVisible as exc:
        raise Http404 from exc
    form = SharedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_plan_shared(actor=request.user, plan=plan, how=form.cleaned_data["how"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded: the person has their copy."))
            return redirect("safety_plan_detail", safety_plan_id=plan.pk)
    return render(
        request,
        "crisis/safety_plan.html",
        {"plan": plan, "person": plan.person, "form": form, "nav_section": "people"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def crisis_new(request, person_id):
    person = _person(request.user, person_id)
    form = CrisisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.crisis_record(
                actor=request.user, person=person, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Crisis recorded; the care team has been alerted."))
            return redirect("crisis_detail", event_id=event.pk)
    return render(
        request,
        "crisis/crisis_form.html",
        {"person": person, "form": form, "nav_section": "people"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def crisis_detail(request, event_id):
    try:
        event = selectors.crisis_get(
            user=request.user, event_id=event_id, record_view=request.method == "GET"
        )
    except NotVisible as exc:
        raise Http404 from exc
    initial = {
        "released_on": event.released_on,
        "response": event.response,
        "outcome": event.outcome,
    }
    form = CrisisUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_update(actor=request.user, event=event, changes=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Crisis event updated."))
            return redirect("crisis_detail", event_id=event.pk)
    return render(
        request,
        "crisis/crisis.html",
        {"event": event, "person": event.person, "form": form, "nav_section": "people"},
    )

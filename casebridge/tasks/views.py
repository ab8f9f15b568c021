from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.core import clock
from casebridge.core.access import principal_for
from casebridge.core.errors import NotVisible
from casebridge.core.pagination import paginate
from casebridge.people.selectors import person_get
from casebridge.tasks import selectors, services
from casebridge.tasks.forms import SnoozeForm, TaskForm
from casebridge.tasks.services import CARE_ROLES
from casebridge.web.forms import apply_service_errors

VIEWS = ["open", "due", "snoozed", "done"]


def _task(user, task_id):
    try:
        return selectors.task_get(user=user, task_id=task_id)
    except NotVisible as exc:
        raise Http404 from exc


def _back(request, default="task_list"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
def task_list(request):
    view = request.GET.get("view", "open")
    view = view if view in VIEWS else "open"
    page = paginate(
        request, selectors.task_list(user=request.user, view=view, assignee=request.user)
    )
    return render(
        request,
        "tasks/list.html",
        {
            "page": page,
            "view": view,
            "views": [
                ("open", _("Open")),
                ("due", _("Due today")),
                ("snoozed", _("Snoozed")),
                ("done", _("Closed")),
            ],
            "now": clock.now(),
            "query_string": f"view={view}&",
            "nav_section": "tasks",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_add(request, person_id):
    try:
        person = person_get(user=request.user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc
    agency_ids = [g.agency_id for g in principal_for(request.user).grants if g.role in CARE_ROLES]
    staff = (
        get_user_model()
        .objects.filter(
            memberships__agency_id__in=agency_ids,
            memberships__is_active=True,
            memberships__role__in=CARE_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )
    default_due = timezone.localtime() + timedelta(days=7)
    form = TaskForm(
        request.POST or None,
        staff=staff,
        initial={
            "assignee": request.user.pk,
            "due_at": default_due.replace(second=0, microsecond=0),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(actor=request.user, person=person, data=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Task added."))
            return redirect("person_detail", person_id=person.pk)
    return render(
        request, "tasks/form.html", {"form": form, "person": person, "nav_section": "people"}
    )


@login_required
@require_POST
def task_done(request, task_id):
    task = _task(request.user, task_id)
    try:
        services.task_complete(actor=request.user, task=task, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task done."))
    return _back(request, "today")


@login_required
@require_http_methods(["GET", "POST"])
def task_snooze(request, task_id):
    task = _task(request.user, task_id)
    initial = {"until": (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)}
    form = SnoozeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_snooze(
                actor=request.user,
                task=task,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Task snoozed."))
            return _back(request, "task_list")
    return render(
        request,
        "tasks/snooze.html",
        {"form": form, "task": task, "next": request.GET.get("next", ""), "nav_section": "tasks"},
    )


@login_required
def notification_list(request):
    page = paginate(request, selectors.notifications_for(user=request.user))
    return render(
        request,
        "tasks/notifications.html",
        {"page": page, "query_string": "", "nav_section": "notifications"},
    )


@login_required
@require_POST
def notifications_read(request):
    ids = [i for i in request.POST.getlist("id") if i.isdigit()] or None
    services.notifications_mark_read(user=request.user, ids=ids)
    return _back(request, "notification_list")

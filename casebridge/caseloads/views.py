from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from casebridge.assessments.selectors import reassessment_due_for
from casebridge.caseloads import timeline
from casebridge.caseloads.selectors import can_see_team, caseload_for, today_for
from casebridge.contacts.standards import standings_for
from casebridge.core import clock
from casebridge.core.access import principal_for
from casebridge.core.errors import NotVisible
from casebridge.core.pagination import paginate
from casebridge.enrollments.models import EnrollmentStatus
from casebridge.people.selectors import person_get
from casebridge.tasks.selectors import my_open_tasks


def _scope(request) -> tuple[str, bool]:
    team_view = can_see_team(request.user)
    return ("team" if team_view and request.GET.get("scope") == "team" else "mine"), team_view


@login_required
def today(request):
    if not principal_for(request.user).grants and request.user.provider_roles.exists():
        return redirect("referral_inbox")  # provider staff work from their referral inbox
    scope, team_view = _scope(request)
    context = today_for(user=request.user, scope=scope)
    context.update({"scope": scope, "team_view": team_view, "nav_section": "today"})
    return render(request, "caseloads/today.html", context)


@login_required
def caseload(request):
    scope, team_view = _scope(request)
    status = request.GET.get("status", "")
    page = paginate(request, caseload_for(user=request.user, scope=scope, status=status))
    today = clock.today()
    enrollments = list(page.object_list)
    standings = standings_for(enrollments, today=today)
    assessments = reassessment_due_for(enrollments)
    rows = []
    for enrollment in enrollments:
        dues = [d for d in (enrollment.next_due(), assessments.get(enrollment.pk)) if d]
        due = min(dues, key=lambda d: d[1]) if dues else None
        rows.append(
            {
                "enrollment": enrollment,
                "due": due,
                "overdue": bool(due and due[1] < today),
                "standing": standings.get(enrollment.pk),
            }
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "caseloads/caseload.html",
        {
            "page": page,
            "rows": rows,
            "tasks": my_open_tasks(user=request.user),
            "now": clock.now(),
            "scope": scope,
            "status": status,
            "team_view": team_view,
            "statuses": [
                s for s in EnrollmentStatus.choices if s[0] != EnrollmentStatus.DISCHARGED
            ],
            "query_string": params.urlencode() + "&" if params else "",
            "nav_section": "caseload",
        },
    )


@login_required
def person_timeline(request, person_id):
    try:
        person = person_get(user=request.user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc
    kinds = [k for k in request.GET.getlist("kind") if k in timeline.KINDS]
    page = timeline.page_of(
        user=request.user, person=person, kinds=kinds, page_number=request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "caseloads/timeline.html",
        {
            "person": person,
            "page": page,
            "kinds": timeline.KINDS,
            "chosen": kinds,
            "query_string": params.urlencode() + "&" if params else "",
            "nav_section": "people",
        },
    )

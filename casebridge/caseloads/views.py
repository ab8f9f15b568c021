from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from casebridge.caseloads.selectors import can_see_team, caseload_for
from casebridge.core import clock
from casebridge.core.pagination import paginate
from casebridge.enrollments.models import EnrollmentStatus
from casebridge.tasks.selectors import my_open_tasks


@login_required
def caseload(request):
    team_view = can_see_team(request.user)
    scope = "team" if team_view and request.GET.get("scope") == "team" else "mine"
    status = request.GET.get("status", "")
    page = paginate(request, caseload_for(user=request.user, scope=scope, status=status))
    today = clock.today()
    rows = []
    for enrollment in page.object_list:
        due = enrollment.next_due()
        rows.append({"enrollment": enrollment, "due": due, "overdue": bool(due and due[1] < today)})
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "caseloads/caseload.html",
        {
            "page": page,
            "rows": rows,
            "tasks": my_open_tasks(user=request.user),
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

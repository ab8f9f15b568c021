"""What a case manager or supervisor works on: their caseload."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.assessments.models import AssessmentResponse
from casebridge.assessments.selectors import reassessment_due_for
from casebridge.contacts.selectors import appointments_for
from casebridge.contacts.standards import DUE_SOON, OVERDUE, RANK, standings_for
from casebridge.core import clock
from casebridge.core.access import principal_for
from casebridge.crisis.models import ALERTING_FLAGS, CrisisEvent, FlagStatus, PersonFlag
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.intake.models import Referral
from casebridge.people.selectors import ordered_by_name
from casebridge.tasks.models import Task, TaskPriority, TaskStatus
from casebridge.tasks.selectors import end_of_today


def caseload_for(*, user, scope: str = "mine", status: str = ""):
    """Open enrollments the user is responsible for.

    ``scope="mine"``: where the user is primary case manager or on the care team.
    ``scope="team"``: every enrollment the access policy lets the user see (a supervisor's
    team, a program manager's program).
    """
    enrollments = Enrollment.objects.visible_to(user).exclude(status=EnrollmentStatus.DISCHARGED)
    if scope == "mine":
        # A short list of ids, not a subquery: lets the planner OR two index lookups.
        on_care_team = list(
            Enrollment.care_team.through.objects.filter(user_id=user.pk).values_list(
                "enrollment_id", flat=True
            )
        )
        enrollments = enrollments.filter(Q(primary_case_manager=user) | Q(pk__in=on_care_team))
    if status in EnrollmentStatus.values:
        enrollments = enrollments.filter(status=status)
    return ordered_by_name(
        enrollments.select_related("person", "program", "primary_case_manager"),
        user=user,
        person="person",
    )


def can_see_team(user) -> bool:
    return principal_for(user).has_role(Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN)


# The Today page looks at this many open enrollments at most (a case manager has ~15-40).
TODAY_LIMIT = 500
RECENT = timedelta(days=7)
# Each list on Today shows the most pressing rows; the count says how many there are in all.
SHOWN = 50


def today_for(*, user, scope: str = "mine") -> dict:
    """What needs the user today: contacts due by standard, assessments due, tasks due,
    appointments, new alerts and referral updates; for a supervisor, the same across the team
    with one line per case manager. A fixed number of queries, whatever the caseload size."""
    today, now = clock.today(), clock.now()
    enrollments = list(
        caseload_for(user=user, scope=scope)
        .defer("person__ssn", "person__medicaid_id", "person__strengths")
        .order_by()[: TODAY_LIMIT + 1]  # no sort: the lists below are ordered by urgency
    )
    truncated = len(enrollments) > TODAY_LIMIT
    enrollments = enrollments[:TODAY_LIMIT]
    standings = standings_for(enrollments, today=today)
    assessments = reassessment_due_for(enrollments)
    horizon = today + timedelta(days=7)

    contacts_due = sorted(
        (
            {"enrollment": e, "standing": standings[e.pk]}
            for e in enrollments
            if e.pk in standings and standings[e.pk].status in (OVERDUE, DUE_SOON)
        ),
        key=lambda row: (-RANK[row["standing"].status], row["standing"].first_due or today),
    )
    assessments_due = sorted(
        (
            {"enrollment": e, "label": assessments[e.pk][0], "due": assessments[e.pk][1]}
            for e in enrollments
            if e.pk in assessments and assessments[e.pk][1] <= horizon
        ),
        key=lambda row: row["due"],
    )
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    # Due by tonight, or urgent whenever due (a post-crisis follow-up has a 72-hour window).
    due = Q(due_at__lte=end_of_today()) | Q(priority=TaskPriority.URGENT)
    tasks = Task.objects.visible_to(user).filter(awake, due, status=TaskStatus.OPEN)
    if scope == "mine":
        tasks = tasks.filter(assignee=user)
    else:
        tasks = tasks.filter(person_id__in={e.person_id for e in enrollments})
    tasks = list(tasks.select_related("person", "assignee").order_by("-priority", "due_at")[:50])
    person_ids = {e.person_id for e in enrollments}
    flagged = [
        response
        for response in AssessmentResponse.objects.visible_to(user)
        .filter(person_id__in=person_ids, submitted_at__gte=now - RECENT)
        .select_related("person", "instrument")
        .order_by("-submitted_at")[:100]
        if response.flags
    ]
    crises = list(
        CrisisEvent.objects.visible_to(user)
        .filter(person_id__in=person_ids, occurred_at__gte=now - RECENT)
        .select_related("person")
        .order_by("-occurred_at")[:50]
    )
    new_flags = list(
        PersonFlag.objects.visible_to(user)
        .filter(
            person_id__in=person_ids,
            status=FlagStatus.ACTIVE,
            kind__in=ALERTING_FLAGS,
            created_at__gte=now - RECENT,
        )
        .select_related("person")
        .order_by("-created_at")[:50]
    )
    start_of_day = timezone.make_aware(datetime.combine(today, time.min))
    appointments = list(
        appointments_for(user=user, start=start_of_day, end=start_of_day + timedelta(days=1))
    )
    referrals = list(
        Referral.objects.visible_to(user)
        .filter(assigned_to=user, updated_at__gte=now - RECENT)
        .order_by("-updated_at")[:10]
    )
    team = []
    if scope == "team":
        by_manager = {}
        for e in enrollments:
            row = by_manager.setdefault(
                e.primary_case_manager_id,
                {"manager": e.primary_case_manager, "enrollments": 0, "overdue": 0, "tasks": 0},
            )
            row["enrollments"] += 1
            standing = standings.get(e.pk)
            row["overdue"] += bool(standing and standing.status == OVERDUE)
        for task in tasks:
            if task.assignee_id in by_manager and task.due_at < now:
                by_manager[task.assignee_id]["tasks"] += 1
        team = sorted(
            by_manager.values(),
            key=lambda r: (-r["overdue"], r["manager"].display_name if r["manager"] else ""),
        )
    return {
        "today": today,
        "now": now,
        "contacts_due": contacts_due[:SHOWN],
        "contacts_due_count": len(contacts_due),
        "assessments_due": assessments_due[:SHOWN],
        "assessments_due_count": len(assessments_due),
        "tasks": tasks,
        "flagged": flagged,
        "crises": crises,
        "new_flags": new_flags,
        "alert_count": len(flagged) + len(crises) + len(new_flags),
        "appointments": appointments,
        "referrals": referrals,
        "team": team,
        "truncated": truncated,
        "caseload_size": len(enrollments),
    }

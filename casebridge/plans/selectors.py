"""Care-plan reads, through the access policy."""

from django.db import transaction
from django.db.models import Prefetch

from casebridge.assessments.models import Need, NeedStatus
from casebridge.contacts.models import Contact
from casebridge.core import audit
from casebridge.core.errors import NotVisible
from casebridge.core.models import AuditAction
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.plans.models import CarePlan, Goal, GoalProgress, GoalStatus, PlanStatus, Step


def plans_of(*, user, person):
    return (
        CarePlan.objects.visible_to(user)
        .filter(person=person)
        .select_related("enrollment__program", "created_by")
        .order_by("enrollment_id", "-version")
    )


def _goals_prefetch(user):
    progress = GoalProgress.objects.visible_to(user).select_related("recorded_by", "contact")
    steps = Step.objects.visible_to(user).select_related("performer_user", "task")
    return Prefetch(
        "goals",
        queryset=Goal.objects.visible_to(user).prefetch_related(
            "needs",
            Prefetch("steps", queryset=steps),
            Prefetch("progress", queryset=progress),
        ),
    )


def plan_get(*, user, plan_id, record_view: bool = False, full: bool = True) -> CarePlan:
    """One visible plan; ``full`` loads goals (with needs, steps, progress), reviews and the
    agreement. A page view is audited."""
    plans = CarePlan.objects.visible_to(user).select_related(
        "person", "enrollment__program", "enrollment__primary_case_manager", "signed_off_by"
    )
    if full:
        plans = plans.select_related("agreement__recorded_by").prefetch_related(
            _goals_prefetch(user), "reviews__reviewer"
        )
    try:
        plan = plans.get(pk=plan_id)
    except (CarePlan.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
    if record_view:
        audit.record_view(actor=user, obj=plan, person=plan.person_id, agency_id=plan.agency_id)
    return plan


def plan_export_logged(*, user, plan: CarePlan) -> None:
    """Record that the plan left the system as a printed copy."""
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditAction.EXPORT,
            obj=plan,
            person=plan.person_id,
            agency_id=plan.agency_id,
            data={"format": "pdf"},
        )


def agreement_of(plan: CarePlan):
    try:
        return plan.agreement
    except CarePlan.agreement.RelatedObjectDoesNotExist:
        return None


def versions_of(*, user, plan: CarePlan):
    return (
        CarePlan.objects.visible_to(user)
        .filter(enrollment_id=plan.enrollment_id)
        .only("id", "version", "status", "activated_at", "ended_at", "created_at")
        .order_by("-version")
    )


def goal_get(*, user, goal_id) -> Goal:
    try:
        return (
            Goal.objects.visible_to(user)
            .select_related("plan__person", "plan__enrollment__program")
            .get(pk=goal_id)
        )
    except (Goal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def goals_of(*, user, plan: CarePlan):
    return Goal.objects.visible_to(user).filter(plan=plan)


def step_get(*, user, step_id) -> Step:
    try:
        return Step.objects.visible_to(user).select_related("plan", "goal").get(pk=step_id)
    except (Step.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def goal_history(*, user, goal: Goal):
    """Progress entries of the goal and of the goals it was carried from (earlier versions)."""
    ids, current, seen = [goal.pk], goal, 0
    while current.carried_from_id and seen < 50:
        ids.append(current.carried_from_id)
        current = Goal.objects.visible_to(user).filter(pk=current.carried_from_id).first()
        if current is None:
            break
        seen += 1
    return (
        GoalProgress.objects.visible_to(user)
        .filter(goal_id__in=ids)
        .select_related("recorded_by", "plan", "contact")
        .order_by("-recorded_on", "-created_at")
    )


def open_needs_of(*, user, person):
    return Need.objects.visible_to(user).filter(person=person, status=NeedStatus.OPEN)


def needs_for_plan(*, user, plan: CarePlan):
    """Needs of the person (recorded by the plan's agency) that goals may link to."""
    return Need.objects.visible_to(user).filter(
        person_id=plan.person_id,
        agency_id=plan.agency_id,
        status__in=[NeedStatus.OPEN, NeedStatus.IN_PLAN],
    )


def plannable_enrollments(*, user, person):
    return (
        Enrollment.objects.visible_to(user)
        .filter(
            person=person,
            status__in=[
                EnrollmentStatus.PENDING,
                EnrollmentStatus.ACTIVE,
                EnrollmentStatus.ON_HOLD,
            ],
        )
        .select_related("program")
        .order_by("-start_date", "-referral_date")
    )


def recent_contacts(*, user, person, limit: int = 20):
    return Contact.objects.visible_to(user).filter(person=person).order_by("-occurred_at")[:limit]


def active_goals_of(*, user, person, enrollment=None):
    """Goals of the person's active plan(s) that progress can be recorded on (for contacts)."""
    goals = Goal.objects.visible_to(user).filter(
        person=person,
        plan__status=PlanStatus.ACTIVE,
        status__in=[GoalStatus.ACTIVE, GoalStatus.ON_HOLD],
    )
    if enrollment is not None:
        goals = goals.filter(plan__enrollment=enrollment)
    return goals.select_related("plan").order_by("plan__created_at", "created_at")

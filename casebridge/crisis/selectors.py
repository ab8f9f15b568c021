"""Crisis reads, through the access policy."""

from casebridge.core import audit
from casebridge.core.errors import NotVisible
from casebridge.crisis.models import (
    CrisisEvent,
    FlagStatus,
    PersonFlag,
    SafetyPlan,
    SafetyPlanStatus,
)


def active_flags(*, user, person_id):
    return (
        PersonFlag.objects.visible_to(user)
        .filter(person_id=person_id, status=FlagStatus.ACTIVE)
        .select_related("set_by")
        .order_by("kind")
    )


def flag_get(*, user, flag_id) -> PersonFlag:
    try:
        return PersonFlag.objects.visible_to(user).get(pk=flag_id)
    except (PersonFlag.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def safety_plans(*, user, person):
    return SafetyPlan.objects.visible_to(user).filter(person=person).order_by("-version")


def current_safety_plan(*, user, person):
    return safety_plans(user=user, person=person).filter(status=SafetyPlanStatus.ACTIVE).first()


def draft_safety_plan(*, user, person):
    return safety_plans(user=user, person=person).filter(status=SafetyPlanStatus.DRAFT).first()


def safety_plan_get(*, user, plan_id) -> SafetyPlan:
    try:
        plan = (
            SafetyPlan.objects.visible_to(user)
            .select_related("person", "created_by")
            .get(pk=plan_id)
        )
    except (SafetyPlan.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
    audit.record_view(actor=user, obj=plan, person=plan.person_id)
    return plan


def crisis_events(*, user, person):
    return (
        CrisisEvent.objects.visible_to(user)
        .filter(person=person)
        .select_related("reported_by")
        .order_by("-occurred_at")
    )


def crisis_get(*, user, event_id, record_view: bool = True) -> CrisisEvent:
    try:
        event = (
            CrisisEvent.objects.visible_to(user)
            .select_related("person", "reported_by", "enrollment__program")
            .get(pk=event_id)
        )
    except (CrisisEvent.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
    if record_view:
        audit.record_view(actor=user, obj=event, person=event.person_id)
    return event

"""Flags, safety plans and crisis events are clinical: care roles of the recording agency see
them when the person is visible to them. Intake workers see flags too (a do-not-visit-alone or
protected-address warning matters to whoever meets the person), but not plans or events."""

from django.db.models import Exists, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.assessments.access import _of_visible_person
from casebridge.core.access import policy
from casebridge.crisis.models import CrisisEvent, PersonFlag, SafetyPlan
from casebridge.people.models import Person

policy.rule(SafetyPlan)(_of_visible_person)
policy.rule(CrisisEvent)(_of_visible_person)
policy.rule(PersonFlag)(_of_visible_person)


@policy.rule(PersonFlag)
def flags_for_intake(principal, grant):
    if grant.role != Role.INTAKE_WORKER:
        return None
    q = policy.filter_for(Person, principal.user)
    if q is None:
        return None
    return Q(agency_id=grant.agency_id) & Q(
        Exists(Person.objects.filter(q, pk=OuterRef("person_id")))
    )

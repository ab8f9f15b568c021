"""Assessments and needs are visible exactly when their person is (consent categories will narrow
this later), and only to care roles of the agency that recorded them."""

from django.db.models import Exists, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.assessments.models import AssessmentResponse, Need
from casebridge.core.access import policy
from casebridge.people.models import Person

CLINICAL_ROLES = {Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN}


def _of_visible_person(principal, grant):
    if grant.role not in CLINICAL_ROLES:
        return None
    q = policy.filter_for(Person, principal.user)
    if q is None:
        return None
    return Q(agency_id=grant.agency_id) & Q(
        Exists(Person.objects.filter(q, pk=OuterRef("person_id")))
    )


policy.rule(AssessmentResponse)(_of_visible_person)
policy.rule(Need)(_of_visible_person)

"""People's rules in the access policy: the agency that recorded a person can find them."""

from django.db.models import Exists, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.core.access import policy
from casebridge.people.models import Person, Relationship

AGENCY_WIDE = {Role.AGENCY_ADMIN, Role.INTAKE_WORKER}
CARE_ROLES = {Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER}


@policy.rule(Person)
def recorded_by_agency(principal, grant):
    """Agency-wide roles see every person their agency recorded; care staff those they recorded."""
    if grant.role in AGENCY_WIDE or (
        grant.role == Role.PROGRAM_MANAGER and grant.program_id is None
    ):
        return Q(agency_id=grant.agency_id)
    if grant.role in CARE_ROLES:
        return Q(agency_id=grant.agency_id, created_by=principal.user)
    return None


@policy.rule(Relationship)
def relationship_of_visible_person(principal, grant):
    """A relationship is visible exactly when its person is."""
    q = policy.filter_for(Person, principal.user)
    if q is None:
        return None
    return Q(Exists(Person.objects.filter(q, pk=OuterRef("person_id"))))

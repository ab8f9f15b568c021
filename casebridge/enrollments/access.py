"""Enrollment rules in the access policy, and the person rule they imply.

Roles narrow the agency's enrollments: a case manager sees their caseload, their care-team
work and their team's; a supervisor their team's; a program manager their program's; agency
admins and intake workers every enrollment of the agency. A person is visible whenever one of
their enrollments is.
"""

from django.db.models import Exists, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.core.access import policy
from casebridge.enrollments.models import Enrollment
from casebridge.people.models import Person


def enrollment_q(principal, grant) -> Q | None:
    agency = Q(agency_id=grant.agency_id)
    if grant.role in (Role.AGENCY_ADMIN, Role.INTAKE_WORKER):
        return agency
    if grant.role == Role.PROGRAM_MANAGER:
        return agency & Q(program_id=grant.program_id) if grant.program_id else agency
    if grant.role == Role.SUPERVISOR:
        if grant.team_id:
            return agency & (Q(team_id=grant.team_id) | Q(primary_case_manager=principal.user))
        if grant.program_id:
            return agency & Q(program_id=grant.program_id)
        return agency & Q(primary_case_manager=principal.user)
    if grant.role == Role.CASE_MANAGER:
        mine = Q(primary_case_manager=principal.user) | Q(
            Exists(
                Enrollment.care_team.through.objects.filter(
                    enrollment_id=OuterRef("pk"), user_id=principal.user.pk
                )
            )
        )
        if grant.team_id:
            mine |= Q(team_id=grant.team_id)
        return agency & mine
    return None


policy.rule(Enrollment)(enrollment_q)


@policy.rule(Person)
def person_with_visible_enrollment(principal, grant):
    q = enrollment_q(principal, grant)
    if q is None:
        return None
    return Q(Exists(Enrollment.objects.filter(q, person_id=OuterRef("pk"))))

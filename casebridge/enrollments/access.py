"""Enrollment rules in the access policy, and the person rule they imply.

Roles narrow the agency's enrollments: a case manager sees their caseload, their care-team
work and their team's; a supervisor their team's; a program manager their program's; agency
admins and intake workers every enrollment of the agency. A person is visible whenever one of
their enrollments is.
"""

from django.db.models import Exists, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.core.access import policy
from casebridge.enrollments.models import DischargePlan, Enrollment, Transfer
from casebridge.people.models import Person


def _on_care_team(user) -> Q:
    return Q(
        pk__in=Enrollment.care_team.through.objects.filter(user_id=user.pk).values("enrollment_id")
    )


def enrollment_q(principal, grant) -> Q | None:
    """Each branch is an AND with an indexed column, so databases can OR index lookups instead of
    scanning the agency's enrollments."""
    agency_id = grant.agency_id
    user = principal.user
    if grant.role in (Role.AGENCY_ADMIN, Role.INTAKE_WORKER):
        return Q(agency_id=agency_id)
    if grant.role == Role.PROGRAM_MANAGER:
        if grant.program_id:
            return Q(agency_id=agency_id, program_id=grant.program_id)
        return Q(agency_id=agency_id)
    if grant.role == Role.SUPERVISOR:
        mine = Q(agency_id=agency_id, primary_case_manager=user)
        if grant.team_id:
            return Q(agency_id=agency_id, team_id=grant.team_id) | mine
        if grant.program_id:
            return Q(agency_id=agency_id, program_id=grant.program_id)
        return mine
    if grant.role == Role.CASE_MANAGER:
        mine = Q(agency_id=agency_id, primary_case_manager=user) | (
            Q(agency_id=agency_id) & _on_care_team(user)
        )
        if grant.team_id:
            mine |= Q(agency_id=agency_id, team_id=grant.team_id)
        return mine
    return None


policy.rule(Enrollment)(enrollment_q)


@policy.rule(Person)
def person_with_visible_enrollment(principal, grant):
    q = enrollment_q(principal, grant)
    if q is None:
        return None
    return Q(Exists(Enrollment.objects.filter(q, person_id=OuterRef("pk"))))


@policy.rule(DischargePlan)
@policy.rule(Transfer)
def with_visible_enrollment(principal, grant):
    """Transition plans and transfers follow the enrollment they belong to."""
    q = enrollment_q(principal, grant)
    if q is None:
        return None
    return Q(Exists(Enrollment.objects.filter(q, pk=OuterRef("enrollment_id"))))

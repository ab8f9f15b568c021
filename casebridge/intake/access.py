"""Referral rules in the access policy, and the people they make visible.

Intake workers and agency admins see their agency's referrals; program managers their program's
(or all, with no program); supervisors those for their team's program; case managers those
assigned to them. A person is visible to whoever may see a referral about them.
"""

from django.db.models import Exists, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.core.access import policy
from casebridge.intake.models import Referral, ReferralAttachment
from casebridge.people.models import Person


def referral_q(principal, grant) -> Q | None:
    agency = Q(agency_id=grant.agency_id)
    if grant.role in (Role.INTAKE_WORKER, Role.AGENCY_ADMIN):
        return agency
    if grant.role == Role.PROGRAM_MANAGER:
        return agency & Q(program_id=grant.program_id) if grant.program_id else agency
    if grant.role == Role.SUPERVISOR and grant.team_id:
        program_id = grant.team_program_id
        mine = Q(agency_id=grant.agency_id, assigned_to=principal.user)
        return (agency & Q(program_id=program_id)) | mine if program_id else mine
    if grant.role in (Role.CASE_MANAGER, Role.SUPERVISOR):
        return Q(agency_id=grant.agency_id, assigned_to=principal.user)
    return None


policy.rule(Referral)(referral_q)


@policy.rule(Person)
def person_with_visible_referral(principal, grant):
    q = referral_q(principal, grant)
    if q is None:
        return None
    return Q(Exists(Referral.objects.filter(q, person_id=OuterRef("pk"))))


@policy.rule(ReferralAttachment)
def attachment_of_visible_referral(principal, grant):
    q = referral_q(principal, grant)
    if q is None:
        return None
    return Q(Exists(Referral.objects.filter(q, pk=OuterRef("referral_id"))))

"""Flags, safety plans and crisis events are clinical: care roles of the recording agency see
them when the person is visible to them. Intake workers see flags too (a do-not-visit-alone or
protected-address warning matters to whoever meets the person), but not plans or events.

A domestic-violence protection flag hides the person's identity and whereabouts from everyone
outside the flag's *protection circle* (see :func:`protected_identities`).
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from casebridge.accounts.models import Role
from casebridge.assessments.access import _of_visible_person
from casebridge.core.access import policy
from casebridge.crisis.models import CrisisEvent, FlagKind, FlagStatus, PersonFlag, SafetyPlan
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.models import Person

# Episodes that put staff in a protection circle. A discharged episode does not: after
# discharge the program no longer needs to know who or where the person is.
OPEN_EPISODES = [EnrollmentStatus.PENDING, EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD]

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


def protection_circle(principal) -> Q:
    """Flags (of kind DV-protected) whose circle includes the user: they set the flag, or the
    person has an open episode with the flag's agency in a program the user's membership (or
    team) is for, or on which the user is primary case manager or on the care team."""
    user = principal.user
    episodes = Q(primary_case_manager_id=user.pk) | Q(
        pk__in=Enrollment.care_team.through.objects.filter(user_id=user.pk).values("enrollment_id")
    )
    for grant in principal.grants:
        programs = {grant.program_id, grant.team_program_id} - {None}
        if programs:
            episodes |= Q(agency_id=grant.agency_id, program_id__in=sorted(programs, key=str))
    open_episode = Enrollment.objects.filter(
        episodes,
        person_id=OuterRef("person_id"),
        agency_id=OuterRef("agency_id"),
        status__in=OPEN_EPISODES,
    )
    return Q(set_by_id=user.pk) | Q(Exists(open_episode))


@policy.identity_rule
def protected_identities(principal) -> set:
    """Persons with an active DV protection whose circle the user is not in (one query).

    Outside every circle: agency-wide roles without the program (intake, agency admin, data
    analyst, program managers of other programs), staff of other agencies who see the person
    through a consent directive or break-the-glass, provider staff, anonymous link visitors. A
    person protected by several agencies is shown to whoever is in any one of the circles.

    The set spans every agency (a person can reach a user through consent, break-the-glass or a
    referral), so it grows with the number of active protections platform-wide: fine for tens
    of thousands; beyond that, scope it to the persons the user can reach.
    """
    flags = PersonFlag.objects.filter(kind=FlagKind.DV_PROTECTED, status=FlagStatus.ACTIVE)
    user = principal.user
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set(flags.values_list("person_id", flat=True))
    inside = ExpressionWrapper(protection_circle(principal), output_field=BooleanField())
    protected, revealed = set(), set()
    for person_id, is_inside in flags.annotate(inside=inside).values_list("person_id", "inside"):
        (revealed if is_inside else protected).add(person_id)
    return protected - revealed

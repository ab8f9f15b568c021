"""Consent and break-the-glass in the access policy: rules that *add* rows.

For each data category, the models it covers get a rule: staff of a recipient agency (care
roles; intake workers for identity only) see the rows of the persons whose active, in-period
directive to their agency (or their program) lists that category. A break-the-glass grant opens
every category of one person to one user until it expires.

The person ids come from one small query per request (cached on the principal), so the SQL the
policy builds stays an indexed ``person_id IN (...)`` instead of a correlated subquery per row.
"""

from collections import defaultdict

from django.db.models import CharField, Q, UUIDField, Value

from casebridge.accounts.models import Role
from casebridge.assessments.models import AssessmentResponse, Need
from casebridge.consent.models import (
    BreakGlass,
    Category,
    ConsentDirective,
    ConsentItem,
    ConsentStatus,
)
from casebridge.contacts.models import Contact, Note
from casebridge.core import clock
from casebridge.core.access import policy
from casebridge.crisis.models import CrisisEvent, PersonFlag, SafetyPlan
from casebridge.enrollments.models import Enrollment
from casebridge.intake.models import Referral
from casebridge.people.models import Person, Relationship
from casebridge.plans.models import CarePlan, Goal, GoalProgress, Step
from casebridge.referrals.models import ServiceReferral

CARE = {Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN}
# category -> [(model, the field holding the person id)]
COVERED: dict[str, list] = {
    Category.DEMOGRAPHICS: [(Person, "pk"), (Relationship, "person_id")],
    Category.ENROLLMENTS: [(Enrollment, "person_id")],
    Category.ASSESSMENTS: [(AssessmentResponse, "person_id"), (Need, "person_id")],
    Category.CONTACT_NOTES: [(Contact, "person_id"), (Note, "person_id")],
    Category.REFERRALS: [(Referral, "person_id"), (ServiceReferral, "person_id")],
    Category.HEALTH: [
        (PersonFlag, "person_id"),
        (SafetyPlan, "person_id"),
        (CrisisEvent, "person_id"),
    ],
    Category.PLANS: [
        (CarePlan, "person_id"),
        (Goal, "person_id"),
        (Step, "person_id"),
        (GoalProgress, "person_id"),
    ],
    Category.SUBSTANCE_USE: [],
}
BREAK_GLASS = "*"


def shared_with(principal) -> dict:
    """{(agency id, program id or None, category): {person ids}} for the user's agencies, plus
    {("*", None, "*"): {person ids}} under break-the-glass; read once per request."""
    cached = getattr(principal, "_consent_shares", None)
    if cached is not None:
        return cached
    shares = defaultdict(set)
    if principal.grants:
        today = clock.today()
        rows = (
            ConsentItem.objects.filter(
                directive__recipient_agency_id__in=principal.agency_ids,
                directive__status=ConsentStatus.ACTIVE,
                directive__valid_from__lte=today,
            )
            .filter(Q(directive__valid_until__isnull=True) | Q(directive__valid_until__gte=today))
            .order_by()
            .values_list(
                "directive__recipient_agency_id",
                "directive__recipient_program_id",
                "category",
                "directive__person_id",
            )
            .union(
                BreakGlass.objects.filter(user=principal.user, expires_at__gt=clock.now())
                .order_by()
                .annotate(
                    no_program=Value(None, output_field=UUIDField()),
                    tag=Value(BREAK_GLASS, output_field=CharField()),
                )
                .values_list("agency_id", "no_program", "tag", "person_id"),
                all=True,
            )
        )
        for agency_id, program_id, category, person_id in rows:
            if category in Category.values:
                shares[(agency_id, program_id, category)].add(person_id)
            else:  # a break-glass row
                shares[(BREAK_GLASS, None, BREAK_GLASS)].add(person_id)
    principal._consent_shares = dict(shares)
    return principal._consent_shares


def _person_ids(principal, grant, category) -> set:
    shares = shared_with(principal)
    programs = {None, grant.program_id, grant.team_program_id}
    ids = set()
    for (agency_id, program_id, shared), persons in shares.items():
        if agency_id == grant.agency_id and shared == category and program_id in programs:
            ids |= persons
    return ids


def _rule(category, field):
    def consented(principal, grant):
        if grant.role not in CARE and not (
            grant.role == Role.INTAKE_WORKER and category == Category.DEMOGRAPHICS
        ):
            return None
        ids = _person_ids(principal, grant, category)
        if not ids:
            return None
        return Q(**{f"{field}__in": sorted(ids, key=str)})

    consented.__qualname__ = f"consented_{category}_{field}"
    return consented


def _break_glass(field):
    def emergency(principal, grant):
        if grant.role not in CARE or grant != principal.grants[0]:
            return None
        ids = shared_with(principal).get((BREAK_GLASS, None, BREAK_GLASS))
        if not ids:
            return None
        return Q(**{f"{field}__in": sorted(ids, key=str)})

    emergency.__qualname__ = f"break_glass_{field}"
    return emergency


def register(category: str, model, field: str = "person_id") -> None:
    """Put a model under a consent category (other apps call this for their models)."""
    policy.rule(model)(_rule(category, field))
    policy.rule(model)(_break_glass(field))


for _category, _models in COVERED.items():
    for _model, _field in _models:
        register(_category, _model, _field)


def _directive_rule(principal, grant):
    """A directive is visible to care staff of the agency that recorded it (person visible)."""
    from casebridge.assessments.access import _of_visible_person

    return _of_visible_person(principal, grant)


policy.rule(ConsentDirective)(_directive_rule)


# --- 42 CFR Part 2: records of substance-use treatment programs are segmented --------------

# model -> the path from a row to its enrollment ("" for the enrollment itself)
PART2_PATHS = {}


def _part2_consented(principal) -> set:
    ids = set()
    for (_agency, _program, category), persons in shared_with(principal).items():
        if category in (Category.SUBSTANCE_USE, BREAK_GLASS):
            ids |= persons
    return ids


def part2_exclusion(path: str):
    """Rows tied to an enrollment in a Part 2 program, unless the user works in that program,
    is on that episode's care team, or holds the person's specific Part 2 consent."""
    prefix = f"{path}__" if path else ""

    def exclude(principal):
        if not principal.grants:
            return None
        programs = {g.program_id for g in principal.grants} | {
            g.team_program_id for g in principal.grants
        }
        programs.discard(None)
        user = principal.user
        allowed = (
            Q(**{f"{prefix}program_id__in": sorted(programs, key=str)})
            | Q(**{f"{prefix}primary_case_manager": user})
            | Q(**{f"{prefix}care_team": user})
        )
        consented = _part2_consented(principal)
        if consented:
            allowed |= Q(**{f"{prefix}person_id__in": sorted(consented, key=str)})
        return Q(**{f"{prefix}program__is_part2": True}) & ~allowed

    exclude.__qualname__ = f"part2_{path or 'enrollment'}"
    return exclude


def register_part2(model, path: str) -> None:
    """Segment a model's rows that belong to a Part 2 program's episode."""
    PART2_PATHS[model] = path
    policy.exclusion(model)(part2_exclusion(path))


register_part2(Enrollment, "")
register_part2(Contact, "enrollment")
register_part2(Note, "contact__enrollment")
register_part2(AssessmentResponse, "enrollment")
register_part2(CrisisEvent, "enrollment")
register_part2(Need, "source__enrollment")
register_part2(CarePlan, "enrollment")
register_part2(Goal, "plan__enrollment")
register_part2(Step, "plan__enrollment")
register_part2(GoalProgress, "plan__enrollment")

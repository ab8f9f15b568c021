"""The person's right of access: everything the holding agency keeps about them, as JSON.

Each section is read through the access policy as the exporting staff member, so an export
never contains more than that person may see; the export itself is an audited disclosure.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict

from casebridge.assessments.models import AssessmentResponse, Need
from casebridge.consent.models import ConsentDirective
from casebridge.contacts.models import Contact, Note
from casebridge.core import audit, clock
from casebridge.core.models import AuditAction
from casebridge.crisis.models import CrisisEvent, PersonFlag, SafetyPlan
from casebridge.enrollments.models import Enrollment
from casebridge.intake.models import Referral
from casebridge.people.models import Person, Relationship
from casebridge.plans.models import CarePlan, Goal, GoalProgress, Step
from casebridge.referrals.models import ServiceReferral

# Internal keys and secrets that mean nothing to the person (or must not leave).
LEFT_OUT = {"ssn_digest", "medicaid_digest", "search_key", "submission_key", "signature"}
SECTIONS = [
    ("relationships", Relationship),
    ("enrollments", Enrollment),
    ("referrals_received", Referral),
    ("assessments", AssessmentResponse),
    ("needs", Need),
    ("care_plans", CarePlan),
    ("goals", Goal),
    ("steps", Step),
    ("goal_progress", GoalProgress),
    ("contacts", Contact),
    ("notes", Note),
    ("flags", PersonFlag),
    ("safety_plans", SafetyPlan),
    ("crisis_events", CrisisEvent),
    ("service_referrals", ServiceReferral),
    ("consents", ConsentDirective),
]


PART2_NOTICE = (
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records. This export holds "
    "substance-use treatment records: share them only with the person's written consent."
)


def part2_programs(enrollments: list[dict]) -> set:
    from casebridge.accounts.models import Program

    ids = {row["program"] for row in enrollments}
    return set(Program.objects.filter(pk__in=ids, is_part2=True).values_list("pk", flat=True))


def _row(instance) -> dict:
    data = model_to_dict(instance)
    data["id"] = str(instance.pk)
    for name in ("created_at", "updated_at"):
        if hasattr(instance, name):
            data[name] = getattr(instance, name)
    return {key: value for key, value in data.items() if key not in LEFT_OUT}


def person_export(*, actor, person: Person) -> dict:
    """Everything visible to ``actor`` about ``person``, section by section (audited)."""
    subject = Person.objects.visible_to(actor).get(pk=person.pk)
    identity = _row(subject)
    identity["ssn"] = subject.ssn or ""
    identity["medicaid_id"] = subject.medicaid_id or ""
    export = {
        "format": "casebridge.person-export/1",
        "exported_at": clock.now(),
        "holding_agency": subject.agency.name,
        "person": identity,
    }
    for name, model in SECTIONS:
        rows = model.objects.visible_to(actor).filter(person=subject).order_by("created_at")
        export[name] = [_row(row) for row in rows]
    if part2_programs(export["enrollments"]):
        export["redisclosure_notice"] = PART2_NOTICE
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=subject,
            person=subject,
            agency_id=subject.agency_id,
            data={"sections": [name for name, _ in SECTIONS if export[name]]},
        )
    return export


class ExportEncoder(DjangoJSONEncoder):
    """Dates, UUIDs and decimals as strings; anything else (e.g. files) by its name."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)

"""The person's right of access: everything the holding agency keeps about them.

:func:`person_records` is the one collection: each section is read through the access policy as
the exporting staff member, so an export never contains more than that person may see. The JSON
download (:func:`person_export`) and the printable PDF (:func:`person_export_pdf`, drawn by
``casebridge.consent.export_pdf``) are two renderings of the same records, so they cannot
diverge. Either export is an audited disclosure: one ``export`` event naming the sections.
"""

from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict

from casebridge.assessments.models import AssessmentResponse, Need
from casebridge.consent.models import ConsentDirective
from casebridge.contacts.models import Contact, Note
from casebridge.core import audit, clock
from casebridge.core.models import AuditAction, AuditEvent
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
# What the printable export names instead of ids (read once per section, never per row).
SELECT_RELATED = {
    "enrollments": ("program", "primary_case_manager"),
    "referrals_received": ("program",),
    "assessments": ("instrument",),
    "steps": ("performer_user",),
    "service_referrals": ("service", "organization"),
    "consents": ("recipient_agency", "recipient_program"),
}
PREFETCH_RELATED = {"consents": ("items",)}
MAX_DISCLOSURES = 500


PART2_NOTICE = (
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records. This export holds "
    "substance-use treatment records: share them only with the person's written consent."
)


@dataclass
class PersonRecords:
    """Everything one staff member may see about one person, section by section."""

    subject: Person
    sections: dict[str, list] = field(default_factory=dict)
    disclosures: list[AuditEvent] = field(default_factory=list)
    part2: bool = False

    def section_names(self) -> list[str]:
        """The sections that hold something (what the audit event names)."""
        names = [name for name, _ in SECTIONS if self.sections.get(name)]
        return names + (["disclosures"] if self.disclosures else [])


def part2_programs(program_ids) -> set:
    from casebridge.accounts.models import Program

    ids = set(program_ids)
    return set(Program.objects.filter(pk__in=ids, is_part2=True).values_list("pk", flat=True))


def person_records(*, actor, person: Person) -> PersonRecords:
    """Read everything ``actor`` may see about ``person`` (not audited: the exports are)."""
    from casebridge.consent.selectors import disclosures

    subject = Person.objects.visible_to(actor).select_related("agency").get(pk=person.pk)
    records = PersonRecords(subject=subject)
    for name, model in SECTIONS:
        rows = model.objects.visible_to(actor).filter(person=subject).order_by("created_at")
        if name in SELECT_RELATED:
            rows = rows.select_related(*SELECT_RELATED[name])
        if name in PREFETCH_RELATED:
            rows = rows.prefetch_related(*PREFETCH_RELATED[name])
        records.sections[name] = list(rows)
    records.disclosures = list(disclosures(person=subject)[:MAX_DISCLOSURES])
    records.part2 = bool(part2_programs(e.program_id for e in records.sections["enrollments"]))
    return records


def _record_export(*, actor, records: PersonRecords, fmt: str) -> None:
    subject = records.subject
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=subject,
            person=subject,
            agency_id=subject.agency_id,
            data={"sections": records.section_names(), "format": fmt},
        )


def _row(instance) -> dict:
    data = model_to_dict(instance)
    data["id"] = str(instance.pk)
    for name in ("created_at", "updated_at"):
        if hasattr(instance, name):
            data[name] = getattr(instance, name)
    return {key: value for key, value in data.items() if key not in LEFT_OUT}


def _disclosure_row(event: AuditEvent) -> dict:
    who = event.actor.display_name if event.actor_id else event.actor_label
    return {
        "occurred_at": event.occurred_at,
        "who": who,
        "action": event.action,
        "object_type": event.object_type,
        "reason": event.reason,
    }


def person_export(*, actor, person: Person) -> dict:
    """Everything visible to ``actor`` about ``person`` as JSON-ready data (audited)."""
    records = person_records(actor=actor, person=person)
    subject = records.subject
    identity = _row(subject)
    identity["ssn"] = subject.ssn or ""
    identity["medicaid_id"] = subject.medicaid_id or ""
    export = {
        "format": "casebridge.person-export/1",
        "exported_at": clock.now(),
        "holding_agency": subject.agency.name,
        "person": identity,
    }
    for name, _model in SECTIONS:
        export[name] = [_row(row) for row in records.sections[name]]
    export["disclosures"] = [_disclosure_row(event) for event in records.disclosures]
    if records.part2:
        export["redisclosure_notice"] = PART2_NOTICE
    _record_export(actor=actor, records=records, fmt="json")
    return export


def person_export_pdf(*, actor, person: Person, language: str | None = None) -> bytes:
    """The same records as :func:`person_export`, as a PDF for the person to keep (audited)."""
    from casebridge.consent.export_pdf import render_person_pdf

    records = person_records(actor=actor, person=person)
    body = render_person_pdf(records, language=language)
    _record_export(actor=actor, records=records, fmt="pdf")
    return body


class ExportEncoder(DjangoJSONEncoder):
    """Dates, UUIDs and decimals as strings; anything else (e.g. files) by its name."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)

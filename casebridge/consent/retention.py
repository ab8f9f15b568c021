"""Retention: de-identify the records of people no one has worked with for the retention period.

**Last activity** (:data:`ACTIVITY`, read by :func:`persons_due` and :func:`last_activity`, the
one definition) is the latest of: the person's own record changing, and, over every record
about them, its last change (``updated_at``) and the dates it is about that may lie later
(enrollment referral/start/end dates, contacts' times including scheduled ones, referral
receipt, assessment submission, goal progress and plan review dates, crisis events, the last
move of a service referral).

A person is **due** when their last activity is older than the retention period
(``CASEBRIDGE_RETENTION_YEARS``, default 7, or the agency's entry in
``CASEBRIDGE_RETENTION_YEARS_BY_AGENCY``), every enrollment is discharged, their record has no
``retention_hold`` and it was not de-identified already (``deidentified_at``), so a second run
changes nothing.

**De-identification** (:func:`retention_apply`) removes what identifies the person and keeps the
structured facts funders' outcome reports count: dates, programs, statuses, discharge reasons
and destinations, scores and bands, numeric answers, services provided, needs, goal domains and
achievement. Names become a placeholder (lists and the face sheet show "De-identified record"),
the date of birth keeps only its year (cleared past age 89), identifiers, their digest and contact
details are cleared, and free text in every record about the person is cleared or replaced by
:data:`PLACEHOLDER`. Uploaded referral documents and consent forms are deleted from storage.

Signed notes, amendments, agreed or closed plans, append-only plan records and current safety
plans refuse changes in their models and querysets. Retention is the one sanctioned exception:
:func:`_retention_queryset` writes through a plain ``QuerySet``, and nothing else may use it.
Every other path keeps refusing (tests guard both).

Runs in chunks (``batch_size`` people, one transaction per chunk, each person re-checked under a
row lock) with one audit event per person in the same transaction, naming fields and record
counts only. Entry points: ``manage.py apply_retention`` and the ``apply_retention`` job.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q

from casebridge.accounts.models import Agency
from casebridge.assessments.models import AssessmentResponse, Instrument, Need
from casebridge.consent.models import BreakGlass, ConsentDirective
from casebridge.contacts.models import Contact, Note, NoteAmendment
from casebridge.core import audit, clock
from casebridge.core.context import RequestContext, reset_request_context, set_request_context
from casebridge.core.models import AuditAction
from casebridge.crisis.models import CrisisEvent, PersonFlag, SafetyPlan
from casebridge.enrollments.models import DischargePlan, Enrollment, EnrollmentStatus, Transfer
from casebridge.intake.models import Referral, ReferralAttachment
from casebridge.people.models import DataQuality, Person, Relationship
from casebridge.plans.models import CarePlan, Goal, GoalProgress, PlanAgreement, PlanReview, Step
from casebridge.referrals.models import ServiceReferral, ServiceReferralEvent
from casebridge.tasks.models import Task

# What replaces required free text (a language-neutral marker: stored data is not translated).
PLACEHOLDER = "[de-identified]"
BATCH_SIZE = 500
OLDEST_AGE_KEPT = 89  # HIPAA Safe Harbor: above this age even the birth year identifies

# The one definition of last activity: (model, path to the person, fields that mark activity).
ACTIVITY: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (Relationship, "person", ("updated_at",)),
    (Enrollment, "person", ("updated_at", "referral_date", "start_date", "end_date")),
    (DischargePlan, "person", ("updated_at",)),
    (Transfer, "person", ("updated_at",)),
    (Referral, "person", ("updated_at", "received_at")),
    (AssessmentResponse, "person", ("updated_at", "submitted_at")),
    (Need, "person", ("updated_at",)),
    (CarePlan, "person", ("updated_at",)),
    (Goal, "person", ("updated_at",)),
    (Step, "person", ("updated_at",)),
    (GoalProgress, "person", ("updated_at", "recorded_on")),
    (PlanReview, "person", ("updated_at", "reviewed_on")),
    (Contact, "person", ("updated_at", "occurred_at")),
    (Note, "person", ("updated_at",)),
    (Task, "person", ("updated_at",)),
    (PersonFlag, "person", ("updated_at",)),
    (SafetyPlan, "person", ("updated_at",)),
    (CrisisEvent, "person", ("updated_at", "occurred_at")),
    (ServiceReferral, "person", ("updated_at", "last_activity_at")),
    (ConsentDirective, "person", ("updated_at",)),
]
PERSON_ACTIVITY = ("updated_at",)

# What de-identification writes on every record about the person: (model, path, new values).
REDACT: list[tuple[type[models.Model], str, dict]] = [
    (Relationship, "person", {"name": PLACEHOLDER, "phone": "", "notes": ""}),
    (Enrollment, "person", {"hold_reason": ""}),
    (DischargePlan, "person", {"aftercare": "", "who_to_call": "", "summary": ""}),
    (Transfer, "person", {"summary": PLACEHOLDER, "consent_evidence": ""}),
    (
        Referral,
        "person",
        {
            "first_name": PLACEHOLDER,
            "last_name": PLACEHOLDER,
            "date_of_birth": None,
            "phone": "",
            "email": "",
            "referrer_name": "",
            "referrer_email": "",
            "referrer_phone": "",
            "reason": PLACEHOLDER,
            "needs": "",
            "decline_note": "",
        },
    ),
    (ReferralAttachment, "referral__person", {"original_name": PLACEHOLDER, "file": ""}),
    (CarePlan, "person", {"summary": "", "end_reason": ""}),
    (
        Goal,
        "person",
        {"statement": PLACEHOLDER, "target_what": "", "target_measure": "", "strengths": ""},
    ),
    (Step, "person", {"action": PLACEHOLDER, "performer_name": ""}),
    (GoalProgress, "person", {"note": ""}),
    (PlanReview, "person", {"notes": PLACEHOLDER}),
    (
        PlanAgreement,
        "person",
        {"signer_name": PLACEHOLDER, "signature_png": "", "witness_name": ""},
    ),
    (Contact, "person", {"participants": "", "summary": ""}),
    (NoteAmendment, "note__person", {"text": PLACEHOLDER, "reason": PLACEHOLDER}),
    (
        Task,
        "person",
        {"title": PLACEHOLDER, "details": "", "snooze_reason": "", "completion_note": ""},
    ),
    (PersonFlag, "person", {"note": "", "clear_reason": ""}),
    (SafetyPlan, "person", {"sections": {}, "shared_how": ""}),
    (CrisisEvent, "person", {"description": PLACEHOLDER, "response": "", "outcome": ""}),
    (
        ServiceReferral,
        "person",
        {"reason": PLACEHOLDER, "shared": {}, "decline_reason": "", "outcome": ""},
    ),
    (ServiceReferralEvent, "referral__person", {"note": ""}),
    (
        ConsentDirective,
        "person",
        {
            "purpose_detail": "",
            "witness": "",
            "evidence_name": "",
            "evidence_file": "",
            "revoke_reason": "",
        },
    ),
    (BreakGlass, "person", {"reason": PLACEHOLDER}),
]
# JSON fields rewritten value by value: note sections become the placeholder, the answers to
# an instrument's free-text items and the text of screening facts are cleared; numbers,
# booleans and the chosen options stay.
REDACT_JSON: list[tuple[type[models.Model], str]] = [
    (Note, "sections"),
    (AssessmentResponse, "answers"),
    (Referral, "facts"),
]
# The person's own fields cleared (names and birth date are handled apart).
PERSON_CLEARED = {
    "legal_middle_name": "",
    "preferred_name": "",
    "gender_identity": "",
    "pronouns": "",
    "other_languages": "",
    "phone": "",
    "email": "",
    "address_line1": "",
    "address_line2": "",
    "city": "",
    "postal_code": "",
    "ssn": "",
    "ssn_digest": "",
    "medicaid_id": "",
    "strengths": "",
}
PERSON_FIELDS = sorted(
    [*PERSON_CLEARED, "legal_first_name", "legal_last_name", "date_of_birth", "search_key"]
)


@dataclass
class RetentionResult:
    dry_run: bool
    by_agency: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_agency.values())


# ---------------------------------------------------------------------------------------------
# Settings


def retention_years(agency: Agency | None = None) -> int:
    """The retention period in years for ``agency`` (its override, else the default)."""
    overrides = getattr(settings, "CASEBRIDGE_RETENTION_YEARS_BY_AGENCY", {}) or {}
    years = overrides.get(agency.slug) if agency is not None else None
    if years is None:
        years = getattr(settings, "CASEBRIDGE_RETENTION_YEARS", 7)
    years = int(years)
    if years < 1:
        raise ImproperlyConfigured("The retention period must be at least one year.")
    return years


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


# ---------------------------------------------------------------------------------------------
# Selectors


def _is_date(model, name: str) -> bool:
    return model._meta.get_field(name).get_internal_type() == "DateField"


def _since(model, fields, cutoff: datetime.datetime) -> Q:
    q = Q()
    for name in fields:
        bound = cutoff.date() if _is_date(model, name) else cutoff
        q |= Q(**{f"{name}__gte": bound})
    return q


def persons_due(*, cutoff: datetime.datetime, agency: Agency | None = None):
    """People due for de-identification: no activity since ``cutoff`` (see :data:`ACTIVITY`),
    every enrollment discharged, no retention hold, not de-identified yet."""
    people = Person._base_manager.filter(deidentified_at__isnull=True, retention_hold=False)
    if agency is not None:
        people = people.filter(agency=agency)
    people = people.exclude(_since(Person, PERSON_ACTIVITY, cutoff))
    open_enrollments = Enrollment._base_manager.filter(person=OuterRef("pk")).exclude(
        status=EnrollmentStatus.DISCHARGED
    )
    people = people.filter(~Exists(open_enrollments))
    for model, path, fields in ACTIVITY:
        recent = model._base_manager.filter(**{path: OuterRef("pk")}).filter(
            _since(model, fields, cutoff)
        )
        people = people.filter(~Exists(recent))
    return people


def _as_datetime(value) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)


def last_activity(person: Person) -> datetime.datetime | None:
    """When anything last happened about ``person`` (dates count from their midnight, UTC)."""
    own = Person._base_manager.filter(pk=person.pk).values(*PERSON_ACTIVITY).first() or {}
    moments = [_as_datetime(value) for value in own.values()]
    for model, path, fields in ACTIVITY:
        row = model._base_manager.filter(**{path: person}).aggregate(
            **{name: models.Max(name) for name in fields}
        )
        moments += [_as_datetime(value) for value in row.values()]
    return max((m for m in moments if m is not None), default=None)


# ---------------------------------------------------------------------------------------------
# Services


def _retention_queryset(model):
    """A plain QuerySet of ``model``: it skips the immutability guards of signed notes, agreed
    or closed plans, append-only records and current safety plans.

    Only de-identification under the retention policy may write through it; it never deletes.
    """
    return models.QuerySet(model=model)


def _without_text(value, replacement=""):
    if isinstance(value, str):
        return replacement
    if isinstance(value, list):
        return [_without_text(v, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _without_text(v, replacement) for k, v in value.items()}
    return value


def _item_kinds(definition) -> dict:
    return {i["id"]: i.get("type", "choice") for i in (definition or {}).get("items", [])}


def _redact_json(model, name: str, ids) -> None:
    rows = _retention_queryset(model).filter(person__in=ids)
    extra = ("instrument",) if model is AssessmentResponse else ()
    rows = list(rows.only("pk", name, *extra))
    kinds_of = {}
    if model is AssessmentResponse:
        instruments = {row.instrument_id for row in rows}
        kinds_of = {
            pk: _item_kinds(definition)
            for pk, definition in Instrument.objects.filter(pk__in=instruments).values_list(
                "pk", "definition"
            )
        }
    changed = []
    for row in rows:
        value = getattr(row, name) or {}
        if model is Note:
            value = _without_text(value, PLACEHOLDER)
        elif model is AssessmentResponse:
            # Chosen options stay; free text (and anything the definition does not know) goes.
            kinds = kinds_of.get(row.instrument_id, {})
            value = {
                key: answer if kinds.get(key) in ("choice", "multi") else _without_text(answer)
                for key, answer in value.items()
            }
        else:
            value = _without_text(value)
        setattr(row, name, value)
        changed.append(row)
    _retention_queryset(model).bulk_update(changed, [name], batch_size=BATCH_SIZE)


def _birth_year(dob: datetime.date | None, today: datetime.date):
    if dob is None:
        return None, None
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    if age > OLDEST_AGE_KEPT:
        return None, DataQuality.NOT_COLLECTED
    return datetime.date(dob.year, 1, 1), DataQuality.PARTIAL


def _deidentify_person(person: Person, now: datetime.datetime) -> None:
    for name, value in PERSON_CLEARED.items():
        setattr(person, name, value)
    person.legal_first_name = PLACEHOLDER
    person.legal_last_name = PLACEHOLDER
    person.search_key = ""
    dob, quality = _birth_year(person.date_of_birth, clock.today())
    person.date_of_birth = dob
    if quality is not None:
        person.dob_data_quality = quality
    person.deidentified_at = now
    person.save(update_fields=[*PERSON_FIELDS, "dob_data_quality", "deidentified_at", "updated_at"])


def _files_of(person_ids) -> list[tuple]:
    """(storage, name) of the uploads about these people, to delete once the change commits."""
    files = []
    attachments = _retention_queryset(ReferralAttachment).filter(referral__person__in=person_ids)
    for attachment in attachments.exclude(file=""):
        files.append((attachment.file.storage, attachment.file.name))
    directives = _retention_queryset(ConsentDirective).filter(person__in=person_ids)
    for directive in directives.exclude(evidence_file=""):
        files.append((directive.evidence_file.storage, directive.evidence_file.name))
    return files


def _delete_files(files) -> None:
    for storage, name in files:
        storage.delete(name)


def _deidentify_chunk(candidate_ids, *, cutoff, agency, years: int, now: datetime.datetime) -> list:
    """De-identify the candidates still due (re-checked under a row lock): one transaction."""
    with transaction.atomic():
        locked = persons_due(cutoff=cutoff, agency=agency).filter(pk__in=candidate_ids)
        people = list(locked.select_for_update().order_by("pk"))
        ids = [p.pk for p in people]
        if not ids:
            return []
        counts: dict = {p.pk: {} for p in people}
        touched = [(m, path) for m, path, _values in REDACT]
        touched += [(m, "person") for m, _name in REDACT_JSON if (m, "person") not in touched]
        for model, path in touched:
            rows = _retention_queryset(model).filter(**{f"{path}__in": ids})
            for row in rows.values(path).annotate(n=Count("pk")):
                counts[row[path]][model._meta.label_lower] = row["n"]
        files = _files_of(ids)
        for model, path, values in REDACT:
            _retention_queryset(model).filter(**{f"{path}__in": ids}).update(**values)
        for model, name in REDACT_JSON:
            _redact_json(model, name, ids)
        for person in people:
            _deidentify_person(person, now)
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=person,
                person=person,
                agency_id=person.agency_id,
                reason=(
                    f"Retention: no activity for {years} years and no open enrollment; "
                    "de-identified."
                ),
                data={
                    "deidentified": True,
                    "fields": PERSON_FIELDS,
                    "records": dict(sorted(counts[person.pk].items())),
                },
            )
        transaction.on_commit(lambda: _delete_files(files))
    return ids


def retention_apply(
    *,
    agency: Agency | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> RetentionResult:
    """De-identify everyone due (in ``agency``, or in every agency); with ``dry_run``, only count.

    Chunks of ``batch_size`` people, one transaction and one audit event per person each.
    """
    now = clock.now()
    result = RetentionResult(dry_run=dry_run)
    agencies = [agency] if agency is not None else list(Agency.objects.order_by("slug"))
    token = set_request_context(RequestContext(source="cli", actor_label="retention"))
    try:
        for each in agencies:
            years = retention_years(each)
            cutoff = years_before(now, years)
            last = None
            while True:
                due = persons_due(cutoff=cutoff, agency=each).order_by("pk")
                if last is not None:
                    due = due.filter(pk__gt=last)
                chunk = list(due.values_list("pk", flat=True)[:batch_size])
                if not chunk:
                    break
                last = chunk[-1]
                if dry_run:
                    done = chunk
                else:
                    done = _deidentify_chunk(
                        chunk, cutoff=cutoff, agency=each, years=years, now=now
                    )
                result.by_agency[each.slug] += len(done)
    finally:
        reset_request_context(token)
    return result


def person_retention_hold(*, person: Person, hold: bool, reason: str, actor=None) -> Person:
    """Put a legal hold on a person's record (the retention job skips it), or lift it."""
    if not reason.strip():
        raise ValueError("Say why the hold is placed or lifted.")
    with transaction.atomic():
        Person._base_manager.filter(pk=person.pk).update(retention_hold=hold)
        person.retention_hold = hold
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            person=person,
            agency_id=person.agency_id,
            reason=reason,
            data={"fields": ["retention_hold"]},
        )
    return person

"""Contact writes: record or schedule a contact with its services and note, sign, amend."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Role
from casebridge.assessments.access import CLINICAL_ROLES
from casebridge.contacts.models import (
    NOTE_SECTIONS,
    Contact,
    ContactStatus,
    Note,
    NoteAmendment,
    NoteFormat,
    NoteStatus,
    ServiceProvided,
    ServiceType,
)
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.errors import LockedError
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.models import Person
from casebridge.people.services import person_require_identified

# A contact documented this long after it happened is marked as a late entry.
LATE_ENTRY_AFTER = timedelta(hours=24)
SECTION_MAX = 10_000
EDITABLE = [
    "occurred_at",
    "duration_minutes",
    "contact_type",
    "location",
    "participants",
    "summary",
]


def _agency_for(actor, person: Person, enrollment):
    principal = principal_for(actor)
    if enrollment is not None:
        agency_id = enrollment.agency_id
    else:
        agencies = [g.agency_id for g in principal.grants if g.role in CLINICAL_ROLES]
        agency_id = person.agency_id if person.agency_id in agencies else next(iter(agencies), None)
    if agency_id is None or not principal.has_role(*CLINICAL_ROLES, agency_id=agency_id):
        raise PermissionDenied(_("Your role does not allow recording contacts."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot record contacts for this person."))
    return agency_id


def _default_enrollment(actor, person, agency_id=None):
    """The person's open enrollment the actor works on (their own first)."""
    open_enrollments = Enrollment.objects.visible_to(actor).filter(
        person=person, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD]
    )
    if agency_id:
        open_enrollments = open_enrollments.filter(agency_id=agency_id)
    mine = open_enrollments.filter(primary_case_manager=actor).first()
    return mine or open_enrollments.order_by("-start_date").first()


def _clean_services(rows) -> list[ServiceProvided]:
    services, errors = [], {}
    for index, row in enumerate(rows or []):
        prefix = f"services.{index}"
        kind = row.get("service_type")
        if kind not in ServiceType.values:
            errors[f"{prefix}.service_type"] = [_("Choose a service from the list.")]
            continue
        try:
            units = Decimal(str(row.get("units", 1) or 1))
            amount = row.get("amount")
            amount = None if amount in (None, "") else Decimal(str(amount))
        except (InvalidOperation, ValueError):
            errors[f"{prefix}.units"] = [_("Enter numbers for units and amount.")]
            continue
        if not Decimal("0") < units <= Decimal("1000"):
            errors[f"{prefix}.units"] = [_("Units must be more than 0 and at most 1000.")]
        if amount is not None and not Decimal("0") <= amount <= Decimal("100000"):
            errors[f"{prefix}.amount"] = [_("The amount must be between 0 and 100,000.")]
        services.append(ServiceProvided(service_type=kind, units=units, amount=amount))
    if errors:
        raise ValidationError(errors)
    return services


def _clean_contact(contact: Contact) -> None:
    errors = {}
    now = clock.now()
    if contact.occurred_at is None:
        errors["occurred_at"] = [_("Enter the date and time of the contact.")]
    elif contact.status == ContactStatus.COMPLETED and contact.occurred_at > now + timedelta(
        minutes=5
    ):
        errors["occurred_at"] = [
            _("A completed contact cannot be in the future: schedule it instead.")
        ]
    elif contact.status == ContactStatus.SCHEDULED and contact.occurred_at < now - timedelta(
        days=1
    ):
        errors["occurred_at"] = [_("An appointment must be scheduled for a time to come.")]
    elif contact.occurred_at < now - timedelta(days=366 * 2):
        errors["occurred_at"] = [_("This is more than two years ago: check the date.")]
    if contact.status == ContactStatus.COMPLETED and not contact.location:
        errors["location"] = [_("Choose where the contact took place.")]
    if contact.duration_minutes is not None and not 0 <= contact.duration_minutes <= 24 * 60:
        errors["duration_minutes"] = [_("The duration must be between 0 and 1440 minutes.")]
    try:
        contact.full_clean(
            exclude=["person", "agency", "enrollment", "staff", "occurred_at", "duration_minutes"]
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)


def _clean_note(note_format: str, sections: dict) -> dict:
    if note_format not in NoteFormat.values:
        raise ValidationError({"note.note_format": [_("Choose a note format from the list.")]})
    keys = [key for key, _label in NOTE_SECTIONS[NoteFormat(note_format)]]
    unknown = set(sections) - set(keys)
    if unknown:
        raise ValidationError(
            {
                f"note.sections.{key}": [_("This section is not part of the note format.")]
                for key in sorted(unknown)
            }
        )
    cleaned = {}
    for key in keys:
        value = sections.get(key, "")
        if not isinstance(value, str):
            raise ValidationError({f"note.sections.{key}": [_("Enter text.")]})
        if len(value) > SECTION_MAX:
            raise ValidationError(
                {
                    f"note.sections.{key}": [
                        _("Keep each section under %(max)s characters.") % {"max": SECTION_MAX}
                    ]
                }
            )
        cleaned[key] = value.strip()
    return cleaned


def _require_note_to_sign(sections: dict) -> None:
    if not any(sections.values()):
        raise ValidationError({"note.sections": [_("Write the note before signing it.")]})


def contact_record(
    *,
    actor,
    person: Person,
    data: dict,
    enrollment=None,
    services=None,
    note: dict | None = None,
    sign: bool = False,
    goal_progress=(),
) -> Contact:
    """Record a contact (or schedule one) with its services provided, optionally a note, and
    progress on the care-plan goals worked on (``[{"goal": Goal, "achievement", "note"}]``)."""
    if enrollment is None:
        enrollment = _default_enrollment(actor, person)
    agency_id = _agency_for(actor, person, enrollment)
    person_require_identified(person)
    status = data.get("status") or ContactStatus.COMPLETED
    contact = Contact(
        person=person,
        agency_id=agency_id,
        enrollment=enrollment,
        staff=actor,
        status=status,
        **{key: data.get(key) for key in EDITABLE if key in data},
    )
    contact.participants = contact.participants or ""
    contact.summary = contact.summary or ""
    contact.location = contact.location or ""
    _clean_contact(contact)
    provided = _clean_services(services)
    if provided and status != ContactStatus.COMPLETED:
        raise ValidationError({"services": [_("Record services on a completed contact.")]})
    sections = None
    if note is not None:
        sections = _clean_note(note.get("note_format", NoteFormat.DAP), note.get("sections", {}))
        if sign:
            _require_note_to_sign(sections)
    contact.late_entry = (
        status == ContactStatus.COMPLETED and clock.now() - contact.occurred_at > LATE_ENTRY_AFTER
    )
    with transaction.atomic():
        contact.save(force_insert=True)
        for row in provided:
            row.contact = contact
        ServiceProvided.objects.bulk_create(provided)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=contact,
            person=person,
            agency_id=agency_id,
            data={"status": status, "services": len(provided), "late_entry": contact.late_entry},
        )
        if goal_progress and status != ContactStatus.COMPLETED:
            raise ValidationError({"goals": [_("Record goal progress on a completed contact.")]})
        for row in goal_progress:
            from casebridge.plans.services import progress_record

            progress_record(
                actor=actor,
                goal=row["goal"],
                data={"achievement": row.get("achievement"), "note": row.get("note", "")},
                contact=contact,
            )
        if sections is not None and any(sections.values()):
            _note_write(
                actor=actor,
                contact=contact,
                note_format=note.get("note_format", NoteFormat.DAP),
                sections=sections,
                sign=sign,
            )
    return contact


def _require_editable(actor, contact: Contact) -> None:
    require_access(actor, contact, CLINICAL_ROLES, message=_("You cannot change this contact."))
    note = Note.objects.filter(contact=contact).only("status").first()
    if note is not None and note.status == NoteStatus.SIGNED:
        raise LockedError(
            _("The note of this contact is signed: the contact cannot change. Add an amendment.")
        )


def contact_update(*, actor, contact: Contact, changes: dict) -> Contact:
    _require_editable(actor, contact)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    changed = apply_changes(contact, changes)
    if not changed:
        return contact
    _clean_contact(contact)
    with transaction.atomic():
        contact.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=contact,
            person=contact.person_id,
            agency_id=contact.agency_id,
            data={"fields": sorted(changed)},
        )
    return contact


def contact_set_status(*, actor, contact: Contact, status: str, occurred_at=None) -> Contact:
    """Complete or cancel a scheduled appointment."""
    _require_editable(actor, contact)
    if contact.status != ContactStatus.SCHEDULED or status not in (
        ContactStatus.COMPLETED,
        ContactStatus.CANCELLED,
    ):
        raise ValidationError(_("Only a scheduled appointment can be completed or cancelled."))
    from_status = contact.status
    contact.status = status
    if status == ContactStatus.COMPLETED:
        contact.occurred_at = min(occurred_at or contact.occurred_at, clock.now())
        if not contact.location:
            contact.location = "office"
    _clean_contact(contact)
    with transaction.atomic():
        contact.save()
        audit.record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=contact,
            person=contact.person_id,
            agency_id=contact.agency_id,
            data={"from": from_status, "to": status},
        )
    return contact


def _note_write(*, actor, contact, note_format, sections, sign) -> Note:
    note = Note.objects.filter(contact=contact).first()
    creating = note is None
    if creating:
        note = Note(
            contact=contact,
            person_id=contact.person_id,
            agency_id=contact.agency_id,
            author=actor,
        )
    elif note.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can change a draft note."))
    note.note_format, note.sections = note_format, sections
    if sign:
        note.status, note.signed_at = NoteStatus.SIGNED, clock.now()
    note.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=note,
        person=contact.person_id,
        agency_id=contact.agency_id,
        data={"format": note_format, "signed": sign},
    )
    return note


def note_save(*, actor, contact: Contact, note_format: str, sections: dict, sign: bool) -> Note:
    """Write the contact's draft note, and sign it (after which it never changes)."""
    _require_editable(actor, contact)
    sections = _clean_note(note_format, sections)
    if sign:
        _require_note_to_sign(sections)
    with transaction.atomic():
        return _note_write(
            actor=actor, contact=contact, note_format=note_format, sections=sections, sign=sign
        )


def note_amend(*, actor, note: Note, text: str, reason: str) -> NoteAmendment:
    """Add a dated amendment to a signed note (the author, or a supervisor / program manager)."""
    if note.status != NoteStatus.SIGNED:
        raise ValidationError(_("Edit the draft itself: only signed notes take amendments."))
    principal = principal_for(actor)
    if note.author_id != actor.pk and not principal.has_role(
        Role.SUPERVISOR, Role.PROGRAM_MANAGER, agency_id=note.agency_id
    ):
        raise PermissionDenied(_("Only the author or a supervisor can amend this note."))
    require_access(actor, note, CLINICAL_ROLES, message=_("You cannot amend this note."))
    amendment = NoteAmendment(note=note, author=actor, text=(text or "").strip(), reason=reason)
    errors = {}
    if not amendment.text:
        errors["text"] = [_("Write the amendment.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the note is amended.")]
    try:
        amendment.full_clean(exclude=["note", "author"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        amendment.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=amendment,
            person=note.person_id,
            agency_id=note.agency_id,
            data={"note": str(note.pk)},
        )
    return amendment

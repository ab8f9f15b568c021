"""Transfers of an enrollment, each kept as a :class:`Transfer` row with its audit event.

- to another case manager: a warm hand-off (summary + a joint appointment of the person with
  both case managers); the new one becomes primary, the old one joins the care team. We keep
  it simple: the old case manager stays on the care team until someone takes them off (the
  joint contact being done does not remove them automatically).
- to another program of the agency: discharge ("transferred") and a new enrollment in the
  target program, in one transaction.
- to another agency, with the person's consent: an inbound referral in the receiving agency
  carrying only name, date of birth, phone and the transfer summary, then the discharge
  (the former case manager still gets the 30- and 90-day check-in tasks; a program transfer
  does not, since the person stays with the agency).

Program and agency transfers skip the discharge's transition-plan items (the transfer summary
is the plan) but not the record items: notes signed and no appointment left open.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Agency
from casebridge.contacts.models import ContactStatus, ContactType
from casebridge.contacts.services import contact_record
from casebridge.core import audit, clock
from casebridge.core.models import AuditAction
from casebridge.enrollments.models import DischargeReason, Enrollment, Transfer, TransferKind
from casebridge.enrollments.services import (
    _check_case_manager,
    _discharge,
    _require_care_access,
    enrollment_create,
    enrollment_update,
)
from casebridge.intake.models import Channel, Referral, SourceType
from casebridge.tasks.services import notify, task_create

SUMMARY_MAX = 5000
JOINT_CONTACT_TYPES = (ContactType.FACE_TO_FACE, ContactType.PHONE, ContactType.VIDEO)


def _clean_summary(summary) -> str:
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": [_("Write the transfer summary.")]})
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(
            {"summary": [_("Keep the summary under %(max)s characters.") % {"max": SUMMARY_MAX}]}
        )
    return summary


def _require_open(enrollment: Enrollment) -> None:
    if not enrollment.is_open:
        raise ValidationError(_("A discharged enrollment cannot be transferred."))


def _record(actor, transfer: Transfer) -> Transfer:
    transfer.save(force_insert=True)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=transfer,
        person=transfer.person_id,
        agency_id=transfer.agency_id,
        data={"kind": transfer.kind, "enrollment": str(transfer.enrollment_id)},
    )
    return transfer


def initials(person) -> str:
    first = (person.preferred_name or person.legal_first_name or "")[:1]
    last = (person.legal_last_name or "")[:1]
    return ".".join(part.upper() for part in (first, last) if part) + "."


def transfer_to_case_manager(
    *,
    actor,
    enrollment: Enrollment,
    to_case_manager,
    summary: str,
    joint_contact_at,
    contact_type: str = ContactType.FACE_TO_FACE,
) -> Transfer:
    """Warm hand-off to ``to_case_manager``: schedule the joint contact, make them primary,
    keep the old case manager on the care team, and give the new one a notification and a
    task due at the joint contact."""
    _require_care_access(actor, enrollment)
    _require_open(enrollment)
    errors = {}
    try:
        summary = _clean_summary(summary)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    old = enrollment.primary_case_manager
    if to_case_manager is None:
        errors["to_case_manager"] = [_("Choose the new case manager.")]
    elif old is not None and to_case_manager.pk == old.pk:
        errors["to_case_manager"] = [_("Choose someone other than the current case manager.")]
    else:
        try:
            _check_case_manager(to_case_manager, enrollment.agency_id)
        except ValidationError:
            errors["to_case_manager"] = [_("Choose a case manager of this agency.")]
    if joint_contact_at is None:
        errors["joint_contact_at"] = [_("Enter the date and time of the joint contact.")]
    elif joint_contact_at <= clock.now():
        errors["joint_contact_at"] = [_("Schedule the joint contact for a time to come.")]
    elif joint_contact_at > clock.now() + timedelta(days=90):
        errors["joint_contact_at"] = [_("Schedule the joint contact within 90 days.")]
    if contact_type not in JOINT_CONTACT_TYPES:
        errors["contact_type"] = [_("Choose face to face, phone or video.")]
    if errors:
        raise ValidationError(errors)
    staff = [user for user in (old, to_case_manager) if user is not None]
    person = enrollment.person
    with transaction.atomic():
        contact = contact_record(
            actor=actor,
            person=person,
            enrollment=enrollment,
            data={
                "status": ContactStatus.SCHEDULED,
                "occurred_at": joint_contact_at,
                "contact_type": contact_type,
                "participants": ", ".join(
                    [_("the person")] + [user.display_name for user in staff]
                ),
                "summary": _("Transfer: joint contact with both case managers"),
            },
        )
        care_team = list(enrollment.care_team.all())
        if old is not None and old not in care_team:
            care_team.append(old)
        care_team = [user for user in care_team if user.pk != to_case_manager.pk]
        enrollment_update(
            actor=actor,
            enrollment=enrollment,
            primary_case_manager=to_case_manager,
            care_team=care_team,
        )
        transfer = _record(
            actor,
            Transfer(
                enrollment=enrollment,
                person_id=enrollment.person_id,
                agency_id=enrollment.agency_id,
                kind=TransferKind.CASE_MANAGER,
                from_case_manager=old,
                to_case_manager=to_case_manager,
                from_program_id=enrollment.program_id,
                to_program_id=enrollment.program_id,
                summary=summary,
                joint_contact=contact,
                created_by=actor,
            ),
        )
        task_create(
            actor=actor,
            person=person,
            agency_id=enrollment.agency_id,
            assignee=to_case_manager,
            title=_("Read the transfer summary and meet %(initials)s")
            % {"initials": initials(person)},
            due_at=joint_contact_at,
            source="transfer",
            details=_("The transfer summary is on the enrollment page."),
            dedupe_key=f"transfer:{transfer.pk}",
        )
        notify(
            users=[to_case_manager],
            kind="transfer",
            title=_("A client was transferred to you"),
            link=f"/enrollments/{enrollment.pk}/",
        )
    return transfer


def transfer_to_program(
    *,
    actor,
    enrollment: Enrollment,
    to_program,
    summary: str,
    destination,
    start_now: bool = False,
    end_date=None,
) -> Transfer:
    """Discharge from the current program ("transferred", destination as chosen) and enroll in
    ``to_program`` of the same agency (pending, or active today), all or nothing."""
    _require_care_access(actor, enrollment)
    _require_open(enrollment)
    errors = {}
    try:
        summary = _clean_summary(summary)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if to_program is None:
        errors["to_program"] = [_("Choose the program.")]
    elif to_program.agency_id != enrollment.agency_id:
        errors["to_program"] = [_("Choose a program of this agency.")]
    elif to_program.pk == enrollment.program_id:
        errors["to_program"] = [_("Choose a program other than the current one.")]
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    with transaction.atomic():
        # The new enrollment first: while the old one is open it is not a readmission.
        try:
            new = enrollment_create(
                actor=actor,
                person=enrollment.person,
                program=to_program,
                referral_date=today,
                primary_case_manager=enrollment.primary_case_manager,
                intensity_tier=enrollment.intensity_tier,
                start_date=today if start_now else None,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {
                        ("to_program" if k == "program" else k): v
                        for k, v in exc.message_dict.items()
                    }
                ) from exc
            raise
        _discharge(
            actor=actor,
            enrollment=enrollment,
            values={
                "reason": DischargeReason.TRANSFERRED,
                "destination": destination,
                "summary": summary,
                "aftercare": _("Continues in %(program)s.") % {"program": to_program.name},
            },
            end_date=end_date,
            records_only=True,
            follow_up=False,  # the person stays with the agency: no check-in calls needed
        )
        transfer = _record(
            actor,
            Transfer(
                enrollment=enrollment,
                person_id=enrollment.person_id,
                agency_id=enrollment.agency_id,
                kind=TransferKind.PROGRAM,
                from_case_manager=enrollment.primary_case_manager,
                to_case_manager=enrollment.primary_case_manager,
                from_program_id=enrollment.program_id,
                to_program=to_program,
                to_enrollment=new,
                summary=summary,
                created_by=actor,
            ),
        )
    return transfer


def transfer_to_agency(
    *,
    actor,
    enrollment: Enrollment,
    to_agency,
    summary: str,
    destination,
    consent_confirmed: bool,
    consent_evidence: str,
    end_date=None,
) -> Transfer:
    """With the person's consent, refer them to ``to_agency`` and discharge ("transferred").

    The referral carries first and last name, date of birth, phone and the transfer summary,
    nothing else; it arrives in the receiving agency's intake inbox. The sending agency keeps
    only the receiving agency's name and the referral's reference: what happens there is not
    shown to it. Both agencies get their own audit event.
    """
    _require_care_access(actor, enrollment)
    _require_open(enrollment)
    errors = {}
    try:
        summary = _clean_summary(summary)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if consent_confirmed is not True:
        errors["consent_confirmed"] = [
            _("Confirm that the person agreed to share these details with the other agency.")
        ]
    consent_evidence = (consent_evidence or "").strip()
    if not consent_evidence:
        errors["consent_evidence"] = [_("Say who witnessed the consent or where it is recorded.")]
    elif len(consent_evidence) > 300:
        errors["consent_evidence"] = [_("Keep this under 300 characters.")]
    if to_agency is None or not to_agency.is_active:
        errors["to_agency"] = [_("Choose the agency.")]
    elif to_agency.pk == enrollment.agency_id:
        errors["to_agency"] = [_("Choose another agency: use a program transfer inside yours.")]
    if errors:
        raise ValidationError(errors)
    person = enrollment.person
    sending = Agency.objects.get(pk=enrollment.agency_id)
    referral = Referral(
        agency=to_agency,
        channel=Channel.STAFF,
        source_type=SourceType.AGENCY,
        referrer_organization=sending.name[:200],
        first_name=person.legal_first_name,
        last_name=person.legal_last_name,
        date_of_birth=person.date_of_birth,
        phone=person.phone,
        reason=summary,
        consent_to_contact=True,
        received_at=clock.now(),
    )
    try:
        referral.full_clean(exclude=["agency", "program", "person", "assigned_to", "enrollment"])
    except ValidationError as exc:  # pragma: no cover - the person's data was validated before
        raise ValidationError({"summary": exc.messages}) from exc
    with transaction.atomic():
        referral.save(force_insert=True)
        audit.record(  # the receiving agency's side: no person of theirs yet
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            agency_id=to_agency.pk,
            data={"channel": Channel.STAFF, "transfer_from_agency": str(sending.pk)},
        )
        _discharge(
            actor=actor,
            enrollment=enrollment,
            values={
                "reason": DischargeReason.TRANSFERRED,
                "destination": destination,
                "summary": summary,
                "aftercare": _("Referred to %(agency)s.") % {"agency": to_agency.name},
            },
            end_date=end_date,
            records_only=True,
        )
        transfer = _record(
            actor,
            Transfer(
                enrollment=enrollment,
                person_id=enrollment.person_id,
                agency_id=enrollment.agency_id,
                kind=TransferKind.AGENCY,
                from_case_manager=enrollment.primary_case_manager,
                from_program_id=enrollment.program_id,
                to_agency=to_agency,
                referral_reference=referral.reference,
                summary=summary,
                consent_evidence=consent_evidence,
                created_by=actor,
            ),
        )
    return transfer


def transfer_targets(*, enrollment: Enrollment):
    """Agencies a person can be referred to (names only: no client data)."""
    return Agency.objects.filter(is_active=True).exclude(pk=enrollment.agency_id).order_by("name")

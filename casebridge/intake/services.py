"""Referral writes: intake from any channel, screening, waitlist, decisions. Each in one
transaction with its audit event; accepting creates the Person (if new) and the Enrollment in
the same transaction, so a failure anywhere leaves nothing behind."""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.accounts.models import Role
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.errors import TransitionError
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access, transition
from casebridge.core.uploads import check_upload
from casebridge.enrollments.selectors import is_readmission
from casebridge.enrollments.services import enrollment_create
from casebridge.intake import eligibility
from casebridge.intake.models import (
    ALLOWED_TRANSITIONS,
    CLOSED,
    Channel,
    DeclineReason,
    Referral,
    ReferralAttachment,
    ReferralStatus,
)
from casebridge.intake.selectors import program_capacity
from casebridge.people.models import Person
from casebridge.people.services import person_create

INTAKE_ROLES = (
    Role.INTAKE_WORKER,
    Role.AGENCY_ADMIN,
    Role.PROGRAM_MANAGER,
    Role.SUPERVISOR,
    Role.CASE_MANAGER,
)
DECIDING_ROLES = (Role.INTAKE_WORKER, Role.AGENCY_ADMIN, Role.PROGRAM_MANAGER, Role.SUPERVISOR)
REFERRAL_FIELDS = (
    "program",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "source_type",
    "referrer_name",
    "referrer_organization",
    "referrer_email",
    "referrer_phone",
    "reason",
    "needs",
    "urgency",
    "consent_to_contact",
    "facts",
    "person",
)


def _validate(referral: Referral) -> None:
    errors = {}
    try:
        referral.full_clean(exclude=["agency", "program", "person", "assigned_to", "enrollment"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if referral.date_of_birth and referral.date_of_birth > clock.today():
        errors.setdefault("date_of_birth", []).append(_("Date of birth cannot be in the future."))
    if referral.program_id and referral.program.agency_id != referral.agency_id:
        errors.setdefault("program", []).append(_("Choose a program of this agency."))
    try:
        _check_facts(referral.facts)
    except ValidationError as exc:
        errors.setdefault("facts", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _check_facts(facts) -> None:
    if not isinstance(facts, dict):
        raise ValidationError(_("Screening facts must be an object."))
    for name, value in facts.items():
        kind = eligibility.FACTS.get(name)
        if kind is None:
            raise ValidationError(_("Unknown screening fact: %(name)s.") % {"name": name})
        if value is not None and (type(value) is not kind):
            raise ValidationError(
                _("%(name)s must be a %(kind)s.") % {"name": name, "kind": kind.__name__}
            )


def referral_create(
    *, actor, agency, channel=Channel.STAFF, submission_key: str = "", **fields
) -> Referral:
    """Record an inbound referral; the same ``submission_key`` twice returns the first one."""
    unknown = set(fields) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    if channel != Channel.SELF and not principal_for(actor).has_role(
        *INTAKE_ROLES, agency_id=agency.pk
    ):
        raise PermissionDenied(_("You cannot record referrals for this agency."))
    if submission_key:
        existing = Referral.objects.filter(agency=agency, submission_key=submission_key).first()
        if existing is not None:
            return existing
    person = fields.get("person")
    if person is not None and not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("Choose a person you can see.")]})
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    referral = Referral(
        agency=agency,
        channel=channel,
        submission_key=submission_key,
        received_at=clock.now(),
        **clean,
    )
    referral.readmission = is_readmission(person_id=referral.person_id, agency_id=agency.pk)
    _validate(referral)
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=referral,
                person=referral.person_id,
                agency_id=agency.pk,
                data={"channel": channel},
            )
    except IntegrityError:  # a concurrent double submit won the race
        existing = Referral.objects.filter(agency=agency, submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    return referral


def _require(actor, referral: Referral, roles=DECIDING_ROLES) -> None:
    require_access(actor, referral, roles, message=_("You cannot change this referral."))


def _transition(*, actor, referral: Referral, to_status: str, reason: str = "", **changes):
    if to_status in CLOSED:
        changes["decided_at"] = clock.now()
    return transition(
        actor=actor,
        obj=referral,
        allowed=ALLOWED_TRANSITIONS,
        statuses=ReferralStatus,
        to_status=to_status,
        reason=reason,
        message=_("A referral that is %(current)s cannot become %(target)s."),
        **changes,
    )


def referral_start_screening(*, actor, referral: Referral) -> Referral:
    _require(actor, referral)
    return _transition(actor=actor, referral=referral, to_status=ReferralStatus.SCREENING)


def referral_waitlist(*, actor, referral: Referral) -> Referral:
    _require(actor, referral)
    if referral.program_id is None:
        raise ValidationError({"program": [_("Choose the program to wait for.")]})
    return _transition(actor=actor, referral=referral, to_status=ReferralStatus.WAITLISTED)


def referral_withdraw(*, actor, referral: Referral, note: str = "") -> Referral:
    _require(actor, referral, INTAKE_ROLES)
    return _transition(
        actor=actor,
        referral=referral,
        to_status=ReferralStatus.WITHDRAWN,
        reason=note,
        decline_note=note[:500],
    )


def referral_decline(*, actor, referral: Referral, reason: str, note: str = "") -> Referral:
    _require(actor, referral)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": [_("Choose why the referral is declined.")]})
    referral = _transition(
        actor=actor,
        referral=referral,
        to_status=ReferralStatus.DECLINED,
        reason=note,
        decline_reason=reason,
        decline_note=note[:500],
    )
    _notify_referrer(referral)
    return referral


def referral_offer_slot(*, actor, referral: Referral) -> Referral:
    """Hold one of the program's free places for this waitlisted person."""
    _require(actor, referral)
    if referral.status != ReferralStatus.WAITLISTED or referral.offered_at:
        raise TransitionError(
            _("Only a waitlisted referral without an offer can be offered a slot.")
        )
    with transaction.atomic():
        if program_capacity(referral.program).available <= 0:
            raise ValidationError(
                _("%(program)s has no free place to offer.") % {"program": referral.program.name}
            )
        referral.offered_at = clock.now()
        referral.save(update_fields=["offered_at", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=referral,
            person=referral.person_id,
            agency_id=referral.agency_id,
            data={"fields": ["offered_at"]},
        )
    return referral


def referral_assign(*, actor, referral: Referral, assignee) -> Referral:
    _require(actor, referral, INTAKE_ROLES)
    if assignee is not None and not principal_for(assignee).has_role(
        *INTAKE_ROLES, agency_id=referral.agency_id
    ):
        raise ValidationError({"assigned_to": [_("Choose someone who works in this agency.")]})
    with transaction.atomic():
        if not apply_changes(referral, {"assigned_to": assignee}):
            return referral
        referral.save(update_fields=["assigned_to", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=referral,
            person=referral.person_id,
            agency_id=referral.agency_id,
            data={"fields": ["assigned_to"]},
        )
    return referral


def referral_update_screening(*, actor, referral: Referral, facts: dict, program=...) -> Referral:
    """Record what is known for screening (and optionally change the program requested)."""
    _require(actor, referral, INTAKE_ROLES)
    if not referral.is_open:
        raise ValidationError(_("A closed referral cannot be changed."))
    merged = {**referral.facts, **{k: v for k, v in facts.items()}}
    merged = {k: v for k, v in merged.items() if v is not None and v != ""}
    _check_facts(merged)
    changes = {"facts": merged}
    if program is not ...:
        if program is not None and program.agency_id != referral.agency_id:
            raise ValidationError({"program": [_("Choose a program of this agency.")]})
        changes["program"] = program
    with transaction.atomic():
        changed = apply_changes(referral, changes)
        if not changed:
            return referral
        referral.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=referral,
            person=referral.person_id,
            agency_id=referral.agency_id,
            data={"fields": sorted(changed)},
        )
    return referral


def referral_match_person(*, actor, referral: Referral, person: Person) -> Referral:
    _require(actor, referral, INTAKE_ROLES)
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot see this person."))
    with transaction.atomic():
        changed = apply_changes(
            referral,
            {
                "person": person,
                "readmission": is_readmission(person_id=person.pk, agency_id=referral.agency_id),
            },
        )
        referral.save(update_fields=["person", "readmission", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=referral,
            person=person,
            agency_id=referral.agency_id,
            data={"fields": sorted(changed) or ["person"]},
        )
    return referral


def referral_accept(*, actor, referral: Referral, primary_case_manager=None) -> Referral:
    """Accept into the requested program: Person (if new) + Enrollment + status, all or nothing."""
    _require(actor, referral)
    if referral.program_id is None:
        raise ValidationError({"program": [_("Choose the program the person is accepted into.")]})
    with transaction.atomic():
        if referral.offered_at is None and program_capacity(referral.program).available <= 0:
            raise ValidationError(
                _("%(program)s is full: waitlist the referral and offer a slot when one opens.")
                % {"program": referral.program.name}
            )
        person = referral.person
        if person is None:
            person = person_create(
                actor=actor,
                agency=referral.agency,
                legal_first_name=referral.first_name,
                legal_last_name=referral.last_name,
                date_of_birth=referral.date_of_birth,
                phone=referral.phone,
                email=referral.email,
            )
        enrollment = enrollment_create(
            actor=actor,
            person=person,
            program=referral.program,
            referral_date=timezone.localdate(referral.received_at),
            primary_case_manager=primary_case_manager,
        )
        referral = _transition(
            actor=actor,
            referral=referral,
            to_status=ReferralStatus.ACCEPTED,
            person=person,
            enrollment=enrollment,
        )
    _notify_referrer(referral)
    return referral


def _notify_referrer(referral: Referral) -> None:
    """Tell the referrer the outcome, after commit, with no clinical detail."""
    if not referral.referrer_email:
        return
    accepted = referral.status == ReferralStatus.ACCEPTED
    subject = _("Referral %(reference)s: %(outcome)s") % {
        "reference": referral.reference,
        "outcome": _("accepted") if accepted else _("not accepted"),
    }
    body = _(
        "Thank you for your referral %(reference)s to %(agency)s.\n\n%(outcome)s\n\n"
        "For privacy this message holds no personal details. Please contact %(agency)s and quote "
        "the reference if you need to know more."
    ) % {
        "reference": referral.reference,
        "agency": referral.agency.name,
        "outcome": _("It has been accepted and the person will be contacted.")
        if accepted
        else _("It could not be accepted."),
    }
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [referral.referrer_email], fail_silently=True)
    )


def referral_attach(*, actor, referral: Referral, upload) -> ReferralAttachment:
    """Store an uploaded document with the referral after checking size, name and content."""
    _require(actor, referral, INTAKE_ROLES)
    try:
        content_type = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    attachment = ReferralAttachment(
        referral=referral,
        original_name=PurePath(upload.name).name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(str(attachment.pk), upload, save=False)
    try:
        with transaction.atomic():
            attachment.save(force_insert=True)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=attachment,
                person=referral.person_id,
                agency_id=referral.agency_id,
                data={"referral": str(referral.pk), "size": attachment.size},
            )
    except BaseException:
        attachment.file.delete(save=False)  # no file without its row
        raise
    return attachment

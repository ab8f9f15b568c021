"""Enrollment writes. Every status change goes through :func:`enrollment_transition`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Membership, Role
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access, transition
from casebridge.enrollments.models import (
    ALLOWED_TRANSITIONS,
    Destination,
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    IntensityTier,
)
from casebridge.people.models import Person

ENROLLING_ROLES = (
    Role.INTAKE_WORKER,
    Role.CASE_MANAGER,
    Role.SUPERVISOR,
    Role.PROGRAM_MANAGER,
    Role.AGENCY_ADMIN,
)
CARE_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN)


def _check_case_manager(user, agency_id) -> None:
    if user is None:
        return
    works_here = Membership.objects.filter(
        user=user,
        agency_id=agency_id,
        is_active=True,
        role__in=[Role.CASE_MANAGER, Role.SUPERVISOR],
    ).exists()
    if not works_here or not user.is_active:
        raise ValidationError(
            {"primary_case_manager": [_("Choose a case manager of this agency.")]}
        )


def _team_for(user, agency_id):
    if user is None:
        return None
    membership = (
        Membership.objects.filter(
            user=user, agency_id=agency_id, is_active=True, team__isnull=False
        )
        .order_by("created_at")
        .first()
    )
    return membership.team_id if membership else None


def _validate_choice(field: str, value, choices) -> None:
    if value not in choices.values:
        raise ValidationError({field: [_("Select a valid choice.")]})


def enrollment_create(
    *,
    actor,
    person: Person,
    program,
    referral_date=None,
    primary_case_manager=None,
    intensity_tier: str = IntensityTier.MODERATE,
    care_team=(),
) -> Enrollment:
    """Enroll ``person`` in ``program`` as pending."""
    if not principal_for(actor).has_role(*ENROLLING_ROLES, agency_id=program.agency_id):
        raise PermissionDenied(_("You cannot enroll people in this program."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot enroll this person."))
    if not program.is_active:
        raise ValidationError({"program": [_("This program is not accepting enrollments.")]})
    _validate_choice("intensity_tier", intensity_tier, IntensityTier)
    referral_date = referral_date or clock.today()
    if referral_date > clock.today():
        raise ValidationError({"referral_date": [_("The referral date cannot be in the future.")]})
    _check_case_manager(primary_case_manager, program.agency_id)
    for member in care_team:
        _check_case_manager(member, program.agency_id)
    enrollment = Enrollment(
        person=person,
        program=program,
        agency_id=program.agency_id,
        team_id=_team_for(primary_case_manager, program.agency_id),
        primary_case_manager=primary_case_manager,
        intensity_tier=intensity_tier,
        referral_date=referral_date,
        status=EnrollmentStatus.PENDING,
        status_changed_at=clock.now(),
    )
    try:
        enrollment.validate_constraints()
    except ValidationError as exc:
        raise ValidationError({"program": exc.messages}) from exc
    try:
        with transaction.atomic():
            enrollment.save(force_insert=True)
            if care_team:
                enrollment.care_team.set(care_team)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=enrollment,
                person=person,
                agency_id=enrollment.agency_id,
                data={"status": enrollment.status},
            )
    except IntegrityError as exc:  # a concurrent enrollment won the race
        raise ValidationError(
            {"program": [_("This person already has an open enrollment in this program.")]}
        ) from exc
    return enrollment


def _require_care_access(actor, enrollment: Enrollment, roles=CARE_ROLES) -> None:
    require_access(actor, enrollment, roles, message=_("You cannot change this enrollment."))


def enrollment_transition(
    *, actor, enrollment: Enrollment, to_status: str, reason: str = "", **changes
) -> Enrollment:
    """Move ``enrollment`` to ``to_status`` if the state machine allows it, with its audit event."""
    roles = ENROLLING_ROLES if to_status == EnrollmentStatus.ACTIVE else CARE_ROLES
    _require_care_access(actor, enrollment, roles)
    return transition(
        actor=actor,
        obj=enrollment,
        allowed=ALLOWED_TRANSITIONS,
        statuses=EnrollmentStatus,
        to_status=to_status,
        reason=reason,
        message=_("An enrollment that is %(current)s cannot become %(target)s."),
        status_changed_at=clock.now(),
        **changes,
    )


def _check_date(field: str, value, not_before=None, not_before_label: str = "") -> None:
    if value is None:
        raise ValidationError({field: [_("Enter a date.")]})
    if value > clock.today():
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    if not_before and value < not_before:
        raise ValidationError(
            {
                field: [
                    _("The date cannot be before %(label)s (%(date)s).")
                    % {"label": not_before_label, "date": not_before.isoformat()}
                ]
            }
        )


def enrollment_activate(*, actor, enrollment: Enrollment, start_date=None) -> Enrollment:
    start_date = start_date or clock.today()
    if enrollment.status == EnrollmentStatus.PENDING:
        _check_date("start_date", start_date, enrollment.referral_date, _("the referral date"))
        changes = {"start_date": start_date}
    else:
        changes = {"hold_reason": "", "hold_started_on": None}
    return enrollment_transition(
        actor=actor, enrollment=enrollment, to_status=EnrollmentStatus.ACTIVE, **changes
    )


def enrollment_hold(*, actor, enrollment: Enrollment, reason: str) -> Enrollment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why services are on hold.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("Keep the reason under 500 characters.")]})
    return enrollment_transition(
        actor=actor,
        enrollment=enrollment,
        to_status=EnrollmentStatus.ON_HOLD,
        reason=reason,
        hold_reason=reason,
        hold_started_on=clock.today(),
    )


def enrollment_discharge(
    *,
    actor,
    enrollment: Enrollment,
    reason: str,
    destination: int | None,
    end_date=None,
    note: str = "",
) -> Enrollment:
    _validate_choice("reason", reason, DischargeReason)
    if destination is None:
        raise ValidationError({"destination": [_("Record where the person is going.")]})
    _validate_choice("destination", destination, Destination)
    end_date = end_date or clock.today()
    _check_date(
        "end_date", end_date, enrollment.start_date or enrollment.referral_date, _("the start date")
    )
    return enrollment_transition(
        actor=actor,
        enrollment=enrollment,
        to_status=EnrollmentStatus.DISCHARGED,
        reason=note,
        discharge_reason=reason,
        destination=destination,
        end_date=end_date,
    )


def enrollment_update(
    *, actor, enrollment: Enrollment, primary_case_manager=..., intensity_tier=..., care_team=...
) -> Enrollment:
    """Change who works with the person and how intensively (not the status)."""
    _require_care_access(actor, enrollment)
    if not enrollment.is_open:
        raise ValidationError(_("A discharged enrollment cannot be changed."))
    changes = {}
    if primary_case_manager is not ...:
        _check_case_manager(primary_case_manager, enrollment.agency_id)
        changes["primary_case_manager"] = primary_case_manager
        changes["team_id"] = _team_for(primary_case_manager, enrollment.agency_id)
    if intensity_tier is not ...:
        _validate_choice("intensity_tier", intensity_tier, IntensityTier)
        changes["intensity_tier"] = intensity_tier
    with transaction.atomic():
        changed = apply_changes(enrollment, changes)
        if care_team is not ...:
            for member in care_team:
                _check_case_manager(member, enrollment.agency_id)
            before = set(enrollment.care_team.values_list("pk", flat=True))
            if before != {m.pk for m in care_team}:
                enrollment.care_team.set(care_team)
                changed.append("care_team")
        if not changed:
            return enrollment
        enrollment.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=enrollment,
            person=enrollment.person_id,
            agency_id=enrollment.agency_id,
            data={"fields": sorted(changed)},
        )
    return enrollment

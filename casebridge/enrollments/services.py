"""Enrollment writes. Every status change goes through :func:`enrollment_transition`.
Transfers live in :mod:`casebridge.enrollments.transfers`."""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.accounts.models import Membership, Role
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access, transition
from casebridge.enrollments import selectors
from casebridge.enrollments.models import (
    ALLOWED_TRANSITIONS,
    Destination,
    DischargePlan,
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    IntensityTier,
)
from casebridge.enrollments.selectors import is_readmission
from casebridge.people.models import Person
from casebridge.people.services import person_require_identified
from casebridge.tasks.models import Task
from casebridge.tasks.services import task_create

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
    start_date=None,
) -> Enrollment:
    """Enroll ``person`` in ``program``: pending, or active from ``start_date`` when given.

    The enrollment is flagged as a readmission when the person left this agency in the 12
    months before (see :func:`selectors.is_readmission`)."""
    if not principal_for(actor).has_role(*ENROLLING_ROLES, agency_id=program.agency_id):
        raise PermissionDenied(_("You cannot enroll people in this program."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot enroll this person."))
    person_require_identified(person)
    if not program.is_active:
        raise ValidationError({"program": [_("This program is not accepting enrollments.")]})
    _validate_choice("intensity_tier", intensity_tier, IntensityTier)
    referral_date = referral_date or clock.today()
    if referral_date > clock.today():
        raise ValidationError({"referral_date": [_("The referral date cannot be in the future.")]})
    if start_date is not None:
        _check_date("start_date", start_date, referral_date, _("the referral date"))
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
        start_date=start_date,
        status=EnrollmentStatus.PENDING if start_date is None else EnrollmentStatus.ACTIVE,
        status_changed_at=clock.now(),
        readmission=is_readmission(person_id=person.pk, agency_id=program.agency_id),
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


PLAN_FIELDS = ("reason", "destination", "aftercare", "who_to_call", "summary")
PLAN_LIMITS = {"aftercare": 5000, "who_to_call": 2000, "summary": 5000}
POST_DISCHARGE_DAYS = (30, 90)
POST_DISCHARGE_SOURCE = "post_discharge"


def _plan(actor, enrollment: Enrollment, values: dict) -> tuple[DischargePlan, dict]:
    """An unsaved plan from the typed values, and the errors in their form (not their absence:
    missing items are the checklist's business)."""
    errors: dict[str, list[str]] = {}
    text = {}
    for name, limit in PLAN_LIMITS.items():
        text[name] = (values.get(name) or "").strip()
        if len(text[name]) > limit:
            errors[name] = [_("Keep this under %(max)s characters.") % {"max": limit}]
    reason = values.get("reason") or ""
    if reason and reason not in DischargeReason.values:
        errors["reason"] = [_("Select a valid choice.")]
        reason = ""
    destination = values.get("destination")
    if destination in ("", None):
        destination = None
    elif destination not in Destination.values:
        errors["destination"] = [_("Select a valid choice.")]
        destination = None
    plan = DischargePlan(
        enrollment=enrollment,
        person_id=enrollment.person_id,
        agency_id=enrollment.agency_id,
        reason=reason,
        destination=destination,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **text,
    )
    return plan, errors


def _save_plan(actor, plan: DischargePlan) -> DischargePlan:
    plan.save(force_insert=True)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        person=plan.person_id,
        agency_id=plan.agency_id,
        data={"enrollment": str(plan.enrollment_id), "final": plan.is_final},
    )
    return plan


def discharge_plan_save(*, actor, enrollment: Enrollment, **values) -> DischargePlan:
    """Save the transition plan as a draft (a new row: earlier drafts stay as history)."""
    _require_care_access(actor, enrollment)
    if not enrollment.is_open:
        raise ValidationError(_("A discharged enrollment cannot be changed."))
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    plan, errors = _plan(actor, enrollment, values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _save_plan(actor, plan)


def _follow_up_tasks(actor, enrollment: Enrollment) -> None:
    """Check-ins 30 and 90 days after discharge for the former primary case manager."""
    assignee = enrollment.primary_case_manager or actor
    tz = timezone.get_current_timezone()
    for days in POST_DISCHARGE_DAYS:
        key = f"post_discharge:{enrollment.pk}:{days}"
        if Task.objects.filter(dedupe_key=key).exists():
            continue  # task_create's own dedupe only catches the race (full_clean runs first)
        due = datetime.combine(enrollment.end_date + timedelta(days=days), time(9), tzinfo=tz)
        task_create(
            actor=actor,
            person=enrollment.person,
            agency_id=enrollment.agency_id,
            assignee=assignee,
            title=_("Post-discharge check-in (%(days)s days)") % {"days": days},
            due_at=due,
            source=POST_DISCHARGE_SOURCE,
            details=_("See how the person is doing and whether the aftercare plan holds."),
            dedupe_key=key,
        )


def _discharge(
    *,
    actor,
    enrollment: Enrollment,
    values: dict,
    end_date=None,
    note: str = "",
    records_only: bool = False,
    follow_up: bool = True,
) -> Enrollment:
    """Check, then in one transaction: the final plan, the status change, the follow-ups.
    Transfers call this with ``records_only`` inside their own transaction."""
    _require_care_access(actor, enrollment)
    plan, errors = _plan(actor, enrollment, values)
    end_date = end_date or clock.today()
    try:
        _check_date(
            "end_date",
            end_date,
            enrollment.start_date or enrollment.referral_date,
            _("the start date"),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if records_only:
        for name in ("reason", "destination"):
            if getattr(plan, name) in ("", None):
                errors.setdefault(name, []).append(
                    _("Choose the reason for the discharge.")
                    if name == "reason"
                    else _("Record where the person is going.")
                )
    checklist = selectors.discharge_checklist(enrollment, plan, records_only=records_only)
    for name, messages in checklist.error_dict().items():
        errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        raise ValidationError(errors)
    plan.is_final = True
    with transaction.atomic():
        _save_plan(actor, plan)
        enrollment = enrollment_transition(
            actor=actor,
            enrollment=enrollment,
            to_status=EnrollmentStatus.DISCHARGED,
            reason=note,
            discharge_reason=plan.reason,
            destination=plan.destination,
            end_date=end_date,
        )
        if follow_up and plan.reason != DischargeReason.DECEASED:
            _follow_up_tasks(actor, enrollment)
    return enrollment


def enrollment_discharge(
    *,
    actor,
    enrollment: Enrollment,
    reason: str,
    destination: int | None,
    end_date=None,
    note: str = "",
    aftercare: str = "",
    who_to_call: str = "",
    summary: str = "",
) -> Enrollment:
    """Discharge with a transition plan. Refused (ValidationError naming every missing item, see
    :func:`selectors.discharge_checklist`) while the plan or the record is incomplete; after
    it, check-in tasks at 30 and 90 days for the former primary case manager (none after a
    death: there is nobody to check in with)."""
    return _discharge(
        actor=actor,
        enrollment=enrollment,
        values={
            "reason": reason,
            "destination": destination,
            "aftercare": aftercare,
            "who_to_call": who_to_call,
            "summary": summary,
        },
        end_date=end_date,
        note=note,
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

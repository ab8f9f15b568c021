from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, StringConstraints

from casebridge.accounts.selectors import case_managers_for, programs_for
from casebridge.core.api import ErrorOut, Page
from casebridge.core.errors import NotVisible
from casebridge.enrollments import selectors, services, transfers
from casebridge.enrollments.models import (
    Destination,
    DischargeReason,
    EnrollmentStatus,
    IntensityTier,
    TransferKind,
)
from casebridge.people.selectors import person_get

router = Router(tags=["enrollments"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EnrollmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    program_id: UUID
    primary_case_manager_id: UUID | None = None
    intensity_tier: IntensityTier = IntensityTier.MODERATE
    referral_date: date | None = None


class EnrollmentOut(Schema):
    id: UUID
    person_id: UUID
    program_id: UUID
    agency_id: UUID
    team_id: UUID | None
    primary_case_manager_id: UUID | None
    status: EnrollmentStatus
    intensity_tier: IntensityTier
    referral_date: date
    start_date: date | None
    end_date: date | None
    hold_reason: str
    discharge_reason: str
    destination: int | None
    readmission: bool


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal["active", "on_hold", "discharged"]
    start_date: date | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] = ""
    discharge_reason: DischargeReason | None = None
    destination: Destination | None = None
    end_date: date | None = None
    aftercare: Annotated[str, StringConstraints(max_length=5000)] = ""
    who_to_call: Annotated[str, StringConstraints(max_length=2000)] = ""
    summary: Annotated[str, StringConstraints(max_length=5000)] = ""


class DischargeIn(Schema):
    """A discharge with its transition plan; refused with 422 listing what is missing."""

    model_config = ConfigDict(extra="forbid")

    reason: DischargeReason | None = None
    destination: Destination | None = None
    end_date: date | None = None
    aftercare: Annotated[str, StringConstraints(max_length=5000)] = ""
    who_to_call: Annotated[str, StringConstraints(max_length=2000)] = ""
    summary: Annotated[str, StringConstraints(max_length=5000)] = ""
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class ChecklistItemOut(Schema):
    field: str
    message: str


class ChecklistOut(Schema):
    ready: bool
    missing: list[ChecklistItemOut]
    warnings: list[ChecklistItemOut]


Summary = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class CaseManagerTransferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_case_manager_id: UUID
    summary: Summary
    joint_contact_at: datetime
    contact_type: Literal["face_to_face", "phone", "video"] = "face_to_face"


class ProgramTransferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_program_id: UUID
    summary: Summary
    destination: Destination
    start_now: bool = False


class AgencyTransferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_agency_id: UUID
    summary: Summary
    destination: Destination
    consent_confirmed: bool
    consent_evidence: Annotated[str, StringConstraints(max_length=300)]


class TransferOut(Schema):
    id: UUID
    enrollment_id: UUID
    kind: TransferKind
    from_case_manager_id: UUID | None
    to_case_manager_id: UUID | None
    from_program_id: UUID | None
    to_program_id: UUID | None
    to_enrollment_id: UUID | None
    to_agency_id: UUID | None
    referral_reference: str
    summary: str
    joint_contact_id: UUID | None
    created_by_id: UUID | None
    created_at: datetime


class EnrollmentFilter(Schema):
    person_id: UUID | None = None
    program_id: UUID | None = None
    status: EnrollmentStatus | None = None


@router.get("", response=list[EnrollmentOut])
@paginate(Page)
def list_enrollments(request, filters: Query[EnrollmentFilter]):
    return selectors.enrollment_list(
        user=request.user,
        person_id=filters.person_id,
        status=filters.status,
        program_id=filters.program_id,
    )


@router.post("", response={201: EnrollmentOut, **ERRORS})
def create_enrollment(request, payload: EnrollmentIn):
    person = person_get(user=request.user, person_id=payload.person_id)
    program = programs_for(request.user).filter(pk=payload.program_id).first()
    if program is None:
        raise NotVisible
    case_manager = None
    if payload.primary_case_manager_id:
        case_manager = (
            case_managers_for(request.user).filter(pk=payload.primary_case_manager_id).first()
        )
        if case_manager is None:
            raise ValidationError(
                {"primary_case_manager_id": ["Choose a case manager of this agency."]}
            )
    enrollment = services.enrollment_create(
        actor=request.user,
        person=person,
        program=program,
        primary_case_manager=case_manager,
        intensity_tier=payload.intensity_tier,
        referral_date=payload.referral_date,
    )
    return Status(201, enrollment)


@router.get("/{enrollment_id}", response={200: EnrollmentOut, **ERRORS})
def get_enrollment(request, enrollment_id: UUID):
    return selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)


@router.post("/{enrollment_id}/transitions", response={200: EnrollmentOut, **ERRORS})
def transition_enrollment(request, enrollment_id: UUID, payload: TransitionIn):
    """Start, hold, resume or discharge. Illegal moves answer 409 with the reason."""
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    if payload.to_status == EnrollmentStatus.ACTIVE:
        return services.enrollment_activate(
            actor=request.user, enrollment=enrollment, start_date=payload.start_date
        )
    if payload.to_status == EnrollmentStatus.ON_HOLD:
        return services.enrollment_hold(
            actor=request.user, enrollment=enrollment, reason=payload.reason
        )
    return services.enrollment_discharge(
        actor=request.user,
        enrollment=enrollment,
        reason=payload.discharge_reason,
        destination=payload.destination,
        end_date=payload.end_date,
        note=payload.reason,
        aftercare=payload.aftercare,
        who_to_call=payload.who_to_call,
        summary=payload.summary,
    )


@router.get("/{enrollment_id}/discharge-checklist", response={200: ChecklistOut, **ERRORS})
def discharge_checklist(request, enrollment_id: UUID):
    """What still blocks the discharge, judged against the newest saved transition plan."""
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    checklist = selectors.discharge_checklist(enrollment)
    return {"ready": checklist.ready, "missing": checklist.missing, "warnings": checklist.warnings}


@router.post("/{enrollment_id}/discharge", response={200: EnrollmentOut, **ERRORS})
def discharge_enrollment(request, enrollment_id: UUID, payload: DischargeIn):
    """Discharge with the transition plan; 422 lists every missing item (field + message)."""
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    return services.enrollment_discharge(
        actor=request.user, enrollment=enrollment, **payload.model_dump()
    )


@router.get("/{enrollment_id}/transfers", response={200: list[TransferOut], **ERRORS})
def list_transfers(request, enrollment_id: UUID):
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    return list(selectors.transfer_list(user=request.user, enrollment=enrollment))


@router.post("/{enrollment_id}/transfers/case-manager", response={201: TransferOut, **ERRORS})
def transfer_case_manager(request, enrollment_id: UUID, payload: CaseManagerTransferIn):
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    case_manager = case_managers_for(request.user).filter(pk=payload.to_case_manager_id).first()
    if case_manager is None:
        raise ValidationError({"to_case_manager_id": ["Choose a case manager of this agency."]})
    transfer = transfers.transfer_to_case_manager(
        actor=request.user,
        enrollment=enrollment,
        to_case_manager=case_manager,
        summary=payload.summary,
        joint_contact_at=payload.joint_contact_at,
        contact_type=payload.contact_type,
    )
    return Status(201, transfer)


@router.post("/{enrollment_id}/transfers/program", response={201: TransferOut, **ERRORS})
def transfer_program(request, enrollment_id: UUID, payload: ProgramTransferIn):
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    program = programs_for(request.user).filter(pk=payload.to_program_id).first()
    if program is None:
        raise ValidationError({"to_program_id": ["Choose a program of this agency."]})
    transfer = transfers.transfer_to_program(
        actor=request.user,
        enrollment=enrollment,
        to_program=program,
        summary=payload.summary,
        destination=payload.destination,
        start_now=payload.start_now,
    )
    return Status(201, transfer)


@router.post("/{enrollment_id}/transfers/agency", response={201: TransferOut, **ERRORS})
def transfer_agency(request, enrollment_id: UUID, payload: AgencyTransferIn):
    """Needs ``consent_confirmed: true`` and who witnessed it; the other agency gets a referral
    with name, date of birth, phone and the summary only."""
    enrollment = selectors.enrollment_get(user=request.user, enrollment_id=enrollment_id)
    agency = (
        transfers.transfer_targets(enrollment=enrollment).filter(pk=payload.to_agency_id).first()
    )
    if agency is None:
        raise ValidationError({"to_agency_id": ["Choose another active agency."]})
    transfer = transfers.transfer_to_agency(
        actor=request.user,
        enrollment=enrollment,
        to_agency=agency,
        summary=payload.summary,
        destination=payload.destination,
        consent_confirmed=payload.consent_confirmed,
        consent_evidence=payload.consent_evidence,
    )
    return Status(201, transfer)

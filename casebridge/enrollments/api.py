from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, StringConstraints

from casebridge.accounts.selectors import case_managers_for, programs_for
from casebridge.core.api import ErrorOut, Page
from casebridge.core.errors import NotVisible
from casebridge.enrollments import selectors, services
from casebridge.enrollments.models import (
    Destination,
    DischargeReason,
    EnrollmentStatus,
    IntensityTier,
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


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal["active", "on_hold", "discharged"]
    start_date: date | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] = ""
    discharge_reason: DischargeReason | None = None
    destination: Destination | None = None
    end_date: date | None = None


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
    )

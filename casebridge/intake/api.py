from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Header, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field, StringConstraints

from casebridge.accounts.selectors import case_managers_for, programs_for
from casebridge.core.access import principal_for
from casebridge.core.api import ErrorOut, Page
from casebridge.core.errors import NotVisible
from casebridge.intake import selectors, services
from casebridge.intake.models import Channel, DeclineReason, ReferralStatus, SourceType, Urgency

router = Router(tags=["referrals"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
Text = Annotated[str, StringConstraints(max_length=200)]


class ScreeningFacts(Schema):
    model_config = ConfigDict(extra="forbid")

    age: Annotated[int, Field(ge=0, le=130)] | None = None
    county: Text | None = None
    homeless: bool | None = None
    ed_visits_6m: Annotated[int, Field(ge=0, le=365)] | None = None
    diagnosis_category: Text | None = None
    vulnerability: Annotated[int, Field(ge=0, le=10)] | None = None


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    first_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    last_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    date_of_birth: date | None = None
    phone: Annotated[str, StringConstraints(max_length=30)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    program_id: UUID | None = None
    source_type: SourceType
    referrer_name: Text = ""
    referrer_organization: Text = ""
    referrer_email: Annotated[str, StringConstraints(max_length=254)] = ""
    referrer_phone: Annotated[str, StringConstraints(max_length=30)] = ""
    reason: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    needs: Annotated[str, StringConstraints(max_length=500)] = ""
    urgency: Urgency = Urgency.ROUTINE
    consent_to_contact: bool = False
    facts: ScreeningFacts = ScreeningFacts()


class ReferralOut(Schema):
    id: UUID
    reference: str
    agency_id: UUID
    program_id: UUID | None
    person_id: UUID | None
    enrollment_id: UUID | None
    status: ReferralStatus
    channel: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    source_type: str
    urgency: str
    reason: str
    needs: str
    consent_to_contact: bool
    facts: dict
    received_at: datetime
    decided_at: datetime | None
    decline_reason: str


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal["screening", "waitlisted", "accepted", "declined", "withdrawn"]
    decline_reason: DeclineReason | None = None
    note: Annotated[str, StringConstraints(max_length=500)] = ""
    primary_case_manager_id: UUID | None = None


class ReferralFilter(Schema):
    status: ReferralStatus | Literal["open"] | None = None
    program_id: UUID | None = None
    urgency: Urgency | None = None


@router.get("", response=list[ReferralOut])
@paginate(Page)
def list_referrals(request, filters: Query[ReferralFilter]):
    return selectors.referral_inbox(
        user=request.user,
        status=filters.status or "",
        program_id=filters.program_id,
        urgency=filters.urgency or "",
    )


@router.post("", response={201: ReferralOut, **ERRORS})
def create_referral(
    request,
    payload: ReferralIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")] = "",
):
    """Record an inbound referral. Send an ``Idempotency-Key`` header to make retries safe."""
    agencies = sorted(principal_for(request.user).agency_ids, key=str)
    if not agencies:
        raise NotVisible
    programs = programs_for(request.user)
    program = None
    if payload.program_id:
        program = programs.filter(pk=payload.program_id).first()
        if program is None:
            raise ValidationError({"program_id": ["Choose a program of your agency."]})
    agency = program.agency if program else programs.first().agency if programs.exists() else None
    if agency is None:
        raise NotVisible
    fields = payload.dict(exclude={"program_id", "facts"})
    fields["facts"] = payload.facts.dict(exclude_none=True)
    referral = services.referral_create(
        actor=request.user,
        agency=agency,
        channel=Channel.API,
        submission_key=idempotency_key[:64],
        program=program,
        **fields,
    )
    return Status(201, referral)


@router.get("/{referral_id}", response={200: ReferralOut, **ERRORS})
def get_referral(request, referral_id: UUID):
    return selectors.referral_get(user=request.user, referral_id=referral_id)


@router.post("/{referral_id}/transitions", response={200: ReferralOut, **ERRORS})
def transition_referral(request, referral_id: UUID, payload: TransitionIn):
    """Screen, waitlist, accept (creates the enrollment), decline or withdraw."""
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    actor = request.user
    if payload.to_status == ReferralStatus.SCREENING:
        return services.referral_start_screening(actor=actor, referral=referral)
    if payload.to_status == ReferralStatus.WAITLISTED:
        return services.referral_waitlist(actor=actor, referral=referral)
    if payload.to_status == ReferralStatus.WITHDRAWN:
        return services.referral_withdraw(actor=actor, referral=referral, note=payload.note)
    if payload.to_status == ReferralStatus.DECLINED:
        return services.referral_decline(
            actor=actor, referral=referral, reason=payload.decline_reason or "", note=payload.note
        )
    case_manager = None
    if payload.primary_case_manager_id:
        case_manager = case_managers_for(actor).filter(pk=payload.primary_case_manager_id).first()
        if case_manager is None:
            raise ValidationError(
                {"primary_case_manager_id": ["Choose a case manager of this agency."]}
            )
    return services.referral_accept(
        actor=actor, referral=referral, primary_case_manager=case_manager
    )

"""Outbound service referrals (the sending agency's side): create, read, change drafts, send,
move along the loop, metrics. Mounted at the API root: /api/service-referrals/…"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from casebridge.core.api import ErrorOut
from casebridge.core.errors import NotVisible
from casebridge.directory.selectors import service_get
from casebridge.people.selectors import person_get
from casebridge.plans.models import Goal
from casebridge.referrals import selectors, services
from casebridge.referrals.models import SHAREABLE, ReferralStatus, Urgency

router = Router(tags=["referrals"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ShareField = Literal[tuple(SHAREABLE)]  # type: ignore[valid-type]


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    service_id: UUID
    reason: str = Field(max_length=2000)
    urgency: Literal[tuple(Urgency.values)] = Urgency.ROUTINE  # type: ignore[valid-type]
    share_fields: list[ShareField] = Field(default_factory=list)
    goal_id: UUID | None = None


class ReferralPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    service_id: UUID | None = None
    reason: str | None = Field(None, max_length=2000)
    urgency: Literal[tuple(Urgency.values)] | None = None  # type: ignore[valid-type]
    share_fields: list[ShareField] | None = None


class SendIn(Schema):
    model_config = ConfigDict(extra="forbid")

    consent_confirmed: bool
    note: str = Field("", max_length=4000)


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal[tuple(ReferralStatus.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=4000)


class EventOut(Schema):
    at: datetime
    actor_kind: str
    actor_id: UUID | None
    from_status: str
    to_status: str
    note: str


class ReferralOut(Schema):
    id: UUID
    person_id: UUID
    service_id: UUID
    organization_id: UUID
    goal_id: UUID | None
    reason: str
    urgency: str
    share_fields: list[str]
    shared: dict
    status: str
    created_by_id: UUID
    created_at: datetime
    sent_at: datetime | None
    received_at: datetime | None
    accepted_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    decline_reason: str
    outcome: str


class ReferralDetailOut(ReferralOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class StatusCountOut(Schema):
    status: str
    count: int


class SummaryOut(Schema):
    total: int
    by_status: list[StatusCountOut]
    median_days_to_acceptance: float | None
    median_days_to_completion: float | None
    loop_closure_rate: float | None

    @staticmethod
    def resolve_by_status(obj):
        return [{"status": s, "count": n} for s, _label, n in obj["by_status"]]


class GroupOut(SummaryOut):
    name: str


class MetricsOut(Schema):
    overall: SummaryOut
    by_provider: list[GroupOut]
    by_category: list[GroupOut]


def _service(service_id):
    try:
        return service_get(service_id=service_id)
    except NotVisible:
        from django.core.exceptions import ValidationError

        raise ValidationError({"service_id": ["No such service."]}) from None


def _goal(user, goal_id):
    if goal_id is None:
        return None
    goal = Goal.objects.visible_to(user).select_related("plan").filter(pk=goal_id).first()
    if goal is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"goal_id": ["No such goal."]})
    return goal


@router.get(
    "/persons/{person_id}/service-referrals",
    response={200: list[ReferralOut], **ERRORS},
    url_name="service_list_person_referrals",
)
def list_person_referrals(request, person_id: UUID):
    person = person_get(user=request.user, person_id=person_id)
    return list(selectors.person_referrals(user=request.user, person=person)[:200])


@router.post(
    "/persons/{person_id}/service-referrals",
    response={201: ReferralOut, **ERRORS},
    url_name="service_create_referral",
)
def create_referral(request, person_id: UUID, payload: ReferralIn):
    """A draft; send it with POST /service-referrals/{id}/send."""
    person = person_get(user=request.user, person_id=person_id)
    referral = services.referral_create(
        actor=request.user,
        person=person,
        service=_service(payload.service_id),
        reason=payload.reason,
        urgency=payload.urgency,
        share_fields=payload.share_fields,
        goal=_goal(request.user, payload.goal_id),
    )
    return Status(201, referral)


@router.get(
    "/service-referrals/metrics",
    response={200: MetricsOut, **ERRORS},
    url_name="service_referral_metrics",
)
def referral_metrics(request):
    return selectors.referral_metrics(user=request.user)


@router.get(
    "/service-referrals/{service_referral_id}",
    response={200: ReferralDetailOut, **ERRORS},
    url_name="service_get_referral",
)
def get_referral(request, service_referral_id: UUID):
    return selectors.referral_get(user=request.user, referral_id=service_referral_id)


@router.patch(
    "/service-referrals/{service_referral_id}",
    response={200: ReferralOut, **ERRORS},
    url_name="service_update_referral",
)
def update_referral(request, service_referral_id: UUID, payload: ReferralPatch):
    referral = selectors.referral_get(
        user=request.user, referral_id=service_referral_id, record_view=False
    )
    changes = payload.dict(exclude_unset=True)
    if "service_id" in changes:
        changes["service"] = _service(changes.pop("service_id"))
    return services.referral_update(actor=request.user, referral=referral, changes=changes)


@router.delete(
    "/service-referrals/{service_referral_id}",
    response={200: ReferralOut, **ERRORS},
    url_name="service_cancel_referral",
)
def cancel_referral(request, service_referral_id: UUID):
    """Referrals are kept for the record: deleting one cancels it."""
    referral = selectors.referral_get(
        user=request.user, referral_id=service_referral_id, record_view=False
    )
    return services.referral_transition(
        actor=request.user, referral=referral, to_status=ReferralStatus.CANCELLED
    )


@router.post(
    "/service-referrals/{service_referral_id}/send",
    response={200: ReferralOut, **ERRORS},
    url_name="service_send_referral",
)
def send_referral(request, service_referral_id: UUID, payload: SendIn):
    referral = selectors.referral_get(
        user=request.user, referral_id=service_referral_id, record_view=False
    )
    return services.referral_send(
        actor=request.user,
        referral=referral,
        consent_confirmed=payload.consent_confirmed,
        note=payload.note,
    )


@router.post(
    "/service-referrals/{service_referral_id}/transitions",
    response={200: ReferralOut, **ERRORS},
    url_name="service_transition_referral",
)
def transition_referral(request, service_referral_id: UUID, payload: TransitionIn):
    """Move along the loop (409 if the move is not allowed from the current status)."""
    referral = selectors.referral_get(
        user=request.user, referral_id=service_referral_id, record_view=False
    )
    return services.referral_transition(
        actor=request.user, referral=referral, to_status=payload.to_status, note=payload.note
    )

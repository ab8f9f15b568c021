from datetime import date, datetime
from uuid import UUID

from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from casebridge.core.api import ErrorOut
from casebridge.crisis import selectors, services
from casebridge.people.selectors import person_get

router = Router(tags=["crisis"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class FlagIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str
    note: str = Field(default="", max_length=500)
    review_on: date


class FlagOut(Schema):
    id: UUID
    person_id: UUID
    kind: str
    note: str
    review_on: date
    status: str
    set_by_id: UUID
    created_at: datetime


class ClearIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=300)


class SafetyPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    sections: dict[str, str]
    activate: bool = False


class SafetyPlanOut(Schema):
    id: UUID
    person_id: UUID
    version: int
    status: str
    sections: dict
    activated_at: datetime | None
    shared_at: datetime | None


class CrisisIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str
    occurred_at: datetime
    released_on: date | None = None
    description: str = Field(max_length=4000)
    response: str = Field(default="", max_length=4000)
    outcome: str = Field(default="", max_length=4000)


class CrisisPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    released_on: date | None = None
    response: str | None = Field(default=None, max_length=4000)
    outcome: str | None = Field(default=None, max_length=4000)


class CrisisOut(Schema):
    id: UUID
    person_id: UUID
    kind: str
    occurred_at: datetime
    released_on: date | None
    description: str
    response: str
    outcome: str
    reported_by_id: UUID


@router.get("/persons/{person_id}/flags", response={200: list[FlagOut], **ERRORS})
def list_flags(request, person_id: UUID):
    person = person_get(user=request.user, person_id=person_id)
    return list(selectors.active_flags(user=request.user, person_id=person.pk))


@router.post("/persons/{person_id}/flags", response={201: FlagOut, **ERRORS})
def set_flag(request, person_id: UUID, payload: FlagIn):
    person = person_get(user=request.user, person_id=person_id)
    return Status(201, services.flag_set(actor=request.user, person=person, **payload.dict()))


@router.post("/flags/{flag_id}/clear", response={200: FlagOut, **ERRORS})
def clear_flag(request, flag_id: UUID, payload: ClearIn):
    flag = selectors.flag_get(user=request.user, flag_id=flag_id)
    return services.flag_clear(actor=request.user, flag=flag, reason=payload.reason)


@router.get("/persons/{person_id}/safety-plans", response={200: list[SafetyPlanOut], **ERRORS})
def list_safety_plans(request, person_id: UUID):
    person = person_get(user=request.user, person_id=person_id)
    return list(selectors.safety_plans(user=request.user, person=person))


@router.put("/persons/{person_id}/safety-plan", response={200: SafetyPlanOut, **ERRORS})
def save_safety_plan(request, person_id: UUID, payload: SafetyPlanIn):
    """Save the draft (a new version); ``activate`` makes it the current plan."""
    person = person_get(user=request.user, person_id=person_id)
    plan = services.safety_plan_draft(actor=request.user, person=person, sections=payload.sections)
    if payload.activate:
        plan = services.safety_plan_activate(actor=request.user, plan=plan)
    return plan


@router.get("/persons/{person_id}/crisis-events", response={200: list[CrisisOut], **ERRORS})
def list_crisis_events(request, person_id: UUID):
    person = person_get(user=request.user, person_id=person_id)
    return list(selectors.crisis_events(user=request.user, person=person)[:100])


@router.post("/persons/{person_id}/crisis-events", response={201: CrisisOut, **ERRORS})
def record_crisis(request, person_id: UUID, payload: CrisisIn):
    person = person_get(user=request.user, person_id=person_id)
    return Status(
        201, services.crisis_record(actor=request.user, person=person, data=payload.dict())
    )


@router.get("/crisis-events/{event_id}", response={200: CrisisOut, **ERRORS})
def get_crisis_event(request, event_id: UUID):
    return selectors.crisis_get(user=request.user, event_id=event_id)


@router.patch("/crisis-events/{event_id}", response={200: CrisisOut, **ERRORS})
def update_crisis_event(request, event_id: UUID, payload: CrisisPatch):
    event = selectors.crisis_get(user=request.user, event_id=event_id, record_view=False)
    return services.crisis_update(
        actor=request.user, event=event, changes=payload.dict(exclude_unset=True)
    )

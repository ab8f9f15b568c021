"""Care plans over the API: plans per person, goals, steps, progress, transitions, agreement.
FHIR CarePlan/Goal mapping follows in the interop work."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.contrib.auth import get_user_model
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from casebridge.assessments.models import Need
from casebridge.contacts.models import Contact
from casebridge.core.api import ErrorOut
from casebridge.core.errors import NotVisible
from casebridge.enrollments.models import Enrollment
from casebridge.people.selectors import person_get
from casebridge.plans import selectors, services
from casebridge.plans.models import (
    DOMAIN_LABELS,
    Achievement,
    AgreementMethod,
    GoalStatus,
    Performer,
    PlanStatus,
    Priority,
    StepStatus,
)

router = Router(tags=["care plans"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

Domain = Literal[tuple(DOMAIN_LABELS)]  # type: ignore[valid-type]
PriorityValue = Literal[tuple(Priority.values)]  # type: ignore[valid-type]


class StepOut(Schema):
    id: UUID
    goal_id: UUID
    action: str
    performer: str
    performer_user_id: UUID | None
    performer_name: str
    due_on: date | None
    status: str
    task_id: UUID | None


class ProgressOut(Schema):
    id: UUID
    goal_id: UUID
    recorded_on: date
    achievement: str
    value: str
    note: str
    contact_id: UUID | None
    recorded_by_id: UUID
    created_at: datetime


class GoalOut(Schema):
    id: UUID
    plan_id: UUID
    domain: str
    statement: str
    target_what: str
    target_measure: str
    baseline: str
    target_value: str
    due_on: date | None
    priority: str
    strengths: str
    status: str
    achievement: str
    carried_from_id: UUID | None
    need_ids: list[UUID]
    steps: list[StepOut]
    progress: list[ProgressOut]

    @staticmethod
    def resolve_need_ids(obj):
        return [need.pk for need in obj.needs.all()]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())

    @staticmethod
    def resolve_progress(obj):
        return list(obj.progress.all())


class AgreementOut(Schema):
    id: UUID
    method: str
    signer_name: str
    witness_name: str
    has_signature: bool
    agreed_at: datetime

    @staticmethod
    def resolve_has_signature(obj):
        return bool(obj.signature_png)


class PlanOut(Schema):
    id: UUID
    person_id: UUID
    enrollment_id: UUID
    version: int
    previous_id: UUID | None
    status: str
    summary: str
    activated_at: datetime | None
    ended_at: datetime | None
    next_review_on: date | None
    agreed_at: datetime | None
    signed_off_by_id: UUID | None
    signed_off_at: datetime | None
    created_at: datetime


class PlanDetailOut(PlanOut):
    goals: list[GoalOut]
    agreement: AgreementOut | None

    @staticmethod
    def resolve_goals(obj):
        return list(obj.goals.all())

    @staticmethod
    def resolve_agreement(obj):
        return selectors.agreement_of(obj)


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enrollment_id: UUID
    need_ids: list[UUID] = Field(default_factory=list, max_length=50)
    summary: str = Field(default="", max_length=2000)


class GoalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    domain: Domain
    statement: str = Field(min_length=1, max_length=1000)
    target_what: str = Field(default="", max_length=300)
    target_measure: str = Field(default="", max_length=300)
    baseline: str = Field(default="", max_length=100)
    target_value: str = Field(default="", max_length=100)
    due_on: date | None = None
    priority: PriorityValue = Priority.MEDIUM
    strengths: str = Field(default="", max_length=1000)
    need_ids: list[UUID] = Field(default_factory=list, max_length=50)


class GoalPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    domain: Domain | None = None
    statement: str | None = Field(default=None, min_length=1, max_length=1000)
    target_what: str | None = Field(default=None, max_length=300)
    target_measure: str | None = Field(default=None, max_length=300)
    baseline: str | None = Field(default=None, max_length=100)
    target_value: str | None = Field(default=None, max_length=100)
    due_on: date | None = None
    priority: PriorityValue | None = None
    strengths: str | None = Field(default=None, max_length=1000)
    need_ids: list[UUID] | None = Field(default=None, max_length=50)


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    goal_id: UUID
    action: str = Field(min_length=1, max_length=500)
    performer: Literal[tuple(Performer.values)]  # type: ignore[valid-type]
    performer_user_id: UUID | None = None
    performer_name: str = Field(default="", max_length=200)
    due_on: date | None = None
    create_task: bool = False


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    achievement: Literal[tuple(Achievement.values)]  # type: ignore[valid-type]
    value: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=2000)
    recorded_on: date | None = None
    contact_id: UUID | None = None


class PlanTransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal[
        PlanStatus.ACTIVE.value, PlanStatus.COMPLETED.value, PlanStatus.REVOKED.value
    ]
    reason: str = Field(default="", max_length=300)


class GoalTransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal[tuple(GoalStatus.values)]  # type: ignore[valid-type]
    reason: str = Field(default="", max_length=300)


class StepTransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal[tuple(StepStatus.values)]  # type: ignore[valid-type]


class AgreementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    method: Literal[tuple(AgreementMethod.values)]  # type: ignore[valid-type]
    signer_name: str = Field(min_length=1, max_length=200)
    signature: str = Field(default="", max_length=300_000, description="PNG data URL")
    witness_name: str = Field(default="", max_length=200)


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    notes: str = Field(min_length=1, max_length=5000)
    reviewed_on: date | None = None
    next_review_on: date | None = None


class ReviewOut(Schema):
    id: UUID
    reviewed_on: date
    notes: str
    next_review_on: date
    reviewer_id: UUID


def _plan(request, plan_id, full=True):
    return selectors.plan_get(user=request.user, plan_id=plan_id, full=full)


def _needs(request, person_id, ids):
    if not ids:
        return []
    needs = list(Need.objects.visible_to(request.user).filter(pk__in=ids, person_id=person_id))
    if len(needs) != len(set(ids)):
        raise NotVisible
    return needs


@router.get("/persons/{person_id}/plans", response={200: list[PlanOut], **ERRORS})
def list_plans(request, person_id: UUID):
    person = person_get(user=request.user, person_id=person_id)
    return list(selectors.plans_of(user=request.user, person=person))


@router.post("/persons/{person_id}/plans", response={201: PlanDetailOut, **ERRORS})
def create_plan(request, person_id: UUID, payload: PlanIn):
    """A draft plan for one of the person's enrollments; each need becomes a proposed goal."""
    person = person_get(user=request.user, person_id=person_id)
    enrollment = (
        Enrollment.objects.visible_to(request.user)
        .filter(pk=payload.enrollment_id, person=person)
        .first()
    )
    if enrollment is None:
        raise NotVisible
    plan = services.plan_create(
        actor=request.user,
        enrollment=enrollment,
        needs=_needs(request, person.pk, payload.need_ids),
        summary=payload.summary,
    )
    return Status(201, _plan(request, plan.pk))


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS})
def get_plan(request, plan_id: UUID):
    return _plan(request, plan_id)


@router.post("/plans/{plan_id}/transitions", response={200: PlanDetailOut, **ERRORS})
def transition_plan(request, plan_id: UUID, payload: PlanTransitionIn):
    """Activate a draft (replacing the active version), complete or revoke a plan (409 when
    the move is not allowed)."""
    plan = _plan(request, plan_id, full=False)
    services.plan_transition(
        actor=request.user, plan=plan, to_status=payload.to_status, reason=payload.reason
    )
    return _plan(request, plan_id)


@router.post("/plans/{plan_id}/versions", response={201: PlanDetailOut, **ERRORS})
def new_version(request, plan_id: UUID):
    """A new draft version carrying forward the open goals and steps."""
    plan = _plan(request, plan_id, full=False)
    new = services.plan_new_version(actor=request.user, plan=plan)
    return Status(201, _plan(request, new.pk))


@router.post("/plans/{plan_id}/goals", response={201: GoalOut, **ERRORS})
def add_goal(request, plan_id: UUID, payload: GoalIn):
    plan = _plan(request, plan_id, full=False)
    data = payload.dict(exclude={"need_ids"})
    goal = services.goal_add(
        actor=request.user,
        plan=plan,
        data=data,
        needs=_needs(request, plan.person_id, payload.need_ids),
    )
    return Status(201, selectors.goal_get(user=request.user, goal_id=goal.pk))


@router.patch("/goals/{goal_id}", response={200: GoalOut, **ERRORS})
def update_goal(request, goal_id: UUID, payload: GoalPatch):
    goal = selectors.goal_get(user=request.user, goal_id=goal_id)
    changes = payload.dict(exclude_unset=True, exclude={"need_ids"})
    needs = None
    if payload.need_ids is not None:
        needs = _needs(request, goal.person_id, payload.need_ids)
    services.goal_update(actor=request.user, goal=goal, changes=changes, needs=needs)
    return selectors.goal_get(user=request.user, goal_id=goal_id)


@router.post("/goals/{goal_id}/transitions", response={200: GoalOut, **ERRORS})
def transition_goal(request, goal_id: UUID, payload: GoalTransitionIn):
    goal = selectors.goal_get(user=request.user, goal_id=goal_id)
    services.goal_transition(
        actor=request.user, goal=goal, to_status=payload.to_status, reason=payload.reason
    )
    return selectors.goal_get(user=request.user, goal_id=goal_id)


@router.post("/goals/{goal_id}/progress", response={201: ProgressOut, **ERRORS})
def record_progress(request, goal_id: UUID, payload: ProgressIn):
    goal = selectors.goal_get(user=request.user, goal_id=goal_id)
    contact = None
    if payload.contact_id:
        contact = (
            Contact.objects.visible_to(request.user)
            .filter(pk=payload.contact_id, person_id=goal.person_id)
            .first()
        )
        if contact is None:
            raise NotVisible
    entry = services.progress_record(
        actor=request.user,
        goal=goal,
        data=payload.dict(exclude={"contact_id"}),
        contact=contact,
    )
    return Status(201, entry)


@router.post("/plans/{plan_id}/steps", response={201: StepOut, **ERRORS})
def add_step(request, plan_id: UUID, payload: StepIn):
    plan = _plan(request, plan_id, full=False)
    goal = selectors.goals_of(user=request.user, plan=plan).filter(pk=payload.goal_id).first()
    user = None
    if payload.performer_user_id:
        user = get_user_model().objects.filter(pk=payload.performer_user_id).first()
    data = payload.dict(exclude={"goal_id", "performer_user_id", "create_task"})
    data.update(goal=goal, performer_user=user)
    if payload.performer_user_id and user is None:
        data["performer_user"] = None
    step = services.step_add(
        actor=request.user, plan=plan, data=data, create_task=payload.create_task
    )
    return Status(201, step)


@router.post("/steps/{step_id}/transitions", response={200: StepOut, **ERRORS})
def transition_step(request, step_id: UUID, payload: StepTransitionIn):
    step = selectors.step_get(user=request.user, step_id=step_id)
    return services.step_transition(actor=request.user, step=step, to_status=payload.to_status)


@router.post("/plans/{plan_id}/reviews", response={201: ReviewOut, **ERRORS})
def review_plan(request, plan_id: UUID, payload: ReviewIn):
    plan = _plan(request, plan_id, full=False)
    review = services.plan_review(actor=request.user, plan=plan, **payload.dict())
    return Status(201, review)


@router.post("/plans/{plan_id}/agreement", response={201: AgreementOut, **ERRORS})
def record_agreement(request, plan_id: UUID, payload: AgreementIn):
    """The person's agreement: ``signature`` (a PNG data URL drawn on screen) or ``verbal`` with
    ``witness_name``. The plan is frozen from then on (changes answer 409)."""
    plan = _plan(request, plan_id, full=False)
    return Status(201, services.plan_agree(actor=request.user, plan=plan, **payload.dict()))


@router.post("/plans/{plan_id}/sign-off", response={200: PlanOut, **ERRORS})
def sign_off(request, plan_id: UUID):
    """Supervisor sign-off of the agreed plan."""
    plan = _plan(request, plan_id, full=False)
    return services.plan_sign_off(actor=request.user, plan=plan)

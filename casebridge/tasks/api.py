from datetime import datetime
from typing import Literal
from uuid import UUID

from django.contrib.auth import get_user_model
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from casebridge.core.api import ErrorOut, Page
from casebridge.core.errors import NotVisible
from casebridge.people.selectors import person_get
from casebridge.tasks import selectors, services

router = Router(tags=["tasks"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class TaskOut(Schema):
    id: UUID
    person_id: UUID
    assignee_id: UUID | None
    title: str
    details: str
    due_at: datetime
    priority: str
    status: str
    source: str
    snoozed_until: datetime | None
    snooze_reason: str
    completed_at: datetime | None
    completion_note: str


class TaskIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    title: str = Field(max_length=200)
    due_at: datetime
    priority: Literal["urgent", "high", "routine"] = "routine"
    assignee_id: UUID | None = None
    details: str = Field(default="", max_length=2000)


class DoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=300)


class SnoozeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    until: datetime
    reason: str = Field(max_length=300)


class TaskFilter(Schema):
    view: Literal["open", "due", "snoozed", "done"] = "open"


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    link: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None


def _task(request, task_id):
    return selectors.task_get(user=request.user, task_id=task_id)


@router.get("/tasks", response=list[TaskOut])
@paginate(Page)
def list_tasks(request, filters: Query[TaskFilter]):
    """The caller's own tasks."""
    return selectors.task_list(user=request.user, view=filters.view, assignee=request.user)


@router.post("/tasks", response={201: TaskOut, **ERRORS})
def add_task(request, payload: TaskIn):
    person = person_get(user=request.user, person_id=payload.person_id)
    assignee = None
    if payload.assignee_id:
        assignee = get_user_model().objects.filter(pk=payload.assignee_id, is_active=True).first()
        if assignee is None:
            raise NotVisible
    data = payload.dict(exclude={"person_id", "assignee_id"})
    return Status(
        201,
        services.task_add(actor=request.user, person=person, data={**data, "assignee": assignee}),
    )


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS})
def complete_task(request, task_id: UUID, payload: DoneIn):
    return services.task_complete(
        actor=request.user, task=_task(request, task_id), note=payload.note
    )


@router.post("/tasks/{task_id}/snooze", response={200: TaskOut, **ERRORS})
def snooze_task(request, task_id: UUID, payload: SnoozeIn):
    return services.task_snooze(
        actor=request.user, task=_task(request, task_id), until=payload.until, reason=payload.reason
    )


@router.get("/notifications", response=list[NotificationOut])
@paginate(Page)
def list_notifications(request):
    return selectors.notifications_for(user=request.user)

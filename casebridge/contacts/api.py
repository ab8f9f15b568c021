from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from casebridge.contacts import selectors, services
from casebridge.contacts.models import ContactLocation, ContactType, NoteFormat
from casebridge.core.api import ErrorOut, Page
from casebridge.core.errors import NotVisible
from casebridge.enrollments.models import Enrollment
from casebridge.people.selectors import person_get
from casebridge.plans.selectors import goal_get

router = Router(tags=["contacts"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ServiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    service_type: str
    units: Decimal = Decimal(1)
    amount: Decimal | None = None


class ServiceOut(Schema):
    service_type: str
    units: Decimal
    amount: Decimal | None


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note_format: str = NoteFormat.DAP
    sections: dict[str, str] = Field(default_factory=dict)
    sign: bool = False


class AmendmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=10_000)
    reason: str = Field(max_length=300)


class AmendmentOut(Schema):
    id: UUID
    author_id: UUID
    text: str
    reason: str
    created_at: datetime


class NoteOut(Schema):
    id: UUID
    author_id: UUID
    note_format: str
    sections: dict
    status: str
    signed_at: datetime | None
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_amendments(obj):
        return list(obj.amendments.all())


class GoalProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    goal_id: UUID
    achievement: Literal["in_progress", "improving", "worsening", "no_change", "achieved"]
    note: str = Field(default="", max_length=2000)


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    enrollment_id: UUID | None = None
    status: Literal["completed", "scheduled"] = "completed"
    occurred_at: datetime
    contact_type: str
    location: str = ""
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    participants: str = Field(default="", max_length=500)
    summary: str = Field(default="", max_length=200)
    services: list[ServiceIn] = Field(default_factory=list, max_length=20)
    note: NoteIn | None = None
    goal_progress: list[GoalProgressIn] = Field(default_factory=list, max_length=20)


class ContactPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    occurred_at: datetime | None = None
    contact_type: str | None = None
    # Unset by default, but not null: text is cleared with "" (the columns are NOT NULL).
    location: str = Field(default=None)
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    participants: str = Field(default=None, max_length=500)
    summary: str = Field(default=None, max_length=200)


class ContactStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["completed", "cancelled"]


class ContactOut(Schema):
    id: UUID
    person_id: UUID
    enrollment_id: UUID | None
    staff_id: UUID
    status: str
    occurred_at: datetime
    contact_type: str
    location: str
    duration_minutes: int | None
    participants: str
    summary: str
    late_entry: bool
    services: list[ServiceOut]
    note: NoteOut | None

    @staticmethod
    def resolve_services(obj):
        return list(obj.services.all())

    @staticmethod
    def resolve_note(obj):
        return selectors.note_of(obj)


def _contact(request, contact_id) -> object:
    return selectors.contact_get(user=request.user, contact_id=contact_id)


@router.get("/persons/{person_id}/contacts", response={200: list[ContactOut], **ERRORS})
@paginate(Page)
def list_contacts(request, person_id: UUID, status: str = ""):
    person = person_get(user=request.user, person_id=person_id)
    return selectors.contacts_of(user=request.user, person=person, status=status).prefetch_related(
        "services", "note__amendments"
    )


@router.post("/contacts", response={201: ContactOut, 409: ErrorOut, **ERRORS})
def create_contact(request, payload: ContactIn):
    """Record a contact (or schedule one: ``status: scheduled``), with services and a note."""
    person = person_get(user=request.user, person_id=payload.person_id)
    enrollment = None
    if payload.enrollment_id:
        enrollment = (
            Enrollment.objects.visible_to(request.user)
            .filter(pk=payload.enrollment_id, person=person)
            .first()
        )
        if enrollment is None:
            raise NotVisible
    data = payload.dict(exclude={"person_id", "enrollment_id", "services", "note", "goal_progress"})
    progress = [
        {
            "goal": goal_get(user=request.user, goal_id=row.goal_id),
            "achievement": row.achievement,
            "note": row.note,
        }
        for row in payload.goal_progress
    ]
    _check_choices(data)
    note = payload.note
    contact = services.contact_record(
        actor=request.user,
        person=person,
        enrollment=enrollment,
        data=data,
        services=[row.dict() for row in payload.services],
        note={"note_format": note.note_format, "sections": note.sections} if note else None,
        sign=bool(note and note.sign),
        goal_progress=progress,
    )
    return Status(201, selectors.contact_get(user=request.user, contact_id=contact.pk))


def _check_choices(data: dict) -> None:
    errors = {}
    if data.get("contact_type") is not None and data["contact_type"] not in ContactType.values:
        errors["contact_type"] = [f"Use one of: {', '.join(ContactType.values)}."]
    if data.get("location") and data["location"] not in ContactLocation.values:
        errors["location"] = [f"Use one of: {', '.join(ContactLocation.values)}."]
    if errors:
        raise ValidationError(errors)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request, contact_id: UUID):
    return _contact(request, contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def update_contact(request, contact_id: UUID, payload: ContactPatch):
    """Change a contact whose note is not signed yet."""
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, record_view=False)
    changes = payload.dict(exclude_unset=True)
    _check_choices(changes)
    services.contact_update(actor=request.user, contact=contact, changes=changes)
    return selectors.contact_get(user=request.user, contact_id=contact_id, record_view=False)


@router.post("/contacts/{contact_id}/status", response={200: ContactOut, **ERRORS})
def set_contact_status(request, contact_id: UUID, payload: ContactStatusIn):
    """Mark a scheduled appointment as happened, or cancel it."""
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, record_view=False)
    services.contact_set_status(actor=request.user, contact=contact, status=payload.status)
    return selectors.contact_get(user=request.user, contact_id=contact_id, record_view=False)


@router.put("/contacts/{contact_id}/note", response={200: NoteOut, **ERRORS})
def save_note(request, contact_id: UUID, payload: NoteIn):
    """Write the draft note; ``sign: true`` signs it, after which it never changes (409)."""
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, record_view=False)
    return services.note_save(
        actor=request.user,
        contact=contact,
        note_format=payload.note_format,
        sections=payload.sections,
        sign=payload.sign,
    )


@router.post("/contacts/{contact_id}/note/amendments", response={201: AmendmentOut, **ERRORS})
def amend_note(request, contact_id: UUID, payload: AmendmentIn):
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, record_view=False)
    note = selectors.note_of(contact)
    if note is None:
        raise NotVisible
    return Status(
        201,
        services.note_amend(
            actor=request.user, note=note, text=payload.text, reason=payload.reason
        ),
    )

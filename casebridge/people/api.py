from datetime import date
from uuid import UUID

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from casebridge.core.api import ErrorOut, Page
from casebridge.people import selectors, services
from casebridge.people.models import Relationship
from casebridge.people.schemas import (
    PersonIn,
    PersonOut,
    PersonPatch,
    RelationshipIn,
    RelationshipOut,
)

router = Router(tags=["persons"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PersonFilter(Schema):
    q: str = ""
    date_of_birth: date | None = None


@router.get("", response=list[PersonOut])
@paginate(Page)
def list_persons(request, filters: Query[PersonFilter]):
    return selectors.person_search(
        user=request.user, query=filters.q, date_of_birth=filters.date_of_birth
    )


@router.post("", response={201: PersonOut, **ERRORS})
def create_person(request, payload: PersonIn):
    return Status(201, services.person_create(actor=request.user, **payload.dict()))


@router.get("/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request, person_id: UUID):
    return selectors.person_face_sheet(user=request.user, person_id=person_id)


@router.patch("/{person_id}", response={200: PersonOut, **ERRORS})
def update_person(request, person_id: UUID, payload: PersonPatch):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return services.person_update(
        actor=request.user, person=person, **payload.dict(exclude_unset=True)
    )


@router.get("/{person_id}/relationships", response={200: list[RelationshipOut], **ERRORS})
def list_relationships(request, person_id: UUID):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return Relationship.objects.visible_to(request.user).filter(person=person)


@router.post("/{person_id}/relationships", response={201: RelationshipOut, **ERRORS})
def add_relationship(request, person_id: UUID, payload: RelationshipIn):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return Status(
        201, services.relationship_add(actor=request.user, person=person, **payload.dict())
    )

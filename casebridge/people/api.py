from datetime import date
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from casebridge.core.api import ErrorOut, Page
from casebridge.people import selectors, services
from casebridge.people.models import Relationship
from casebridge.people.schemas import (
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSearchIn,
    RelationshipIn,
    RelationshipOut,
)

router = Router(tags=["persons"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# 409: the person was de-identified under the retention policy and can no longer change.
CHANGE_ERRORS = {**ERRORS, 409: ErrorOut}


_DEPRECATED = {"deprecated": True}


class PersonFilter(Schema):
    q: str = Field(
        "",
        description="Deprecated: a name in a URL ends up in access logs. Use POST /search.",
        json_schema_extra=_DEPRECATED,
    )
    date_of_birth: date | None = Field(
        None,
        description="Deprecated: a birth date in a URL ends up in access logs. Use POST /search.",
        json_schema_extra=_DEPRECATED,
    )


@router.get("", response=list[PersonOut])
@paginate(Page)
def list_persons(request, filters: Query[PersonFilter], response: HttpResponse):
    """The people you can see, a page at a time.

    Searching here with ``q`` or ``date_of_birth`` still works but is deprecated (the answer
    says so in a ``Deprecation`` header): search with ``POST /api/persons/search`` instead."""
    if filters.q or filters.date_of_birth:
        response["Deprecation"] = "true"
        response["Link"] = '</api/persons/search>; rel="successor-version"'
    return selectors.person_search(
        user=request.user, query=filters.q, date_of_birth=filters.date_of_birth
    )


@router.post("/search", response=list[PersonOut])
@paginate(Page)
def search_persons(request, payload: PersonSearchIn):
    """The people you can see who match the search in the body, a page at a time
    (``?limit=&offset=``). A POST so that no name or birth date travels in a URL."""
    return selectors.person_search(
        user=request.user, query=payload.q, date_of_birth=payload.date_of_birth
    )


@router.post("", response={201: PersonOut, **ERRORS})
def create_person(request, payload: PersonIn):
    return Status(201, services.person_create(actor=request.user, **payload.dict()))


@router.get("/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request, person_id: UUID):
    return selectors.person_face_sheet(user=request.user, person_id=person_id)


@router.patch("/{person_id}", response={200: PersonOut, **CHANGE_ERRORS})
def update_person(request, person_id: UUID, payload: PersonPatch):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return services.person_update(
        actor=request.user, person=person, **payload.dict(exclude_unset=True)
    )


@router.get("/{person_id}/relationships", response={200: list[RelationshipOut], **ERRORS})
def list_relationships(request, person_id: UUID):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return Relationship.objects.visible_to(request.user).filter(person=person)


@router.post("/{person_id}/relationships", response={201: RelationshipOut, **CHANGE_ERRORS})
def add_relationship(request, person_id: UUID, payload: RelationshipIn):
    person = selectors.person_get(user=request.user, person_id=person_id)
    return Status(
        201, services.relationship_add(actor=request.user, person=person, **payload.dict())
    )

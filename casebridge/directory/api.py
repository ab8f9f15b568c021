"""Directory API (reference data, any signed-in user): search, service detail, categories."""

from datetime import time
from decimal import Decimal
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from casebridge.core.api import ErrorOut
from casebridge.directory import selectors

router = Router(tags=["directory"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class SearchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=100)
    category: str = Field("", max_length=60)
    language: str = Field("", max_length=12)
    open_now: bool = False
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    within_km: float | None = Field(None, gt=0, le=500)
    age: int | None = Field(None, ge=0, le=130)
    limit: int = Field(50, ge=1, le=200)


class CategoryOut(Schema):
    id: UUID
    code: str
    name: str
    parent_id: UUID | None


class LocationOut(Schema):
    id: UUID
    name: str
    location_type: str
    address_1: str
    city: str
    state_province: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None


class ScheduleOut(Schema):
    weekday: int
    opens_at: time
    closes_at: time


class ServiceSummaryOut(Schema):
    id: UUID
    name: str
    organization_id: UUID
    organization_name: str = Field(alias="organization.name")
    description: str
    status: str
    capacity_status: str
    eligibility_description: str
    minimum_age: int | None
    maximum_age: int | None


class HitOut(Schema):
    service: ServiceSummaryOut
    distance_km: float | None


class ServiceOut(ServiceSummaryOut):
    url: str
    email: str
    phone: str
    fees_description: str
    application_process: str
    interpretation_services: str
    languages: list[str]
    categories: list[CategoryOut]
    locations: list[LocationOut]
    schedules: list[ScheduleOut]
    open_now: bool

    @staticmethod
    def resolve_languages(obj):
        return [lang.code for lang in obj.languages.all()]

    @staticmethod
    def resolve_categories(obj):
        return list(obj.categories.all())

    @staticmethod
    def resolve_locations(obj):
        return list(obj.locations.all())

    @staticmethod
    def resolve_schedules(obj):
        return list(obj.schedules.all())

    @staticmethod
    def resolve_open_now(obj):
        return selectors.is_open(obj.schedules.all())


@router.get("/services", response={200: list[HitOut], **ERRORS}, url_name="directory_api_search")
def search_services(request, filters: Query[SearchIn]):
    """Services matching every filter given (AND); nearest first when lat/lon are given."""
    query = selectors.SearchQuery(
        text=filters.q,
        category=filters.category,
        language=filters.language,
        open_now=filters.open_now,
        latitude=filters.lat,
        longitude=filters.lon,
        within_km=filters.within_km,
        age=filters.age,
    )
    return selectors.service_search(query, limit=filters.limit)


@router.get(
    "/services/{service_id}", response={200: ServiceOut, **ERRORS}, url_name="directory_api_service"
)
def get_service(request, service_id: UUID):
    return selectors.service_get(service_id=service_id)


@router.get("/categories", response={200: list[CategoryOut], **ERRORS})
def list_categories(request):
    return list(selectors.categories())

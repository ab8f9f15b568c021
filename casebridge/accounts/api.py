from uuid import UUID

from ninja import Router, Schema
from ninja.pagination import paginate

from casebridge.accounts.selectors import programs_for
from casebridge.core.api import Page

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: UUID
    agency_id: UUID
    name: str
    model: str
    caseload_target: int
    capacity: int
    contact_standard: dict
    reassessment_days: int
    plan_review_days: int


@router.get("", response=list[ProgramOut])
@paginate(Page)
def list_programs(request):
    return programs_for(request.user).order_by("name", "id")

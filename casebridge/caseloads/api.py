from datetime import datetime
from uuid import UUID

from ninja import Router, Schema

from casebridge.caseloads import timeline
from casebridge.core.api import ErrorOut
from casebridge.people.selectors import person_get

router = Router(tags=["timeline"])


class TimelineRow(Schema):
    occurred_at: datetime
    kind: str
    title: str
    state: str
    url: str


class TimelinePage(Schema):
    items: list[TimelineRow]
    count: int
    page: int
    pages: int


@router.get("/persons/{person_id}/timeline", response={200: TimelinePage, 404: ErrorOut})
def person_timeline(request, person_id: UUID, page: int = 1, kind: str = ""):
    """Everything that happened with a person, newest first; ``kind`` filters (comma list)."""
    person = person_get(user=request.user, person_id=person_id)
    kinds = [k for k in kind.split(",") if k in timeline.KINDS]
    result = timeline.page_of(user=request.user, person=person, kinds=kinds, page_number=page)
    return {
        "items": [
            {**row, "title": str(row["title"]), "state": str(row["state"])} for row in result.rows
        ],
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
    }

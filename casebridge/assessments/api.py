from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Body, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from casebridge.accounts.models import Role
from casebridge.assessments import fhir, selectors, services
from casebridge.assessments.models import Instrument
from casebridge.core.api import ErrorOut
from casebridge.core.errors import NotVisible
from casebridge.core.services import require_role
from casebridge.people.selectors import person_get

router = Router(tags=["assessments"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Instrument.code is a SlugField: anything else is a 422 here, not a NUL byte sent to PostgreSQL.
InstrumentCode = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=60)]


class InstrumentOut(Schema):
    id: UUID
    code: str
    version: str
    title: str
    is_current: bool


class ResponseOut(Schema):
    id: UUID
    person_id: UUID
    instrument_id: UUID
    status: str
    language: str
    answers: dict
    scores: dict
    bands: dict
    flags: list
    submitted_at: datetime | None


class StartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    instrument: str
    language: str | None = None


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict
    submit: bool = False


def _instrument(code: str, version: str | None = None) -> Instrument:
    instruments = Instrument.objects.filter(code=code)
    instrument = (
        instruments.filter(version=version) if version else instruments.filter(is_current=True)
    ).first()
    if instrument is None:
        raise NotVisible
    return instrument


@router.get("/instruments", response=list[InstrumentOut])
def list_instruments(request):
    return Instrument.objects.order_by("code", "-created_at")


@router.get("/instruments/{code}/questionnaire", response={200: dict, **ERRORS})
def instrument_questionnaire(request, code: InstrumentCode, version: str | None = None):
    """The instrument as a FHIR R4 Questionnaire."""
    return fhir.questionnaire(_instrument(code, version))


@router.post("/instruments/questionnaire", response={201: InstrumentOut, **ERRORS})
def import_questionnaire(request, payload: Body[dict]):
    """Install an instrument from a FHIR R4 Questionnaire (agency admins only; no scoring)."""
    require_role(request.user, Role.AGENCY_ADMIN)
    instrument, _ = services.instrument_load(definition=fhir.definition_from_questionnaire(payload))
    return Status(201, instrument)


@router.post("/assessments", response={201: ResponseOut, **ERRORS})
def start_assessment(request, payload: StartIn):
    person = person_get(user=request.user, person_id=payload.person_id)
    return Status(
        201,
        services.assessment_start(
            actor=request.user,
            person=person,
            instrument_code=payload.instrument,
            language=payload.language,
        ),
    )


@router.get("/assessments/{response_id}", response={200: ResponseOut, **ERRORS})
def get_assessment(request, response_id: UUID):
    return selectors.response_get(user=request.user, response_id=response_id)


@router.put("/assessments/{response_id}/answers", response={200: ResponseOut, **ERRORS})
def save_answers(request, response_id: UUID, payload: AnswersIn):
    """Save a draft, or submit (every visible required item answered) to score it."""
    response = selectors.response_get(user=request.user, response_id=response_id)
    if response.status == "submitted":
        raise ValidationError("A submitted assessment cannot be changed.")
    return services.assessment_save(
        actor=request.user, response=response, answers=payload.answers, submit=payload.submit
    )


@router.get("/assessments/{response_id}/questionnaire-response", response={200: dict, **ERRORS})
def assessment_questionnaire_response(request, response_id: UUID):
    """The response as a FHIR R4 QuestionnaireResponse."""
    return fhir.questionnaire_response(
        selectors.response_get(user=request.user, response_id=response_id)
    )

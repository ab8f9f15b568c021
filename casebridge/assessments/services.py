"""Assessment writes: loading instrument versions, filling in, submitting (scores, needs, flags)."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.assessments import engine
from casebridge.assessments.access import CLINICAL_ROLES
from casebridge.assessments.models import (
    AssessmentResponse,
    Instrument,
    Need,
    NeedStatus,
    ResponseStatus,
)
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.models import AuditAction
from casebridge.people.models import Person
from casebridge.tasks.services import urgent_flag_raised

BUNDLED = Path(__file__).resolve().parent / "instruments"


def instrument_load(*, definition: dict) -> tuple[Instrument, bool]:
    """Install a definition. A new version becomes current and older versions are kept; the same
    version with a different definition is refused (versions are immutable)."""
    try:
        engine.check_definition(definition)
    except engine.DefinitionError as exc:
        raise ValidationError(f"{definition.get('code', '?')}: {exc}") from exc
    code, version = definition["code"], str(definition["version"])
    existing = Instrument.objects.filter(code=code, version=version).first()
    if existing is not None:
        if existing.definition != definition:
            raise ValidationError(
                f"{code} version {version} is already installed with different content: "
                "give the changed instrument a new version."
            )
        return existing, False
    with transaction.atomic():
        Instrument.objects.filter(code=code, is_current=True).update(is_current=False)
        instrument = Instrument.objects.create(
            code=code, version=version, title=definition["title"], definition=definition
        )
        audit.record(
            actor=None,
            action=AuditAction.IMPORT,
            obj=instrument,
            data={"code": code, "version": version},
        )
    return instrument, True


def instruments_load_bundled(directory: Path = BUNDLED) -> list[tuple[Instrument, bool]]:
    return [
        instrument_load(definition=json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.json"))
    ]


def _require_clinical(actor, person: Person) -> None:
    if not principal_for(actor).has_role(*CLINICAL_ROLES, agency_id=None):
        raise PermissionDenied(_("Your role does not allow assessments."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot assess this person."))


def _agency_for(actor, person: Person):
    grants = [g for g in principal_for(actor).grants if g.role in CLINICAL_ROLES]
    agency_ids = [g.agency_id for g in grants]
    return person.agency_id if person.agency_id in agency_ids else agency_ids[0]


LANGUAGE_NAMES = {"es": ("spanish", "español", "espanol", "castellano"), "en": ("english",)}


def preferred_language(person: Person, available: list[str]) -> str:
    """The person's language when the instrument has a variant in it, else the instrument's own."""
    spoken = (person.primary_language or "").strip().lower()
    for code in available:
        names = {code, *LANGUAGE_NAMES.get(code, ())}
        if spoken in names or spoken[:2] == code:
            return code
    return available[0]


def assessment_start(
    *, actor, person: Person, instrument_code: str, enrollment=None, language: str | None = None
) -> AssessmentResponse:
    _require_clinical(actor, person)
    instrument = Instrument.objects.filter(code=instrument_code, is_current=True).first()
    if instrument is None:
        raise ValidationError({"instrument": [_("Unknown instrument.")]})
    available = engine.languages(instrument.definition)
    if language and language not in available:
        raise ValidationError({"language": [_("This instrument has no version in that language.")]})
    response = AssessmentResponse(
        person=person,
        agency_id=_agency_for(actor, person),
        enrollment=enrollment,
        instrument=instrument,
        administered_by=actor,
        language=language or preferred_language(person, available),
    )
    with transaction.atomic():
        response.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=response,
            person=person,
            agency_id=response.agency_id,
            data={
                "instrument": f"{instrument.code}@{instrument.version}",
                "language": response.language,
            },
        )
    return response


def assessment_set_language(*, actor, response: AssessmentResponse, language: str):
    """Switch a draft to another language variant of the same version (answers are kept)."""
    _require_clinical(actor, response.person)
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError(_("A submitted assessment cannot be changed."))
    if language not in engine.languages(response.instrument.definition):
        raise ValidationError({"language": [_("This instrument has no version in that language.")]})
    if language == response.language:
        return response
    with transaction.atomic():
        response.language = language
        response.save(update_fields=["language", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=response,
            person=response.person_id,
            agency_id=response.agency_id,
            data={"fields": ["language"]},
        )
    return response


def assessment_save(
    *, actor, response: AssessmentResponse, answers: dict, submit: bool = False
) -> AssessmentResponse:
    """Save answers (a draft may be incomplete); ``submit`` requires every visible required item,
    then scores it and records the needs it identifies. Submitted responses never change."""
    _require_clinical(actor, response.person)
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError(_("A submitted assessment cannot be changed."))
    definition = response.instrument.definition
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("Answers must be an object.")]})
    errors = engine.validate(definition, answers, complete=submit)
    if errors:
        raise ValidationError({f"answers.{item}": [message] for item, message in errors.items()})
    with transaction.atomic():
        response.answers = answers
        fields = ["answers"]
        if submit:
            result = engine.evaluate(definition, answers, context={"sex": response.person.sex})
            response.scores, response.bands, response.flags = (
                result.scores,
                result.bands,
                result.flags,
            )
            response.status, response.submitted_at = ResponseStatus.SUBMITTED, clock.now()
            fields += ["scores", "bands", "flags", "status", "submitted_at"]
        response.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=response,
            person=response.person_id,
            agency_id=response.agency_id,
            data={"fields": fields},
        )
        if submit:
            _record_needs(actor, response, result.needs)
            for flag in result.flags:
                if flag.get("urgent"):
                    urgent_flag_raised(actor=actor, response=response, flag=flag)
    return response


def _record_needs(actor, response: AssessmentResponse, needs: list[dict]) -> None:
    open_domains = set(
        Need.objects.filter(
            person=response.person,
            agency=response.agency,
            status__in=[NeedStatus.OPEN, NeedStatus.IN_PLAN],
        ).values_list("domain", flat=True)
    )
    for need in needs:
        if need["domain"] in open_domains:
            continue
        created = Need.objects.create(
            person=response.person,
            agency=response.agency,
            domain=need["domain"],
            label=need["label"][:200],
            severity=need["severity"],
            source=response,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=created,
            person=response.person_id,
            agency_id=response.agency_id,
            data={"domain": created.domain},
        )

"""Assessment reads through the access policy: history, trends, the latest domain profile."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.assessments import engine
from casebridge.assessments.models import (
    AssessmentResponse,
    Instrument,
    Need,
    NeedStatus,
    ResponseStatus,
)
from casebridge.core import clock
from casebridge.core.errors import NotVisible

HOLISTIC = "casebridge_holistic"
INITIAL_ASSESSMENT_DAYS = 30


def current_instruments():
    return Instrument.objects.filter(is_current=True).order_by("title")


def response_get(*, user, response_id) -> AssessmentResponse:
    try:
        return (
            AssessmentResponse.objects.visible_to(user)
            .select_related("instrument", "person", "administered_by", "enrollment__program")
            .get(pk=response_id)
        )
    except (AssessmentResponse.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def assessment_history(*, user, person):
    return (
        AssessmentResponse.objects.visible_to(user)
        .filter(person=person)
        .select_related("instrument", "administered_by")
        .order_by("-submitted_at", "-created_at")
    )


def open_needs(*, user, person):
    return Need.objects.visible_to(user).filter(
        person=person, status__in=[NeedStatus.OPEN, NeedStatus.IN_PLAN]
    )


def score_trends(history) -> list[dict]:
    """Per instrument code and score: the points over time (oldest first) with the score range."""
    series: dict[tuple, dict] = {}
    for response in sorted(
        (r for r in history if r.status == ResponseStatus.SUBMITTED), key=lambda r: r.submitted_at
    ):
        definition = response.instrument.definition
        for spec in definition.get("scores", []):
            value = response.scores.get(spec["id"])
            if value is None or spec["method"] == "item":
                continue
            key = (response.instrument.code, spec["id"])
            line = series.setdefault(
                key,
                {
                    "title": f"{definition['title']} — {spec.get('label', spec['id'])}",
                    "min": spec.get("min", 0),
                    "max": spec.get("max", max(value, 1)),
                    "points": [],
                },
            )
            line["points"].append((response.submitted_at, value))
    return [line for line in series.values() if line["points"]]


def domain_profile(history) -> list[tuple[str, int]] | None:
    """The latest submitted holistic ratings, domain by domain."""
    for response in history:
        if response.status == ResponseStatus.SUBMITTED and any(
            s["method"] == "item" for s in response.instrument.definition.get("scores", [])
        ):
            return [
                (spec.get("label", spec["id"]), response.scores.get(spec["id"]))
                for spec in response.instrument.definition["scores"]
                if spec["method"] == "item"
            ]
    return None


def reassessment_due(history, enrollments):
    """Due date of the next holistic reassessment from the programs' cycles (None if none)."""
    cycles = [e.program.reassessment_days for e in enrollments if e.status in ("active", "on_hold")]
    if not cycles:
        return None
    last = next(
        (
            r.submitted_at
            for r in history
            if r.status == ResponseStatus.SUBMITTED and r.instrument.code == "casebridge_holistic"
        ),
        None,
    )
    if last is None:
        return clock.today()
    return (last + timedelta(days=min(cycles))).date()


def rendered_items(response: AssessmentResponse) -> list[dict]:
    """The items of the response's own instrument version, in the language it is given in,
    with options and current answers."""
    definition = engine.localized(response.instrument.definition, response.language)
    shown = {i["id"] for i in engine.visible_items(definition, response.answers)}
    rows = []
    for item in definition["items"]:
        value = response.answers.get(item["id"])
        rows.append(
            {
                "item": item,
                "kind": item.get("type", "choice"),
                "options": engine.options(definition, item),
                "value": value,
                "values": value if isinstance(value, list) else [value],
                "conditional": "show_if" in item,
                "shown": item["id"] in shown,
            }
        )
    return rows


def reassessment_due_for(enrollments) -> dict:
    """{enrollment id: (label, due date)} for open enrollments, in one query: the holistic
    assessment is due 30 days after the start, then every ``reassessment_days`` of the program
    after the last submitted one."""
    open_ = [e for e in enrollments if e.status in ("active", "on_hold") and e.start_date]
    if not open_:
        return {}
    rows = (
        AssessmentResponse.objects.filter(
            person_id__in={e.person_id for e in open_},
            status=ResponseStatus.SUBMITTED,
            instrument__code=HOLISTIC,
        )
        .order_by()
        .values("person_id", "agency_id")
        .annotate(last=Max("submitted_at"))
        .values_list("person_id", "agency_id", "last")
    )
    last = {(person_id, agency_id): when for person_id, agency_id, when in rows}
    due = {}
    for enrollment in open_:
        submitted = last.get((enrollment.person_id, enrollment.agency_id))
        if submitted is None:
            due[enrollment.pk] = (
                _("Initial assessment"),
                enrollment.start_date + timedelta(days=INITIAL_ASSESSMENT_DAYS),
            )
        else:
            cycle = max(enrollment.program.reassessment_days, 1)
            due[enrollment.pk] = (
                _("Reassessment"),
                timezone.localdate(submitted) + timedelta(days=cycle),
            )
    return due

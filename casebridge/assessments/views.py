from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.assessments import charts, engine, selectors, services
from casebridge.assessments.models import ResponseStatus
from casebridge.core.errors import NotVisible
from casebridge.enrollments.models import Enrollment
from casebridge.people.selectors import person_get

LANGUAGE_LABELS = {"en": "English", "es": "Español"}


def _visible_person(user, person_id):
    try:
        return person_get(user=user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc


def parse_answers(definition: dict, data) -> dict:
    """Turn posted form values back into the option values the definition uses."""
    answers = {}
    for item in definition["items"]:
        kind = item.get("type", "choice")
        if kind == "text":
            value = data.get(item["id"], "").strip()
            if value:
                answers[item["id"]] = value
            continue
        by_text = {str(o["value"]): o["value"] for o in engine.options(definition, item)}
        if kind == "multi":
            chosen = [by_text.get(v, v) for v in data.getlist(item["id"])]
            if chosen:
                answers[item["id"]] = chosen
        elif data.get(item["id"], "") != "":
            raw = data.get(item["id"])
            answers[item["id"]] = by_text.get(raw, raw)
    return answers


@login_required
@require_POST
def assessment_start(request, person_id):
    person = _visible_person(request.user, person_id)
    try:
        response = services.assessment_start(
            actor=request.user,
            person=person,
            instrument_code=request.POST.get("instrument", ""),
            language=request.POST.get("language") or None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) or _("Choose an assessment."))
        return redirect("person_assessments", person_id=person.pk)
    return redirect("assessment_detail", response_id=response.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request, response_id):
    try:
        response = selectors.response_get(user=request.user, response_id=response_id)
    except NotVisible as exc:
        raise Http404 from exc
    errors = {}
    if request.method == "POST" and request.POST.get("action") == "language":
        try:
            services.assessment_set_language(
                actor=request.user, response=response, language=request.POST.get("language", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("assessment_detail", response_id=response.pk)
    if request.method == "POST" and response.status == ResponseStatus.DRAFT:
        answers = parse_answers(response.instrument.definition, request.POST)
        submit = request.POST.get("action") == "submit"
        try:
            services.assessment_save(
                actor=request.user, response=response, answers=answers, submit=submit
            )
        except ValidationError as exc:
            errors = {
                key.removeprefix("answers."): " ".join(value)
                for key, value in exc.message_dict.items()
            }
            response.answers = answers  # show what was typed, unsaved
        else:
            messages.success(request, _("Assessment submitted.") if submit else _("Draft saved."))
            return redirect("assessment_detail", response_id=response.pk)
    rows = selectors.rendered_items(response)
    for row in rows:
        row["error"] = errors.get(row["item"]["id"])
    return render(
        request,
        "assessments/detail.html",
        {
            "response": response,
            "person": response.person,
            "definition": engine.localized(response.instrument.definition, response.language),
            "languages": [
                (code, LANGUAGE_LABELS.get(code, code))
                for code in engine.languages(response.instrument.definition)
            ],
            "rows": rows,
            "errors": errors,
            "needs": response.needs.all(),
            "nav_section": "people",
        },
    )


@login_required
def person_assessments(request, person_id):
    person = _visible_person(request.user, person_id)
    history = list(selectors.assessment_history(user=request.user, person=person))
    enrollments = (
        Enrollment.objects.visible_to(request.user).filter(person=person).select_related("program")
    )
    trends = [
        {"title": line["title"], "svg": charts.trend_svg(line), "points": line["points"]}
        for line in selectors.score_trends(history)
    ]
    return render(
        request,
        "assessments/person.html",
        {
            "person": person,
            "history": history,
            "trends": trends,
            "profile": selectors.domain_profile(history),
            "needs": selectors.open_needs(user=request.user, person=person),
            "due": selectors.reassessment_due(history, enrollments),
            "instruments": selectors.current_instruments(),
            "languages": LANGUAGE_LABELS,
            "nav_section": "people",
        },
    )

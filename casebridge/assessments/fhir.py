"""FHIR R4 Questionnaire / QuestionnaireResponse mapping for instruments and responses.

Export keeps items, answer options (value as code, label as display, LOINC where known), required
and simple skip logic (``enableWhen``). Import builds an instrument definition without scoring
(scoring rules have no standard FHIR form in R4 core; add them to the JSON by hand).
"""

from django.core.exceptions import ValidationError

from casebridge.assessments import engine

SYSTEM = "urn:casebridge:instrument"
LOINC = "http://loinc.org"
OPS_TO_FHIR = {"=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}


def _value_key(value) -> str:
    return (
        "valueInteger" if isinstance(value, int) and not isinstance(value, bool) else "valueString"
    )


def _enable_when(condition: dict):
    parts = condition.get("any") or condition.get("all") or [condition]
    behaviour = "any" if "any" in condition else "all"
    out = []
    for part in parts:
        if "item" not in part or part.get("op") not in OPS_TO_FHIR:
            return None, None
        value = part["value"]
        answer = (
            {"answerInteger": value} if isinstance(value, int) else {"answerString": str(value)}
        )
        out.append({"question": part["item"], "operator": OPS_TO_FHIR[part["op"]], **answer})
    return out, behaviour


def questionnaire(instrument) -> dict:
    definition = instrument.definition
    items = []
    for item in definition["items"]:
        kind = item.get("type", "choice")
        entry = {
            "linkId": item["id"],
            "text": item["text"],
            "type": "text" if kind == "text" else "choice",
            "required": bool(item.get("required", True)),
        }
        if kind == "multi":
            entry["repeats"] = True
        if item.get("loinc"):
            entry["code"] = [{"system": LOINC, "code": item["loinc"]}]
        if kind != "text":
            entry["answerOption"] = [
                {
                    "valueCoding": {
                        "system": f"{SYSTEM}/{definition['code']}/{item['id']}",
                        "code": str(option["value"]),
                        "display": option["label"],
                    }
                }
                for option in engine.options(definition, item)
            ]
        if "show_if" in item:
            enable, behaviour = _enable_when(item["show_if"])
            if enable:
                entry["enableWhen"] = enable
                if len(enable) > 1:
                    entry["enableBehavior"] = behaviour
        items.append(entry)
    resource = {
        "resourceType": "Questionnaire",
        "id": str(instrument.pk),
        "url": f"{SYSTEM}/{definition['code']}",
        "version": str(definition["version"]),
        "name": "".join(ch for ch in definition["title"].title() if ch.isalnum())[:250]
        or "Instrument",
        "title": definition["title"],
        "status": "active" if instrument.is_current else "retired",
        "subjectType": ["Patient"],
        "copyright": definition.get("copyright", ""),
        "item": items,
    }
    if definition.get("loinc"):
        resource["code"] = [{"system": LOINC, "code": definition["loinc"]}]
    return resource


def definition_from_questionnaire(resource: dict) -> dict:
    """A Casebridge definition from a FHIR Questionnaire (choice, open-choice and text items)."""
    if resource.get("resourceType") != "Questionnaire":
        raise ValidationError("Expected a FHIR Questionnaire.")
    url = resource.get("url", "").rstrip("/")
    code = url.rsplit("/", 1)[-1].rsplit(":", 1)[-1] or resource.get("name", "")
    items = []
    for entry in resource.get("item", []):
        kind = entry.get("type")
        if kind in ("group", "display"):
            continue
        item = {
            "id": entry["linkId"],
            "text": entry.get("text", entry["linkId"]),
            "required": bool(entry.get("required", False)),
        }
        if kind in ("choice", "open-choice"):
            item["type"] = "multi" if entry.get("repeats") else "choice"
            options = []
            for option in entry.get("answerOption", []):
                coding = option.get("valueCoding")
                if coding:
                    raw = coding.get("code")
                    value = int(raw) if isinstance(raw, str) and raw.lstrip("-").isdigit() else raw
                    options.append({"value": value, "label": coding.get("display", raw)})
                elif "valueString" in option:
                    options.append({"value": option["valueString"], "label": option["valueString"]})
                elif "valueInteger" in option:
                    options.append(
                        {"value": option["valueInteger"], "label": str(option["valueInteger"])}
                    )
            item["options"] = options
        elif kind in ("string", "text"):
            item["type"] = "text"
        else:
            raise ValidationError(f"Item {entry['linkId']}: type {kind} is not supported.")
        conditions = [
            {
                "item": when["question"],
                "op": when.get("operator", "="),
                "value": when.get(
                    "answerInteger",
                    when.get("answerString", (when.get("answerCoding") or {}).get("code")),
                ),
            }
            for when in entry.get("enableWhen", [])
        ]
        if conditions:
            behaviour = entry.get("enableBehavior", "all")
            item["show_if"] = conditions[0] if len(conditions) == 1 else {behaviour: conditions}
        items.append(item)
    definition = {
        "code": code,
        "version": str(resource.get("version") or "1"),
        "title": resource.get("title") or code,
        "copyright": resource.get("copyright", ""),
        "items": items,
    }
    try:
        engine.check_definition(definition)
    except engine.DefinitionError as exc:
        raise ValidationError(str(exc)) from exc
    return definition


def questionnaire_response(response) -> dict:
    definition = response.instrument.definition
    by_id = {i["id"]: i for i in definition["items"]}
    items = []
    for item_id, value in response.answers.items():
        item = by_id.get(item_id)
        if item is None:
            continue
        values = value if isinstance(value, list) else [value]
        if item.get("type") == "text":
            answers = [{"valueString": v} for v in values]
        else:
            labels = {o["value"]: o["label"] for o in engine.options(definition, item)}
            answers = [
                {
                    "valueCoding": {
                        "system": f"{SYSTEM}/{definition['code']}/{item_id}",
                        "code": str(v),
                        "display": labels.get(v, str(v)),
                    }
                }
                for v in values
            ]
        items.append({"linkId": item_id, "text": item["text"], "answer": answers})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": f"{SYSTEM}/{definition['code']}|{definition['version']}",
        "status": "completed" if response.status == "submitted" else "in-progress",
        "subject": {"reference": f"Patient/{response.person_id}"},
        "item": items,
    }
    if response.submitted_at:
        resource["authored"] = response.submitted_at.isoformat()
    return resource

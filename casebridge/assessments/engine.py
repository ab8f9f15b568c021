"""The instrument engine: instruments are data (``instruments/*.json``); this module checks a
definition, decides which items show (skip logic), validates answers item by item, and computes
scores, severity bands, flags and needs. It knows nothing about the database.

A definition::

    {"code": "phq9", "version": "1", "title": "...", "copyright": "...", "loinc": "44249-1",
     "option_sets": {"freq": [{"value": 0, "label": "Not at all", "loinc": "LA6568-5"}, ...]},
     "items": [{"id": "q1", "text": "...", "options": "freq", "required": true,
                "show_if": <condition>, "type": "choice" | "multi" | "text"}],
     "scores": [{"id": "total", "label": "...", "method": "sum" | "count" | "item",
                 "items": [...], "reverse": [...], "count_values": {...},
                 "bands": [{"min": 0, "max": 4, "label": "...", "severity": 0}]}],
     "flags": [{"id": "suicide_risk", "label": "...", "when": <condition>, "urgent": true}],
     "needs": [{"domain": "food", "when": <condition>, "severity": 2}],
     "translations": {"es": {"title": "...", "stem": "...", "items": {"q1": "..."},
                             "option_sets": {"freq": {"0": "..."}}, "scores": {"total": "..."}}}}

A condition is ``{"item": id, "op": op, "value": v}``, ``{"score": id, ...}``,
``{"context": "sex", ...}``, ``{"any": [...]}`` or ``{"all": [...]}``; ops are
``= != > >= < <= in contains answered``.
"""

import operator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

OPS = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
ITEM_TYPES = {"choice", "multi", "text"}
LIFE_DOMAINS = (
    "housing",
    "income",
    "employment",
    "food",
    "health",
    "mental_health",
    "substance_use",
    "legal",
    "social_support",
    "transportation",
    "childcare",
    "education",
    "safety",
    "daily_living",
    "utilities",
)


class DefinitionError(ValueError):
    """An instrument definition is malformed."""


@dataclass
class Result:
    scores: dict = field(default_factory=dict)
    bands: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    needs: list = field(default_factory=list)


def options(definition: dict, item: dict) -> list[dict]:
    ref = item.get("options")
    if isinstance(ref, str):
        return definition["option_sets"][ref]
    return ref or []


def check_definition(definition: dict) -> None:
    """Raise DefinitionError unless ``definition`` is usable."""
    for key in ("code", "version", "title", "items"):
        if not definition.get(key):
            raise DefinitionError(f"missing '{key}'")
    ids = [item.get("id") for item in definition["items"]]
    if len(ids) != len(set(ids)) or not all(ids):
        raise DefinitionError("item ids must be present and unique")
    for item in definition["items"]:
        kind = item.get("type", "choice")
        if kind not in ITEM_TYPES:
            raise DefinitionError(f"item {item['id']}: unknown type {kind}")
        if kind != "text":
            ref = item.get("options")
            if isinstance(ref, str) and ref not in definition.get("option_sets", {}):
                raise DefinitionError(f"item {item['id']}: unknown option set {ref}")
            if not options(definition, item):
                raise DefinitionError(f"item {item['id']}: no options")
    score_ids = {s["id"] for s in definition.get("scores", [])}
    for score in definition.get("scores", []):
        if score.get("method") not in {"sum", "count", "item"}:
            raise DefinitionError(f"score {score.get('id')}: unknown method")
        unknown = set(score.get("items", [])) - set(ids)
        if unknown:
            raise DefinitionError(f"score {score['id']}: unknown items {sorted(unknown)}")
    for need in definition.get("needs", []):
        if need.get("domain") not in LIFE_DOMAINS:
            raise DefinitionError(f"need: unknown domain {need.get('domain')}")
    for rule in definition.get("flags", []) + definition.get("needs", []):
        _check_condition(rule.get("when"), set(ids), score_ids)
    _check_translations(definition, set(ids), score_ids)


def _check_translations(definition: dict, item_ids: set, score_ids: set) -> None:
    translations = definition.get("translations", {})
    if not isinstance(translations, dict):
        raise DefinitionError("translations must be an object keyed by language code")
    sets = definition.get("option_sets", {})
    for language, variant in translations.items():
        if not (isinstance(language, str) and 2 <= len(language) <= 10):
            raise DefinitionError(f"translation language {language!r} is not a language code")
        unknown = set(variant.get("items", {})) - item_ids
        if unknown:
            raise DefinitionError(f"translation {language}: unknown items {sorted(unknown)}")
        unknown = set(variant.get("scores", {})) - score_ids
        if unknown:
            raise DefinitionError(f"translation {language}: unknown scores {sorted(unknown)}")
        for name, labels in variant.get("option_sets", {}).items():
            if name not in sets:
                raise DefinitionError(f"translation {language}: unknown option set {name}")
            values = {str(option["value"]) for option in sets[name]}
            if set(labels) - values:
                raise DefinitionError(f"translation {language}: unknown values in {name}")


def languages(definition: dict) -> list[str]:
    """The languages the instrument can be administered in (its own language first)."""
    return [definition.get("language", "en"), *definition.get("translations", {})]


def localized(definition: dict, language: str) -> dict:
    """The definition with its texts in ``language`` where a variant gives them (else as is).

    Only wording changes: ids, values, scoring and conditions are the same in every language,
    so answers given in one language score exactly as in another."""
    variant = definition.get("translations", {}).get(language)
    if not variant:
        return definition
    result = {**definition}
    for key in ("title", "stem", "copyright"):
        if variant.get(key):
            result[key] = variant[key]
    items = variant.get("items", {})
    result["items"] = [
        {**item, "text": items[item["id"]]} if item["id"] in items else item
        for item in definition["items"]
    ]
    option_labels = variant.get("option_sets", {})
    result["option_sets"] = {
        name: [
            {
                **option,
                "label": option_labels.get(name, {}).get(str(option["value"]), option["label"]),
            }
            for option in options_
        ]
        for name, options_ in definition.get("option_sets", {}).items()
    }
    scores = variant.get("scores", {})
    result["scores"] = [
        {**score, "label": scores.get(score["id"], score.get("label"))}
        for score in definition.get("scores", [])
    ]
    return result


def _check_condition(condition, item_ids, score_ids) -> None:
    if not isinstance(condition, dict):
        raise DefinitionError("a condition must be an object")
    if "any" in condition or "all" in condition:
        for part in condition.get("any", []) + condition.get("all", []):
            _check_condition(part, item_ids, score_ids)
        return
    if "item" in condition and condition["item"] not in item_ids:
        raise DefinitionError(f"condition refers to unknown item {condition['item']}")
    if "score" in condition and condition["score"] not in score_ids:
        raise DefinitionError(f"condition refers to unknown score {condition['score']}")
    if condition.get("op") not in {*OPS, "in", "contains", "answered"}:
        raise DefinitionError(f"unknown operator {condition.get('op')}")


def holds(
    condition: dict, answers: dict, scores: dict | None = None, context: dict | None = None
) -> bool:
    if "any" in condition:
        return any(holds(c, answers, scores, context) for c in condition["any"])
    if "all" in condition:
        return all(holds(c, answers, scores, context) for c in condition["all"])
    if "item" in condition:
        value = answers.get(condition["item"])
    elif "score" in condition:
        value = (scores or {}).get(condition["score"])
    else:
        value = (context or {}).get(condition.get("context"))
    op, expected = condition["op"], condition.get("value")
    if op == "answered":
        return value not in (None, "", [])
    if value is None:
        return False
    if op == "in":
        return value in expected
    if op == "contains":
        return isinstance(value, list) and expected in value
    try:
        return OPS[op](value, expected)
    except TypeError:
        return False


def visible_items(definition: dict, answers: dict) -> list[dict]:
    """Items shown given the answers so far (an item with ``show_if`` shows only when it holds)."""
    return [i for i in definition["items"] if "show_if" not in i or holds(i["show_if"], answers)]


def validate(definition: dict, answers: dict, *, complete: bool) -> dict[str, str]:
    """Item-level errors: unknown items, values not offered, and (when ``complete``) missing
    required answers among the visible items."""
    errors = {}
    items = {i["id"]: i for i in definition["items"]}
    for item_id, value in answers.items():
        item = items.get(item_id)
        if item is None:
            errors[item_id] = _("Unknown question.")
            continue
        kind = item.get("type", "choice")
        allowed = {o["value"] for o in options(definition, item)}
        if kind == "choice" and value is not None and value not in allowed:
            errors[item_id] = _("Choose one of the answers offered.")
        elif (
            kind == "multi"
            and value is not None
            and (not isinstance(value, list) or not set(value) <= allowed)
        ):
            errors[item_id] = _("Choose from the answers offered.")
        elif kind == "multi" and value and len(value) > item.get("max_choices", len(allowed)):
            errors[item_id] = _("Choose at most %(count)s.") % {"count": item["max_choices"]}
        elif (
            kind == "text"
            and value is not None
            and (not isinstance(value, str) or len(value) > 2000)
        ):
            errors[item_id] = _("Write at most 2000 characters.")
    if complete:
        for item in visible_items(definition, answers):
            if item.get("required", True) and answers.get(item["id"]) in (None, "", []):
                errors.setdefault(item["id"], _("This question needs an answer."))
    return errors


def _score(definition: dict, spec: dict, answers: dict):
    items = spec.get("items", [])
    if spec["method"] == "item":
        return answers.get(items[0])
    if spec["method"] == "count":
        positive = spec.get("count_values", {})
        total = 0
        for item_id in items:
            value = answers.get(item_id)
            values = value if isinstance(value, list) else [value]
            total += sum(1 for v in values if v in positive.get(item_id, []))
        return total
    total = 0
    answered = 0
    reverse = set(spec.get("reverse", []))
    by_id = {i["id"]: i for i in definition["items"]}
    for item_id in items:
        value = answers.get(item_id)
        if value is None:
            continue
        answered += 1
        if item_id in reverse:
            values = [o["value"] for o in options(definition, by_id[item_id])]
            value = max(values) + min(values) - value
        total += value
    return total if answered else None


def evaluate(definition: dict, answers: dict, context: dict | None = None) -> Result:
    """Scores, bands, flags and needs for a (validated) set of answers."""
    shown = {i["id"] for i in visible_items(definition, answers)}
    answers = {k: v for k, v in answers.items() if k in shown}
    result = Result()
    for spec in definition.get("scores", []):
        value = _score(definition, spec, answers)
        result.scores[spec["id"]] = value
        for band in spec.get("bands", []):
            if value is not None and band["min"] <= value <= band["max"]:
                result.bands[spec["id"]] = {
                    "label": band["label"],
                    "severity": band.get("severity"),
                }
    for rule in definition.get("flags", []):
        if holds(rule["when"], answers, result.scores, context):
            result.flags.append(
                {"id": rule["id"], "label": rule["label"], "urgent": rule.get("urgent", False)}
            )
    for rule in definition.get("needs", []):
        if holds(rule["when"], answers, result.scores, context) and not any(
            n["domain"] == rule["domain"] for n in result.needs
        ):
            result.needs.append(
                {
                    "domain": rule["domain"],
                    "severity": rule.get("severity", 2),
                    "label": rule.get("label", ""),
                }
            )
    return result

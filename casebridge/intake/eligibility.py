"""Eligibility criteria as data, and screening against them.

A program's ``eligibility_criteria`` is a list of rules, each one of::

    {"fact": "age", "label": "Aged 18 to 64", "min": 18, "max": 64}
    {"fact": "county", "label": "Lives in Harbor County", "in": ["Harbor", "Bay"]}
    {"fact": "homeless", "label": "Currently homeless", "equals": true}
    {"fact": "ed_visits_6m", "label": "2+ ED visits in 6 months", "min": 2}

Screening compares each rule with the referral's facts and answers pass, fail or unknown (the fact
is not known yet), so an intake worker sees exactly what is left to find out.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
FACTS = {
    "age": int,
    "county": str,
    "homeless": bool,
    "ed_visits_6m": int,
    "diagnosis_category": str,
    "vulnerability": int,
}
OPERATORS = {"min", "max", "in", "equals"}


@dataclass(frozen=True)
class CriterionResult:
    label: str
    fact: str
    outcome: str
    value: object


def validate_criteria(criteria) -> None:
    """Raise ValidationError unless ``criteria`` is a well-formed list of rules."""
    if not isinstance(criteria, list):
        raise ValidationError("Eligibility criteria must be a list.")
    for index, rule in enumerate(criteria):
        if not isinstance(rule, dict) or rule.get("fact") not in FACTS:
            raise ValidationError(f"Rule {index + 1}: 'fact' must be one of {sorted(FACTS)}.")
        if not OPERATORS & set(rule):
            raise ValidationError(f"Rule {index + 1}: give one of {sorted(OPERATORS)}.")


def evaluate(rule: dict, facts: dict) -> str:
    value = facts.get(rule["fact"])
    if value is None or value == "":
        return UNKNOWN
    if "equals" in rule and value != rule["equals"]:
        return FAIL
    if "in" in rule and str(value).casefold() not in {str(v).casefold() for v in rule["in"]}:
        return FAIL
    if "min" in rule and value < rule["min"]:
        return FAIL
    if "max" in rule and value > rule["max"]:
        return FAIL
    return PASS


def screen(criteria: list, facts: dict) -> list[CriterionResult]:
    return [
        CriterionResult(
            label=rule.get("label") or rule["fact"],
            fact=rule["fact"],
            outcome=evaluate(rule, facts),
            value=facts.get(rule["fact"]),
        )
        for rule in criteria
    ]


def overall(results: list[CriterionResult]) -> str:
    """fail if any rule fails, unknown if any is unknown, else pass."""
    outcomes = {r.outcome for r in results}
    if FAIL in outcomes:
        return FAIL
    if UNKNOWN in outcomes:
        return UNKNOWN
    return PASS

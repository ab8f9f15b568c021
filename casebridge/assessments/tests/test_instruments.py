"""Scoring of every bundled instrument against hand-computed answers, boundaries included."""

import json

import pytest

from casebridge.assessments import engine
from casebridge.assessments.services import BUNDLED


def load(code):
    return json.loads((BUNDLED / f"{code}.json").read_text(encoding="utf-8"))


def _answers(prefix_count, values):
    return {f"q{i + 1}": v for i, v in enumerate(values[:prefix_count])}


def test_every_bundled_definition_is_valid():
    codes = sorted(p.stem for p in BUNDLED.glob("*.json"))
    assert codes == [
        "ahc_hrsn",
        "audit_c",
        "casebridge_holistic",
        "gad7",
        "hunger_vital_sign",
        "phq2",
        "phq9",
    ]
    for code in codes:
        engine.check_definition(load(code))


@pytest.mark.parametrize(
    "values,total,band",
    [
        ([0] * 9, 0, "None–minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "None–minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild"),
        ([3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "Mild"),
        ([3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "Moderate"),
        ([3, 3, 3, 3, 2, 0, 0, 0, 0], 14, "Moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "Moderately severe"),
        ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "Moderately severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "Severe"),
        ([3] * 9, 27, "Severe"),
    ],
)
def test_phq9_total_and_bands(values, total, band):
    result = engine.evaluate(load("phq9"), _answers(9, values))
    assert result.scores["total"] == total
    assert result.bands["total"]["label"] == band
    assert bool(result.needs) == (total >= 10)


@pytest.mark.parametrize("item9,flagged", [(0, False), (1, True), (3, True)])
def test_phq9_item9_flag_fires_exactly_when_positive(item9, flagged):
    result = engine.evaluate(load("phq9"), _answers(9, [0] * 8 + [item9]))
    assert [f["id"] for f in result.flags] == (["suicide_risk"] if flagged else [])
    if flagged:
        assert result.flags[0]["urgent"] is True


def test_phq9_difficulty_item_shows_only_when_a_problem_is_checked():
    definition = load("phq9")
    assert "difficulty" not in {
        i["id"] for i in engine.visible_items(definition, _answers(9, [0] * 9))
    }
    assert "difficulty" in {
        i["id"] for i in engine.visible_items(definition, _answers(9, [1] + [0] * 8))
    }


@pytest.mark.parametrize(
    "values,total,band",
    [
        ([0, 0], 0, "Negative screen"),
        ([1, 1], 2, "Negative screen"),
        ([2, 1], 3, "Positive screen: give the PHQ-9"),
        ([3, 3], 6, "Positive screen: give the PHQ-9"),
    ],
)
def test_phq2(values, total, band):
    result = engine.evaluate(load("phq2"), _answers(2, values))
    assert (result.scores["total"], result.bands["total"]["label"]) == (total, band)


@pytest.mark.parametrize(
    "values,total,band",
    [
        ([0] * 7, 0, "Minimal"),
        ([1, 1, 1, 1, 0, 0, 0], 4, "Minimal"),
        ([1, 1, 1, 1, 1, 0, 0], 5, "Mild"),
        ([3, 3, 3, 0, 0, 0, 0], 9, "Mild"),
        ([3, 3, 3, 1, 0, 0, 0], 10, "Moderate"),
        ([3, 3, 3, 3, 2, 0, 0], 14, "Moderate"),
        ([3, 3, 3, 3, 3, 0, 0], 15, "Severe"),
        ([3] * 7, 21, "Severe"),
    ],
)
def test_gad7(values, total, band):
    result = engine.evaluate(load("gad7"), _answers(7, values))
    assert (result.scores["total"], result.bands["total"]["label"]) == (total, band)


@pytest.mark.parametrize(
    "answers,sex,total,need",
    [
        ({"q1": 0}, 1, 0, False),
        ({"q1": 1, "q2": 1, "q3": 0}, 0, 2, False),
        ({"q1": 1, "q2": 1, "q3": 1}, 0, 3, True),  # women: positive at 3
        ({"q1": 1, "q2": 1, "q3": 1}, 1, 3, False),  # men: not yet
        ({"q1": 2, "q2": 1, "q3": 1}, 1, 4, True),  # men: positive at 4
        ({"q1": 4, "q2": 4, "q3": 4}, 1, 12, True),
    ],
)
def test_audit_c_uses_sex_specific_cut_offs(answers, sex, total, need):
    result = engine.evaluate(load("audit_c"), answers, context={"sex": sex})
    assert result.scores["total"] == total
    assert bool(result.needs) == need


def test_audit_c_skips_quantity_questions_for_non_drinkers():
    definition = load("audit_c")
    assert engine.validate(definition, {"q1": 0}, complete=True) == {}
    assert set(engine.validate(definition, {"q1": 2}, complete=True)) == {"q2", "q3"}
    # Answers to hidden items are ignored in scoring.
    assert engine.evaluate(definition, {"q1": 0, "q2": 4, "q3": 4}).scores["total"] == 0


@pytest.mark.parametrize(
    "q1,q2,at_risk",
    [
        ("never", "never", False),
        ("sometimes", "never", True),
        ("never", "often", True),
        ("often", "often", True),
        ("unknown", "never", False),
    ],
)
def test_hunger_vital_sign(q1, q2, at_risk):
    result = engine.evaluate(load("hunger_vital_sign"), {"q1": q1, "q2": q2})
    assert (result.bands["positives"]["label"] == "At risk of food insecurity") == at_risk
    assert [n["domain"] for n in result.needs] == (["food"] if at_risk else [])


def _ahc(**overrides):
    answers = {
        "living": "steady",
        "problems": ["none"],
        "food_worry": "never",
        "food_last": "never",
        "transport": "no",
        "utilities": "no",
        "hurt": 1,
        "insult": 1,
        "threaten": 1,
        "scream": 1,
    }
    answers.update(overrides)
    return answers


def test_ahc_no_needs_when_all_answers_are_negative():
    result = engine.evaluate(load("ahc_hrsn"), _ahc())
    assert result.needs == [] and result.flags == []
    assert result.scores == {"safety": 4, "positives": 0}


@pytest.mark.parametrize(
    "safety,flagged", [((3, 3, 2, 2), False), ((3, 3, 3, 2), True), ((5, 5, 5, 5), True)]
)
def test_ahc_safety_score_boundary_at_11(safety, flagged):
    hurt, insult, threaten, scream = safety
    result = engine.evaluate(
        load("ahc_hrsn"), _ahc(hurt=hurt, insult=insult, threaten=threaten, scream=scream)
    )
    assert result.scores["safety"] == sum(safety)
    assert bool(result.flags) == flagged
    assert ("safety" in [n["domain"] for n in result.needs]) == flagged


def test_ahc_maps_positive_answers_to_domains():
    result = engine.evaluate(
        load("ahc_hrsn"),
        _ahc(
            living="no_steady",
            problems=["mold", "heat"],
            food_last="sometimes",
            transport="yes",
            utilities="shut_off",
        ),
    )
    assert [n["domain"] for n in result.needs] == ["housing", "food", "transportation", "utilities"]
    assert result.scores["positives"] == 1 + 2 + 1 + 1 + 1


def test_holistic_profile_needs_and_strengths():
    definition = load("casebridge_holistic")
    answers = {score["id"]: 4 for score in definition["scores"]}
    answers.update(
        {
            "housing": 1,
            "income": 2,
            "childcare": 0,
            "housing_strengths": "Sister's couch",
            "priorities": ["housing", "income"],
        }
    )
    assert engine.validate(definition, answers, complete=True) == {}
    result = engine.evaluate(definition, answers)
    assert result.scores["housing"] == 1 and result.scores["childcare"] == 0
    assert [n["domain"] for n in result.needs] == ["housing", "income"]
    too_many = {**answers, "priorities": ["housing", "income", "food", "legal"]}
    assert engine.validate(definition, too_many, complete=True) == {
        "priorities": "Choose at most 3."
    }


def test_incomplete_and_invalid_answers_get_item_level_errors():
    definition = load("phq9")
    errors = engine.validate(definition, {"q1": 5, "q2": 1, "nonsense": 1}, complete=True)
    assert errors["q1"] == "Choose one of the answers offered."
    assert errors["nonsense"] == "Unknown question."
    assert errors["q3"] == "This question needs an answer." and "q2" not in errors
    assert engine.validate(definition, {"q1": 1}, complete=False) == {}


def test_reverse_scored_items():
    definition = {
        "code": "t",
        "version": "1",
        "title": "T",
        "option_sets": {"o": [{"value": v, "label": str(v)} for v in range(0, 4)]},
        "items": [{"id": "a", "options": "o"}, {"id": "b", "options": "o"}],
        "scores": [{"id": "s", "method": "sum", "items": ["a", "b"], "reverse": ["b"]}],
    }
    engine.check_definition(definition)
    assert engine.evaluate(definition, {"a": 3, "b": 0}).scores["s"] == 6
    assert engine.evaluate(definition, {"a": 0, "b": 3}).scores["s"] == 0


def test_bad_definitions_are_refused():
    with pytest.raises(engine.DefinitionError):
        engine.check_definition(
            {
                "code": "x",
                "version": "1",
                "title": "X",
                "items": [{"id": "a", "options": "missing"}],
            }
        )
    with pytest.raises(engine.DefinitionError):
        engine.check_definition(
            {
                "code": "x",
                "version": "1",
                "title": "X",
                "items": [{"id": "a", "options": [{"value": 1, "label": "1"}]}],
                "flags": [{"id": "f", "when": {"item": "zzz", "op": "=", "value": 1}}],
            }
        )

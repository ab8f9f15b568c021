"""Language variants: wording changes, scoring never does; responses keep their language."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError

from casebridge.assessments import engine, services
from casebridge.assessments.services import BUNDLED

HOLISTIC = json.loads((BUNDLED / "casebridge_holistic.json").read_text(encoding="utf-8"))


@pytest.fixture
def instruments(db):
    services.instruments_load_bundled()


def _answers():
    answers = {item: 2 for item in engine.LIFE_DOMAINS if item not in ("utilities",)}
    answers["housing"] = 1
    answers["priorities"] = ["housing", "income"]
    return answers


def test_spanish_variant_changes_wording_not_scoring():
    spanish = engine.localized(HOLISTIC, "es")
    assert spanish["title"].startswith("Evaluación integral")
    assert spanish["items"][0]["text"] == "Vivienda: ¿cómo van las cosas ahora mismo?"
    assert engine.options(spanish, spanish["items"][0])[0]["label"] == "1 — En crisis"
    assert [i["id"] for i in spanish["items"]] == [i["id"] for i in HOLISTIC["items"]]
    english = engine.evaluate(HOLISTIC, _answers(), context={})
    translated = engine.evaluate(spanish, _answers(), context={})
    assert english.scores == translated.scores and english.needs == translated.needs
    assert engine.localized(HOLISTIC, "fr") is HOLISTIC


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ({"items": {"nope": "x"}}, "unknown items"),
        ({"scores": {"nope": "x"}}, "unknown scores"),
        ({"option_sets": {"nope": {}}}, "unknown option set"),
        ({"option_sets": {"rating": {"9": "x"}}}, "unknown values"),
    ],
)
def test_translations_must_match_the_definition(variant, message):
    broken = copy.deepcopy(HOLISTIC)
    broken["translations"]["xx"] = variant
    with pytest.raises(engine.DefinitionError, match=message):
        engine.check_definition(broken)


def test_a_spanish_speaker_gets_the_spanish_variant(world, instruments):
    client_ = world.north.client
    client_.primary_language = "Spanish"
    client_.save()
    response = services.assessment_start(
        actor=world.north.case_manager, person=client_, instrument_code="casebridge_holistic"
    )
    assert response.language == "es"
    phq = services.assessment_start(
        actor=world.north.case_manager, person=client_, instrument_code="phq9"
    )
    assert phq.language == "en"  # no bundled Spanish PHQ-9: the interpreter notice shows
    with pytest.raises(ValidationError):
        services.assessment_start(
            actor=world.north.case_manager, person=client_, instrument_code="phq9", language="es"
        )


def test_the_form_renders_and_switches_language_keeping_answers(world, instruments, client):
    response = services.assessment_start(
        actor=world.north.case_manager,
        person=world.north.client,
        instrument_code="casebridge_holistic",
    )
    services.assessment_save(
        actor=world.north.case_manager, response=response, answers={"housing": 3}
    )
    client.force_login(world.north.case_manager)
    url = f"/assessments/{response.pk}/"
    assert "Housing: how are things right now?" in client.get(url).content.decode()
    client.post(url, {"action": "language", "language": "es"})
    body = client.get(url).content.decode()
    assert 'lang="es"' in body and "Vivienda: ¿cómo van las cosas ahora mismo?" in body
    response.refresh_from_db()
    assert response.language == "es" and response.answers == {"housing": 3}
    client.post(url, {"action": "submit", **{k: 3 for k in engine.LIFE_DOMAINS[:14]}})
    response.refresh_from_db()
    assert response.status == "submitted" and response.scores["housing"] == 3
    client.post(url, {"action": "language", "language": "en"})
    response.refresh_from_db()
    assert response.language == "es"  # a submitted response keeps the language it was given in

import json

import pytest

from casebridge.accounts.models import Role
from casebridge.assessments import fhir, services
from casebridge.assessments.models import Instrument


@pytest.fixture
def instruments(db):
    return {i.code: i for i, _ in services.instruments_load_bundled()}


def test_questionnaire_export_round_trips_items_options_and_skip_logic(instruments):
    resource = fhir.questionnaire(instruments["audit_c"])
    assert resource["resourceType"] == "Questionnaire" and resource["status"] == "active"
    assert resource["code"] == [{"system": "http://loinc.org", "code": "72109-2"}]
    q2 = resource["item"][1]
    assert q2["enableWhen"] == [{"question": "q1", "operator": ">", "answerInteger": 0}]
    assert [o["valueCoding"]["display"] for o in q2["answerOption"]][0] == "1 or 2"
    back = fhir.definition_from_questionnaire(resource)
    original = instruments["audit_c"].definition
    assert [i["id"] for i in back["items"]] == [i["id"] for i in original["items"]]
    assert back["items"][1]["show_if"] == {"item": "q1", "op": ">", "value": 0}
    assert back["items"][0]["options"] == original["items"][0]["options"]


def test_multi_select_exports_as_repeating_choice(instruments):
    resource = fhir.questionnaire(instruments["ahc_hrsn"])
    problems = next(i for i in resource["item"] if i["linkId"] == "problems")
    assert problems["repeats"] is True


def test_questionnaire_response_export(world, instruments):
    cm = world.north.case_manager
    response = services.assessment_start(
        actor=cm, person=world.north.client, instrument_code="phq2"
    )
    services.assessment_save(actor=cm, response=response, answers={"q1": 1, "q2": 3}, submit=True)
    resource = fhir.questionnaire_response(response)
    assert resource["status"] == "completed"
    assert resource["questionnaire"].endswith("phq2|1")
    assert resource["item"][1]["answer"][0]["valueCoding"]["display"] == "Nearly every day"


def test_api_start_answer_submit_and_fhir(world, client, instruments):
    client.force_login(world.north.case_manager)
    started = client.post(
        "/api/assessments",
        json.dumps({"person_id": str(world.north.client.pk), "instrument": "gad7"}),
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    response_id = started.json()["id"]
    url = f"/api/assessments/{response_id}/answers"
    bad = client.put(
        url, json.dumps({"answers": {"q1": 9}, "submit": True}), content_type="application/json"
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert "body.answers.q1" in fields and "body.answers.q2" in fields
    good = client.put(
        url,
        json.dumps({"answers": {f"q{i}": 2 for i in range(1, 8)}, "submit": True}),
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["scores"] == {"total": 14}
    assert (
        client.put(url, json.dumps({"answers": {}}), content_type="application/json").status_code
        == 422
    )
    assert (
        client.get(f"/api/assessments/{response_id}/questionnaire-response").json()["status"]
        == "completed"
    )
    assert client.get("/api/instruments/phq9/questionnaire").json()["title"].startswith("PHQ-9")
    client.force_login(world.south.case_manager)
    assert client.get(f"/api/assessments/{response_id}").status_code == 404


def test_only_admins_import_questionnaires(world, client, instruments):
    resource = fhir.questionnaire(instruments["phq2"])
    resource["url"] = "urn:example:my-screen"
    resource["version"] = "3"
    client.force_login(world.north.case_manager)
    assert (
        client.post(
            "/api/instruments/questionnaire", json.dumps(resource), content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    created = client.post(
        "/api/instruments/questionnaire", json.dumps(resource), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert Instrument.objects.get(code="my-screen").version == "3"


def test_questionnaire_path_code_must_be_a_slug(instruments, world, client):
    """Found by the API fuzzer: a NUL byte in ``{code}`` reached PostgreSQL (a 500)."""
    client.force_login(world.north.case_manager)
    assert client.get("/api/instruments/phq2/questionnaire").status_code == 200
    response = client.get("/api/instruments/phq2%00/questionnaire")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["path.code"]

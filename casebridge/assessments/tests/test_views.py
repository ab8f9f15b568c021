import pytest

from casebridge.assessments import services
from casebridge.assessments.models import AssessmentResponse, ResponseStatus


@pytest.fixture
def instruments(db):
    services.instruments_load_bundled()


def test_fill_in_save_draft_then_submit_through_the_pages(world, client, instruments):
    client.force_login(world.north.case_manager)
    person = world.north.client
    response = client.post(f"/assessments/person/{person.pk}/start/", {"instrument": "phq9"})
    assert response.status_code == 302
    draft = AssessmentResponse.objects.get()
    url = f"/assessments/{draft.pk}/"
    page = client.get(url).content.decode()
    assert "Little interest or pleasure in doing things" in page and "Nearly every day" in page

    assert client.post(url, {"q1": "2", "action": "save"}).status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"q1": 2} and draft.status == ResponseStatus.DRAFT

    incomplete = client.post(url, {"q1": "2", "q2": "1", "action": "submit"})
    body = incomplete.content.decode()
    assert incomplete.status_code == 200 and "This question needs an answer." in body
    assert 'value="1" checked' in body  # what was chosen is kept
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.DRAFT and draft.answers == {"q1": 2}

    answers = {f"q{i}": "1" for i in range(1, 10)} | {"difficulty": "1", "action": "submit"}
    assert client.post(url, answers).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.SUBMITTED and draft.scores == {"total": 9}
    result = client.get(url).content.decode()
    assert "Mild" in result and "Thoughts of death or self-harm" in result

    history = client.get(f"/assessments/person/{person.pk}/").content.decode()
    assert "PHQ-9" in history and "<svg" in history


def test_holistic_profile_and_needs_show_on_the_history_page(world, client, instruments):
    client.force_login(world.north.case_manager)
    person = world.north.client
    client.post(f"/assessments/person/{person.pk}/start/", {"instrument": "casebridge_holistic"})
    draft = AssessmentResponse.objects.get()
    data = {domain: "4" for domain in [s["id"] for s in draft.instrument.definition["scores"]]}
    data.update(
        {
            "housing": "1",
            "housing_strengths": "Sister lets me stay",
            "priorities": ["housing"],
            "action": "submit",
        }
    )
    assert client.post(f"/assessments/{draft.pk}/", data).status_code == 302
    page = client.get(f"/assessments/person/{person.pk}/").content.decode()
    assert "Housing (rated in crisis or vulnerable)" in page
    assert "1 / 5" in page


def test_other_agency_cannot_open_or_start(world, client, instruments):
    cm = world.north.case_manager
    response = services.assessment_start(
        actor=cm, person=world.north.client, instrument_code="phq2"
    )
    client.force_login(world.south.case_manager)
    assert client.get(f"/assessments/{response.pk}/").status_code == 404
    assert (
        client.post(
            f"/assessments/person/{world.north.client.pk}/start/", {"instrument": "phq2"}
        ).status_code
        == 404
    )

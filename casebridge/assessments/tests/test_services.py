import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casebridge.accounts.models import Role
from casebridge.assessments import services
from casebridge.assessments.models import AssessmentResponse, Instrument, Need, ResponseStatus
from casebridge.core.models import AuditEvent


@pytest.fixture
def instruments(db):
    return {i.code: i for i, _ in services.instruments_load_bundled()}


def test_loading_twice_changes_nothing(instruments):
    assert Instrument.objects.count() == 7
    again = services.instruments_load_bundled()
    assert not any(created for _, created in again)
    assert Instrument.objects.count() == 7


def test_a_new_version_keeps_old_responses_intact(world, instruments):
    cm = world.north.case_manager
    old = services.assessment_start(actor=cm, person=world.north.client, instrument_code="phq2")
    services.assessment_save(actor=cm, response=old, answers={"q1": 2, "q2": 2}, submit=True)
    changed = copy.deepcopy(instruments["phq2"].definition)
    changed["version"] = "2"
    changed["items"][0]["text"] = "Little interest or pleasure in things (reworded)"
    new, created = services.instrument_load(definition=changed)
    assert created and new.is_current
    old.refresh_from_db()
    assert old.instrument.version == "1" and not old.instrument.is_current
    assert (
        old.instrument.definition["items"][0]["text"]
        == "Little interest or pleasure in doing things"
    )
    assert old.scores == {"total": 4}
    fresh = services.assessment_start(actor=cm, person=world.north.client, instrument_code="phq2")
    assert fresh.instrument == new


def test_same_version_with_different_content_is_refused(instruments):
    changed = copy.deepcopy(instruments["gad7"].definition)
    changed["title"] = "Something else"
    with pytest.raises(ValidationError, match="new version"):
        services.instrument_load(definition=changed)


def test_submit_scores_records_needs_and_flags(world, instruments):
    cm = world.north.case_manager
    response = services.assessment_start(
        actor=cm, person=world.north.client, instrument_code="phq9"
    )
    answers = {f"q{i}": 2 for i in range(1, 9)} | {"q9": 1, "difficulty": 2}
    services.assessment_save(actor=cm, response=response, answers=answers, submit=True)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.scores == {"total": 17}
    assert response.bands["total"]["label"] == "Moderately severe"
    assert [f["id"] for f in response.flags] == ["suicide_risk"]
    need = Need.objects.get(person=world.north.client)
    assert need.domain == "mental_health" and need.source == response
    # A second positive screen does not duplicate an open need in the same domain.
    second = services.assessment_start(actor=cm, person=world.north.client, instrument_code="gad7")
    services.assessment_save(
        actor=cm, response=second, answers={f"q{i}": 3 for i in range(1, 8)}, submit=True
    )
    assert Need.objects.filter(person=world.north.client).count() == 1


def test_drafts_may_be_incomplete_but_submission_is_checked_item_by_item(world, instruments):
    cm = world.north.case_manager
    response = services.assessment_start(
        actor=cm, person=world.north.client, instrument_code="gad7"
    )
    services.assessment_save(actor=cm, response=response, answers={"q1": 1})
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.assessment_save(
            actor=cm, response=response, answers={"q1": 1, "q2": 9}, submit=True
        )
    errors = excinfo.value.message_dict
    assert "answers.q2" in errors and "answers.q3" in errors and "answers.q1" not in errors
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT and response.answers == {"q1": 1}
    assert AuditEvent.objects.count() == before


def test_submitted_assessments_never_change(world, instruments):
    cm = world.north.case_manager
    response = services.assessment_start(
        actor=cm, person=world.north.client, instrument_code="phq2"
    )
    services.assessment_save(actor=cm, response=response, answers={"q1": 0, "q2": 0}, submit=True)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.assessment_save(actor=cm, response=response, answers={"q1": 3, "q2": 3})


def test_other_agencies_and_non_clinical_roles_cannot_assess_or_see(world, instruments):
    cm = world.north.case_manager
    response = services.assessment_start(
        actor=cm, person=world.north.client, instrument_code="phq2"
    )
    for user in [
        *world.south.users.values(),
        world.north.users[Role.DATA_ANALYST],
        world.north.users[Role.INTAKE_WORKER],
    ]:
        assert not AssessmentResponse.objects.visible_to(user).filter(pk=response.pk).exists()
        with pytest.raises(PermissionDenied):
            services.assessment_start(actor=user, person=world.north.client, instrument_code="phq2")
    assert (
        AssessmentResponse.objects.visible_to(world.north.users[Role.SUPERVISOR])
        .filter(pk=response.pk)
        .exists()
    )

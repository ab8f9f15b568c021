import pytest

from casebridge.accounts.models import Role
from casebridge.core.models import AuditEvent
from casebridge.plans.models import CarePlan, Goal, GoalStatus, PlanStatus
from casebridge.plans.tests.conftest import signature_png


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def api(client, world):
    client.force_login(world.north.case_manager)
    return client


def _create(api, world, needs):
    response = _post(
        api,
        f"/api/persons/{world.north.client.pk}/plans",
        {
            "enrollment_id": str(world.north.enrollment.pk),
            "need_ids": [str(n.pk) for n in needs],
            "summary": "A home of my own",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_build_a_plan_over_the_api(api, world, needs):
    plan = _create(api, world, needs)
    assert plan["status"] == "draft" and len(plan["goals"]) == 2
    goal_id = plan["goals"][0]["id"]
    response = _post(
        api,
        f"/api/plans/{plan['id']}/goals",
        {"domain": "food", "statement": "I want to cook for my kids", "priority": "low"},
    )
    assert response.status_code == 201, response.content
    response = _post(
        api,
        f"/api/plans/{plan['id']}/steps",
        {"goal_id": goal_id, "action": "Visit the food bank", "performer": "person"},
    )
    assert response.status_code == 201, response.content
    response = api.patch(
        f"/api/goals/{goal_id}",
        {"statement": "I want my own flat by summer"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["statement"].startswith("I want my")
    response = _post(api, f"/api/plans/{plan['id']}/transitions", {"to_status": "active"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    response = _post(
        api, f"/api/goals/{goal_id}/progress", {"achievement": "improving", "value": "1"}
    )
    assert response.status_code == 201, response.content
    detail = api.get(f"/api/plans/{plan['id']}").json()
    goal = next(g for g in detail["goals"] if g["id"] == goal_id)
    assert goal["achievement"] == "improving" and len(goal["steps"]) == 1
    assert [p["value"] for p in goal["progress"]] == ["1"]
    listing = api.get(f"/api/persons/{world.north.client.pk}/plans").json()
    assert [p["id"] for p in listing] == [plan["id"]]

    response = _post(api, f"/api/plans/{plan['id']}/versions", {})
    assert response.status_code == 201 and response.json()["version"] == 2


def test_signed_plan_answers_409(api, world, needs):
    plan = _create(api, world, needs)
    goal_id = plan["goals"][0]["id"]
    response = _post(
        api,
        f"/api/plans/{plan['id']}/agreement",
        {"method": "signature", "signer_name": "Ana", "signature": signature_png()},
    )
    assert response.status_code == 201, response.content
    assert response.json()["has_signature"] is True
    response = api.patch(
        f"/api/goals/{goal_id}", {"statement": "changed"}, content_type="application/json"
    )
    assert response.status_code == 409
    response = _post(api, f"/api/plans/{plan['id']}/goals", {"domain": "food", "statement": "x"})
    assert response.status_code == 409
    response = _post(
        api,
        f"/api/plans/{plan['id']}/agreement",
        {"method": "verbal", "signer_name": "Ana", "witness_name": "W"},
    )
    assert response.status_code == 409
    assert Goal.objects.get(pk=goal_id).statement == "No stable housing"


def test_transition_errors_and_bad_input(api, world, needs):
    plan = _create(api, world, needs)
    response = _post(api, f"/api/plans/{plan['id']}/transitions", {"to_status": "completed"})
    assert response.status_code == 409 and "draft" in response.json()["detail"]
    response = _post(api, f"/api/plans/{plan['id']}/goals", {"domain": "moon", "statement": ""})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.domain", "body.statement"} <= fields
    response = _post(
        api, f"/api/plans/{plan['id']}/agreement", {"method": "verbal", "signer_name": "Ana"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.witness_name"
    response = _post(api, f"/api/persons/{world.north.client.pk}/plans", {"x": 1})
    assert response.status_code == 422
    goal_id = plan["goals"][0]["id"]
    response = _post(api, f"/api/goals/{goal_id}/transitions", {"to_status": "achieved"})
    assert response.status_code == 409
    assert Goal.objects.get(pk=goal_id).status == GoalStatus.PROPOSED
    # a second plan for the same enrollment is a conflict
    response = _post(
        api,
        f"/api/persons/{world.north.client.pk}/plans",
        {"enrollment_id": str(world.north.enrollment.pk)},
    )
    assert response.status_code == 409
    assert CarePlan.objects.filter(status=PlanStatus.DRAFT).count() == 1


def test_other_agencies_and_intake_get_404(client, world, needs):
    client.force_login(world.north.case_manager)
    plan = _create(client, world, needs)
    for user in (world.south.case_manager, world.north.users[Role.INTAKE_WORKER]):
        client.force_login(user)
        assert client.get(f"/api/plans/{plan['id']}").status_code == 404
        response = _post(client, f"/api/plans/{plan['id']}/transitions", {"to_status": "active"})
        assert response.status_code == 404
    assert CarePlan.objects.get(pk=plan["id"]).status == PlanStatus.DRAFT
    assert not AuditEvent.objects.filter(
        actor=world.south.case_manager, object_type__startswith="plans."
    ).exists()

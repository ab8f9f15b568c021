import json

from casebridge.accounts.models import Role
from casebridge.accounts.services import api_token_create
from casebridge.intake.models import Referral, ReferralStatus


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_hospital_feed_posts_a_referral_and_retries_safely(world, client):
    intake = world.north.users[Role.INTAKE_WORKER]
    _, secret = api_token_create(actor=intake, user=intake, name="hospital feed")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_IDEMPOTENCY_KEY": "adt-778812"}
    body = {
        "first_name": "Kai",
        "last_name": "Nakamura",
        "source_type": "hospital",
        "program_id": str(world.north.program.pk),
        "reason": "Frequent ED use",
        "urgency": "urgent",
        "facts": {"ed_visits_6m": 4, "homeless": True},
    }
    first = _post(client, "/api/referrals", body, **auth)
    assert first.status_code == 201, first.content
    again = _post(client, "/api/referrals", body, **auth)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1
    data = first.json()
    assert data["channel"] == "api" and data["facts"] == {"ed_visits_6m": 4, "homeless": True}

    referral_id = data["id"]
    url = f"/api/referrals/{referral_id}/transitions"
    assert _post(client, url, {"to_status": "accepted"}, **auth).status_code == 409
    assert _post(client, url, {"to_status": "screening"}, **auth).json()["status"] == "screening"
    response = _post(
        client,
        url,
        {"to_status": "accepted", "primary_case_manager_id": str(world.north.case_manager.pk)},
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReferralStatus.ACCEPTED and response.json()["enrollment_id"]


def test_api_referral_validation_names_fields(world, client):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    response = _post(
        client,
        "/api/referrals",
        {
            "first_name": "A",
            "last_name": "B",
            "source_type": "aliens",
            "reason": "x",
            "facts": {"shoe_size": 9},
        },
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.source_type", "body.facts.shoe_size"} <= fields
    response = _post(
        client,
        "/api/referrals",
        {
            "first_name": "A",
            "last_name": "B",
            "source_type": "self",
            "reason": "x",
            "email": "not-an-email",
        },
    )
    assert response.status_code == 422
    assert "body.email" in {e["field"] for e in response.json()["errors"]}
    assert not Referral.objects.exists()


def test_other_agency_cannot_read_or_move_a_referral(world, client):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    referral_id = _post(
        client,
        "/api/referrals",
        {"first_name": "A", "last_name": "B", "source_type": "self", "reason": "x"},
    ).json()["id"]
    client.force_login(world.south.users[Role.INTAKE_WORKER])
    assert client.get(f"/api/referrals/{referral_id}").status_code == 404
    assert (
        _post(
            client, f"/api/referrals/{referral_id}/transitions", {"to_status": "withdrawn"}
        ).status_code
        == 404
    )
    assert client.get("/api/referrals").json()["count"] == 0

import json
from datetime import timedelta

from casebridge.accounts.services import api_token_create, api_token_revoke
from casebridge.core import clock
from casebridge.core.models import AuditEvent
from casebridge.people.models import Person


def _auth(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_openapi_schema_lists_the_operations(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/persons", "/api/persons/{person_id}", "/api/enrollments", "/api/programs"} <= set(
        schema["paths"]
    )
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_token_client_creates_reads_and_patches_a_person(world, client):
    cm = world.north.case_manager
    _, secret = api_token_create(actor=cm, user=cm, name="test")
    body = {
        "legal_first_name": "Saoirse",
        "legal_last_name": "Ó Súilleabháin",
        "ssn": "123-45-0001",
        "date_of_birth": "1985-07-09",
        "pronouns": "she/her",
    }
    response = client.post(
        "/api/persons", json.dumps(body), content_type="application/json", **_auth(secret)
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["ssn_masked"].endswith("0001") and "ssn" not in created
    person_id = created["id"]
    assert (
        AuditEvent.objects.filter(object_id=person_id, action="create", source="api").count() == 1
    )

    response = client.patch(
        f"/api/persons/{person_id}",
        json.dumps({"preferred_name": "Sersh"}),
        content_type="application/json",
        **_auth(secret),
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Sersh Ó Súilleabháin"

    response = client.post(
        "/api/persons/search",
        json.dumps({"q": "suilleabhain"}),
        content_type="application/json",
        **_auth(secret),
    )
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1 and page["items"][0]["id"] == person_id


def test_pagination_is_bounded(world, client):
    client.force_login(world.north.users["agency_admin"])
    assert client.get("/api/persons?limit=1000").status_code == 422
    page = client.get("/api/persons?limit=1&offset=0").json()
    assert page["limit"] == 1 and len(page["items"]) == 1


def test_revoked_and_expired_tokens_are_refused(world, client):
    cm = world.north.case_manager
    token, secret = api_token_create(actor=cm, user=cm, name="revoked")
    assert client.get("/api/persons", **_auth(secret)).status_code == 200
    api_token_revoke(actor=cm, token=token)
    assert client.get("/api/persons", **_auth(secret)).status_code == 401

    token, secret = api_token_create(actor=cm, user=cm, name="expired", days_valid=1)
    type(token).objects.filter(pk=token.pk).update(expires_at=clock.now() - timedelta(seconds=1))
    assert client.get("/api/persons", **_auth(secret)).status_code == 401
    assert client.get("/api/persons", **_auth("cb_made-up")).status_code == 401
    assert client.get("/api/persons").status_code == 401


def test_session_api_writes_need_csrf(world):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.north.case_manager)
    before = Person.objects.count()
    response = csrf_client.post(
        "/api/persons",
        json.dumps({"legal_first_name": "A", "legal_last_name": "B"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Person.objects.count() == before


def test_enrollment_lifecycle_over_the_api(world, client):
    cm = world.north.case_manager
    client.force_login(cm)
    person_id = client.post(
        "/api/persons",
        json.dumps({"legal_first_name": "Tomás", "legal_last_name": "Ruiz"}),
        content_type="application/json",
    ).json()["id"]
    response = client.post(
        "/api/enrollments",
        json.dumps(
            {
                "person_id": person_id,
                "program_id": str(world.north.program.pk),
                "primary_case_manager_id": str(cm.pk),
                "intensity_tier": "high",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    enrollment_id = response.json()["id"]
    assert response.json()["status"] == "pending"

    def move(**body):
        return client.post(
            f"/api/enrollments/{enrollment_id}/transitions",
            json.dumps(body),
            content_type="application/json",
        )

    assert move(to_status="on_hold", reason="x").status_code == 409
    assert move(to_status="active").json()["status"] == "active"
    assert move(to_status="on_hold", reason="In hospital").json()["status"] == "on_hold"
    assert move(to_status="active").json()["status"] == "active"
    response = move(to_status="discharged", discharge_reason="goals_met", destination=410)
    assert response.status_code == 422  # no transition plan yet: the missing items are listed
    assert {e["field"] for e in response.json()["errors"]} >= {"body.summary"}
    response = move(
        to_status="discharged",
        discharge_reason="goals_met",
        destination=410,
        aftercare="Clinic",
        who_to_call="Clinic 555-0199",
        summary="Goals met.",
    )
    assert response.status_code == 200 and response.json()["status"] == "discharged"
    response = move(to_status="active")
    assert response.status_code == 409
    assert "discharged" in response.json()["detail"]


def test_patch_refuses_null_for_text_fields_naming_the_field(world, client):
    """Found by the API fuzzer: ``{"address_line1": null}`` reached the NOT NULL column (a 500).
    Text is cleared with ""; null stays allowed where the field is nullable (date of birth)."""
    cm = world.north.case_manager
    _, secret = api_token_create(actor=cm, user=cm, name="test")
    url = f"/api/persons/{world.north.client.pk}"

    def patch(body):
        return client.patch(url, json.dumps(body), content_type="application/json", **_auth(secret))

    for field in ("legal_middle_name", "address_line1", "ssn", "strengths"):
        response = patch({field: None})
        assert response.status_code == 422, field
        assert [e["field"] for e in response.json()["errors"]] == [f"body.{field}"]
    assert patch({"address_line1": ""}).status_code == 200
    response = patch({"date_of_birth": None})
    assert response.status_code == 200 and response.json()["date_of_birth"] is None

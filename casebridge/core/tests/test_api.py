"""The shared API plumbing: request bodies, pagination bounds and the documented error answers."""

import json

import pytest

from casebridge.accounts.services import api_token_create
from casebridge.people.models import Person


@pytest.fixture
def auth(world):
    cm = world.north.case_manager
    _, secret = api_token_create(actor=cm, user=cm, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


PERSON = {"legal_first_name": "Amara", "legal_last_name": "Okafor"}


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("text/plain", json.dumps(PERSON)),
        ("application/x-www-form-urlencoded", "legal_first_name=Amara&legal_last_name=Okafor"),
        ("application/xml", "<person><legal_first_name>Amara</legal_first_name></person>"),
    ],
)
def test_a_body_that_is_not_json_is_refused_with_415_naming_the_content_type(
    world, client, auth, content_type, body
):
    before = Person.objects.count()
    response = client.post("/api/persons", body, content_type=content_type, **auth)
    assert response.status_code == 415
    error = response.json()
    assert content_type in error["detail"] and "application/json" in error["detail"]
    assert error["errors"][0]["field"] == "body"
    assert Person.objects.count() == before


@pytest.mark.parametrize("body", [b"\x00", b"\x89PNG\r\n\x1a\n", b'{"legal_first_name": "A",'])
def test_malformed_json_is_refused_with_400_naming_the_body(world, client, auth, body):
    response = client.post("/api/persons", body, content_type="application/json", **auth)
    assert response.status_code == 400
    error = response.json()
    assert error["detail"].startswith("The request body is not valid JSON")
    assert error["errors"] == [{"field": "body", "message": error["detail"]}]


def test_json_with_a_charset_or_a_json_suffix_is_accepted(world, client, auth):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post(
            "/api/persons", json.dumps(PERSON), content_type=content_type, **auth
        )
        assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "path", ["/api/persons", "/api/programs", "/api/persons/{person_id}/contacts", "/api/tasks"]
)
def test_an_offset_beyond_any_database_integer_is_a_422_not_a_500(world, client, auth, path):
    """Found by the API fuzzer: ``offset=10**33`` overflowed SQLite/PostgreSQL LIMIT/OFFSET."""
    path = path.format(person_id=world.north.client.pk)
    response = client.get(f"{path}?offset={10**33}", **auth)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.offset"]
    assert client.get(f"{path}?offset={2**31 - 1}", **auth).json()["items"] == []


def test_every_operation_documents_the_shared_error_answers(client):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert "401" in documented, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in documented, (method, path)
            if operation.get("requestBody"):
                assert {"400", "415"} <= documented, (method, path)


@pytest.mark.parametrize(
    "body,field",
    [
        ({**PERSON, "legal_first_name": "Am\u0000ara"}, "body.legal_first_name"),
        ({**PERSON, "strengths": "Cooks \ud83d well"}, "body.strengths"),
    ],
)
def test_text_no_database_can_store_is_a_422_naming_the_field(world, client, auth, body, field):
    """Found by the API fuzzer: NUL made PostgreSQL fail and a lone surrogate failed to encode."""
    response = client.post(
        "/api/persons", json.dumps(body), content_type="application/json", **auth
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_nested_body_text_and_query_text_are_checked_too(world, client, auth):
    url = f"/api/persons/{world.north.client.pk}/safety-plan"
    body = {"sections": {"warning_signs": "x\u0000"}}
    response = client.put(url, json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.sections.warning_signs"
    response = client.get("/api/persons?q=a%00b", **auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.q"

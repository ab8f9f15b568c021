"""Bad input gets a clear error next to what caused it, keeps what was typed, saves nothing."""

import json

import pytest

from casebridge.core.models import AuditEvent
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.models import Person

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEXT_FIELDS = [
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "gender_identity",
    "pronouns",
    "primary_language",
    "other_languages",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "strengths",
]


def _counts():
    return Person.objects.count(), Enrollment.objects.count(), AuditEvent.objects.count()


def _person_form(**overrides):
    data = {
        "legal_first_name": "Amara",
        "legal_last_name": "Okafor",
        "dob_data_quality": "1",
        "sex": "99",
        "ssn_data_quality": "99",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("date_of_birth", "2026-02-30", "Enter a valid date"),
        ("date_of_birth", "yesterday", "Enter a valid date"),
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("legal_first_name", "x" * 10_240, "at most 100 characters"),
        ("sex", "7", "Select a valid choice"),
        ("email", "someone@", "valid email"),
        ("phone", "call me maybe", "phone number"),
    ],
)
def test_person_form_shows_the_error_by_the_field_and_keeps_typed_values(
    world, client, field, value, message
):
    client.force_login(world.north.case_manager)
    before = _counts()
    response = client.post("/people/new/", _person_form(**{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_error"' in body, "the error is tied to its field"
    assert 'value="Okafor"' in body, "the other typed values are kept"
    if field not in ("sex",):
        assert f'value="{value}"' in body, "the offending value is kept to be corrected"
    assert _counts() == before


def test_markup_in_every_text_field_is_rendered_inert(world, client):
    client.force_login(world.north.case_manager)
    data = _person_form(**{name: SCRIPT if i % 2 else IMG for i, name in enumerate(TEXT_FIELDS)})
    data["legal_first_name"] = "Ada" + SCRIPT
    data["postal_code"] = "<b>1</b>"
    data["pronouns"] = SCRIPT
    data["confirm_new"] = "on"
    response = client.post("/people/new/", data)
    assert response.status_code == 302, response.content[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    listing = client.post("/people/", {"q": "ada"}).content.decode()
    assert "<script>alert(1)" not in listing


def _api(client, method, url, body, raw=False):
    payload = body if raw else json.dumps(body)
    return getattr(client, method)(url, payload, content_type="application/json")


@pytest.mark.parametrize(
    "body,field",
    [
        (
            {"legal_first_name": "A", "legal_last_name": "B", "date_of_birth": "2026-02-30"},
            "body.date_of_birth",
        ),
        (
            {"legal_first_name": "A", "legal_last_name": "B", "date_of_birth": "2999-01-01"},
            "body.date_of_birth",
        ),
        ({"legal_first_name": "x" * 10_240, "legal_last_name": "B"}, "body.legal_first_name"),
        ({"legal_first_name": "A", "legal_last_name": "B", "sex": 7}, "body.sex"),
        (
            {"legal_first_name": "A", "legal_last_name": "B", "favourite_colour": "blue"},
            "body.favourite_colour",
        ),
        ({"legal_last_name": "B"}, "body.legal_first_name"),
        ({"legal_first_name": "A", "legal_last_name": "B", "email": "nope"}, "body.email"),
    ],
)
def test_api_person_errors_name_the_field(world, client, body, field):
    client.force_login(world.north.case_manager)
    before = _counts()
    response = _api(client, "post", "/api/persons", body)
    assert response.status_code == 422, response.content
    payload = response.json()
    assert payload["detail"]
    assert field in [error["field"] for error in payload["errors"]], payload
    assert all(error["message"] for error in payload["errors"])
    assert _counts() == before


@pytest.mark.parametrize("raw", ['{"legal_first_name": ', "not json at all", "[1, 2, 3]"])
def test_api_malformed_json_is_a_clear_400_or_422(world, client, raw):
    client.force_login(world.north.case_manager)
    before = _counts()
    response = _api(client, "post", "/api/persons", raw, raw=True)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert _counts() == before


def test_api_unknown_enum_values_for_enrollments(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    before = _counts()
    response = _api(
        client,
        "post",
        "/api/enrollments",
        {
            "person_id": str(world.north.client.pk),
            "program_id": str(world.north.other_program.pk),
            "intensity_tier": "extreme",
        },
    )
    assert response.status_code == 422
    assert "body.intensity_tier" in [e["field"] for e in response.json()["errors"]]
    response = _api(
        client, "post", f"/api/enrollments/{enrollment.pk}/transitions", {"to_status": "flying"}
    )
    assert response.status_code == 422
    assert "body.to_status" in [e["field"] for e in response.json()["errors"]]
    response = _api(
        client,
        "post",
        f"/api/enrollments/{enrollment.pk}/transitions",
        {"to_status": "discharged", "discharge_reason": "goals_met"},
    )
    assert response.status_code == 422
    assert "body.destination" in [e["field"] for e in response.json()["errors"]]
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert _counts() == before


def test_patch_with_bad_value_changes_nothing(world, client):
    client.force_login(world.north.case_manager)
    p = world.north.client
    response = _api(
        client,
        "patch",
        f"/api/persons/{p.pk}",
        {"phone": "555-0111", "date_of_birth": "2999-12-31"},
    )
    assert response.status_code == 422
    p.refresh_from_db()
    assert p.phone == "555-0100"

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from casebridge.people import selectors, services
from casebridge.people.models import Person
from tests.factories import person


def test_identifiers_are_encrypted_at_rest_and_shown_masked(world):
    p = services.person_create(
        actor=world.north.case_manager,
        legal_first_name="Rosa",
        legal_last_name="Lima",
        ssn="123-45-6789",
        medicaid_id="MC99887766",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ssn, medicaid_id FROM {Person._meta.db_table} WHERE id = %s",
            [p.pk.hex if connection.vendor == "sqlite" else p.pk],
        )
        raw_ssn, raw_medicaid = cursor.fetchone()
    assert "6789" not in raw_ssn and "12345" not in raw_ssn.replace("-", "")
    assert "887766" not in raw_medicaid
    fresh = Person.objects.get(pk=p.pk)
    assert fresh.ssn == "123-45-6789"
    assert fresh.ssn_masked.endswith("6789") and "123" not in fresh.ssn_masked
    assert fresh.medicaid_id_masked.endswith("7766")


def test_search_is_accent_and_case_insensitive(world):
    admin = world.north.users["agency_admin"]
    person(world.north.agency, legal_first_name="José", legal_last_name="Núñez-O'Connor")
    names = [p.legal_first_name for p in selectors.person_search(user=admin, query="jose nunez")]
    assert names == ["José"]
    assert [p.legal_first_name for p in selectors.person_search(user=admin, query="o'connor")] == [
        "José"
    ]


def test_possible_duplicates_by_name_and_birth_date_or_ssn(world):
    admin = world.north.users["agency_admin"]
    existing = person(
        world.north.agency,
        legal_first_name="Mei",
        legal_last_name="Chen",
        date_of_birth=datetime.date(1990, 3, 4),
    )
    matches = selectors.possible_duplicates(
        user=admin, first_name="May", last_name="chen", date_of_birth=datetime.date(1990, 3, 4)
    )
    assert list(matches) == [existing]
    north_client = world.north.client
    by_ssn = selectors.possible_duplicates(
        user=admin, first_name="X", last_name="Y", ssn="123456789"
    )
    assert north_client in list(by_ssn)
    # Another agency's record never shows up as a possible duplicate.
    south_admin = world.south.users["agency_admin"]
    assert world.north.client not in list(
        selectors.possible_duplicates(
            user=south_admin, first_name="X", last_name="Y", ssn="123-45-6789"
        )
    )


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("date_of_birth", datetime.date(2999, 1, 1), "future"),
        ("date_of_birth", datetime.date(1850, 1, 1), "1900"),
        ("legal_first_name", "x" * 10_000, "at most 100"),
        ("legal_last_name", "   ", "blank"),
        ("email", "not-an-email", "valid email"),
        ("ssn", "12-34", "9 digits"),
        ("sex", 7, "valid choice"),
    ],
)
def test_invalid_person_fields_are_rejected(world, field, value, message):
    fields = {"legal_first_name": "Valid", "legal_last_name": "Name", field: value}
    before = Person.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(actor=world.north.case_manager, **fields)
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    assert Person.objects.count() == before


def test_data_analyst_cannot_record_people(world):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=world.north.users["data_analyst"], legal_first_name="A", legal_last_name="B"
        )


def test_cannot_update_a_person_of_another_agency(world):
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=world.south.users["agency_admin"], person=world.north.client, phone="555-0000"
        )
    world.north.client.refresh_from_db()
    assert world.north.client.phone == "555-0100"


def test_relationships_add_and_remove(world):
    cm = world.north.case_manager
    rel = services.relationship_add(
        actor=cm,
        person=world.north.client,
        name="Lupe",
        relationship="sister",
        is_household_member=True,
    )
    assert list(world.north.client.relationships.all()) == [rel]
    services.relationship_remove(actor=cm, relationship=rel)
    assert not world.north.client.relationships.exists()


def test_editing_through_the_form_saves_validates_and_audits(world, client):
    from casebridge.core.models import AuditEvent

    client.force_login(world.north.case_manager)
    p = world.north.client
    data = {
        "legal_first_name": "Northclient",
        "legal_last_name": "Secret",
        "dob_data_quality": "1",
        "sex": "99",
        "ssn_data_quality": "99",
        "phone": "555-0199",
        "ssn": "123-45-6789",
    }
    assert client.post(f"/people/{p.pk}/edit/", data).status_code == 302
    p.refresh_from_db()
    assert p.phone == "555-0199"
    assert AuditEvent.objects.filter(object_id=str(p.pk), action="update").count() == 1
    response = client.post(f"/people/{p.pk}/edit/", {**data, "date_of_birth": "2999-01-01"})
    assert response.status_code == 200 and b"cannot be in the future" in response.content
    p.refresh_from_db()
    assert p.date_of_birth != datetime.date(2999, 1, 1)

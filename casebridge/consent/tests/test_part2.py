"""42 CFR Part 2: a substance-use program's records stay inside the program unless the person
gave the specific consent, and they carry the redisclosure notice wherever they are shown."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.consent import services
from casebridge.contacts import services as contacts
from casebridge.core import clock

NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


@pytest.fixture
def part2(world):
    north = world.north
    north.program.is_part2 = True
    north.program.save()
    contact = contacts.contact_record(
        actor=north.case_manager,
        person=north.client,
        data={"occurred_at": timezone.now(), "contact_type": "face_to_face", "location": "office"},
        note={"note_format": "free", "sections": {"text": "Northnote: relapse prevention"}},
    )
    return {"contact": contact, "enrollment": north.enrollment}


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_only_the_programs_own_staff_see_part2_records(world, part2, client):
    contact_url = f"/contacts/{part2['contact'].pk}/"
    enrollment_url = f"/enrollments/{part2['enrollment'].pk}/"
    for role in (Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER):
        user = world.north.users[role]
        assert _status(client, user, contact_url) == 200, role
        assert _status(client, user, enrollment_url) == 200, role
    admin = world.north.users[Role.AGENCY_ADMIN]
    assert _status(client, admin, contact_url) == 404
    assert _status(client, admin, enrollment_url) == 404
    assert _status(client, admin, f"/api/contacts/{part2['contact'].pk}") == 404
    # The person is still on the agency's list; only the treatment record is segmented.
    assert _status(client, admin, f"/people/{world.north.client.pk}/") == 200
    body = client.get(f"/people/{world.north.client.pk}/").content.decode()
    assert "North ICM" not in body


def test_the_notice_goes_with_every_view_of_a_part2_record(world, part2, client):
    client.force_login(world.north.case_manager)
    assert NOTICE in client.get(f"/contacts/{part2['contact'].pk}/").content.decode()
    export = json.loads(client.get(f"/consent/person/{world.north.client.pk}/export.json").content)
    assert export["redisclosure_notice"].startswith(NOTICE)
    world.north.program.is_part2 = False
    world.north.program.save()
    assert NOTICE not in client.get(f"/contacts/{part2['contact'].pk}/").content.decode()


def _consent(world, categories):
    return services.consent_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "recipient_agency": world.south.agency,
            "purpose": "treatment",
            "valid_until": clock.today() + timedelta(days=30),
            "evidence": "verbal",
            "witness": "Sam",
        },
        categories=categories,
    )


def test_other_agencies_need_the_specific_consent(world, part2, client):
    url = f"/contacts/{part2['contact'].pk}/"
    _consent(world, ["contact_notes"])
    assert _status(client, world.south.case_manager, url) == 404
    directive = _consent(world, ["contact_notes", "substance_use"])
    assert _status(client, world.south.case_manager, url) == 200
    assert NOTICE in client.get(url).content.decode()
    services.consent_revoke(actor=world.north.case_manager, directive=directive, reason="No")
    assert _status(client, world.south.case_manager, url) == 404

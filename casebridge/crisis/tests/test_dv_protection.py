"""A DV-protected person's identity and whereabouts are hidden outside their protection circle:
on every page, list, search, API response and referral snapshot an outsider can reach."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.consent import services as consent
from casebridge.consent.models import Category
from casebridge.core import clock, identity
from casebridge.core.access import policy
from casebridge.crisis import services
from casebridge.crisis.models import PersonFlag
from casebridge.directory.tests.helpers import provider
from casebridge.enrollments.models import EnrollmentStatus
from casebridge.intake.models import Referral
from casebridge.people import services as people
from casebridge.people.models import Person, Relationship
from casebridge.referrals import services as referrals
from casebridge.referrals.models import ServiceReferral
from tests.factories import staff

# Everything that says who or where the person is; none may reach an outsider.
SECRETS = [
    "Zephyrine",
    "Marisol",
    "Mari ",
    "1984-03-09",
    "555-0147",
    "zephy@example.org",
    "Quillfeather",
    "Larkspur",
    "94939",
    "Harborview Safe House",
]


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    monkeypatch.setattr(
        "casebridge.referrals.services.transaction.on_commit", lambda func, *a, **k: func()
    )


@pytest.fixture
def protected(world):
    """The north client, with a full identity, under a DV protection set by her case manager."""
    north = world.north
    Person.objects.filter(pk=north.client.pk).update(
        legal_first_name="Marisol",
        legal_last_name="Zephyrine",
        preferred_name="Mari",
        date_of_birth=datetime.date(1984, 3, 9),
        phone="555-0147",
        email="zephy@example.org",
        address_line1="12 Quillfeather Lane",
        city="Larkspur",
        postal_code="94939",
    )
    client = Person.objects.get(pk=north.client.pk)
    client.refresh_search_key()
    client.save()
    north.client = client
    Referral.objects.create(
        agency=north.agency,
        program=north.program,
        person=client,
        first_name="Marisol",
        last_name="Zephyrine",
        phone="555-0147",
        referrer_organization="Harborview Safe House",
        source_type="shelter",
        reason="Needs a safe place",
        received_at=timezone.now(),
        status="screening",
    )
    flag = services.flag_set(
        actor=north.case_manager,
        person=client,
        kind="dv_protected",
        note="Do not disclose: Harborview Safe House",
        review_on=clock.today() + timedelta(days=90),
    )
    return flag


def _reference(world) -> str:
    return identity.reference(world.north.client.pk)


def _assert_hidden(body: str, context: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked: {context}"


def _pages(world) -> list[str]:
    pid = world.north.client.pk
    referral = Referral.objects.get(person_id=pid)
    return [
        f"/people/{pid}/",
        "/people/",
        f"/api/persons/{pid}",
        "/api/persons",
        f"/api/persons/{pid}/relationships",
        f"/intake/{referral.pk}/",
        "/intake/",
        f"/api/referrals/{referral.pk}",
        "/api/referrals",
        f"/people/{pid}/timeline/",
        f"/crisis/person/{pid}/",
        "/today/?scope=team",
        "/caseload/?scope=team",
        f"/referrals/person/{pid}/",
    ]


def _get(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def _search(client, **fields):
    """The people search of the web UI: a POST, so no name is in the URL."""
    response = client.post("/people/", fields)
    return response.status_code, response.content.decode()


def _api_search(client, **body):
    response = client.post("/api/persons/search", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _add_support(world):
    Relationship.objects.create(
        person=world.north.client,
        name="Rosa Zephyrine",
        relationship="sister",
        phone="555-0147",
    )


def test_agency_wide_staff_without_the_program_see_placeholders_only(world, protected, client):
    _add_support(world)
    ref = _reference(world)
    outsiders = [
        world.north.users[Role.INTAKE_WORKER],
        world.north.users[Role.AGENCY_ADMIN],
        staff(world.north.agency, Role.PROGRAM_MANAGER),  # agency-wide program manager
    ]
    for user in outsiders:
        client.force_login(user)
        seen = 0
        for url in _pages(world):
            status, body = _get(client, url)
            if status == 200:
                _assert_hidden(body, f"{user.username} {url}")
                seen += 1
        assert seen >= 5, user.username
        status, body = _get(client, f"/people/{world.north.client.pk}/")
        assert status == 200 and "Protected person" in body and ref in body
        assert "Protected identity." in body
        assert "Edit details" not in body


def test_search_by_name_or_birth_date_does_not_find_a_protected_person(world, protected, client):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    for query in ["zephyrine", "marisol", "mari zephyrine"]:
        status, body = _search(client, q=query)
        assert status == 200 and "Protected person" not in body, query
        _assert_hidden(body, query)
        assert _api_search(client, q=query)["count"] == 0
        assert client.get(f"/api/persons?q={query}").json()["count"] == 0  # deprecated
    status, body = _search(client, dob="1984-03-09")
    assert status == 200 and "Protected person" not in body
    assert _api_search(client, date_of_birth="1984-03-09")["count"] == 0
    assert client.get("/api/persons?date_of_birth=1984-03-09").json()["count"] == 0
    # The short reference finds them; an unfiltered list shows them, last, as a placeholder.
    found = _api_search(client, q=_reference(world))
    assert found["count"] == 1 and found["items"][0]["display_name"].startswith("Protected")
    listed = client.get("/api/persons").json()["items"]
    assert listed[-1]["id"] == str(world.north.client.pk)
    assert listed[-1]["date_of_birth"] is None and listed[-1]["phone"] == ""


def test_other_agency_staff_with_consent_see_no_identity(world, protected, client):
    consent.consent_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "recipient_agency": world.south.agency,
            "purpose": "care_coordination",
            "valid_from": clock.today(),
            "valid_until": clock.today() + timedelta(days=180),
            "evidence": "verbal",
            "witness": "Sam Witness",
        },
        categories=[Category.DEMOGRAPHICS, Category.HEALTH],
    )
    pid = world.north.client.pk
    for user in [world.south.case_manager, world.south.users[Role.INTAKE_WORKER]]:
        client.force_login(user)
        status, body = _get(client, f"/people/{pid}/")
        assert status == 200 and "Protected person" in body, user.username
        _assert_hidden(body, user.username)
        data = client.get(f"/api/persons/{pid}")
        assert data.status_code == 200
        _assert_hidden(data.content.decode(), user.username)
        assert _api_search(client, q="zephyrine")["count"] == 0
    client.force_login(world.south.case_manager)
    flags = client.get(f"/api/persons/{pid}/flags")
    assert flags.status_code == 200 and "Harborview" not in flags.content.decode()


def test_break_the_glass_neither_finds_nor_reveals_a_protected_person(world, protected, client):
    south = world.south.case_manager
    client.force_login(south)
    lookup = client.post(
        "/consent/emergency/", {"last_name": "zephyrine", "date_of_birth": "1984-03-09"}
    ).content.decode()
    assert "North Agency" not in lookup and "Protected person" not in lookup
    assert "Marisol" not in lookup and "Quillfeather" not in lookup
    consent.break_glass(
        actor=south,
        person=world.north.client,
        reason="Found unconscious at the shelter, need medication list",
    )
    client.force_login(south)
    status, body = _get(client, f"/people/{world.north.client.pk}/")
    assert status == 200 and "Protected person" in body
    _assert_hidden(body, "break the glass")


def test_provider_staff_never_get_the_identity(world, protected, client):
    harbor = provider("Harbor Housing", category="housing", staff_username="harbor_staff")
    offline = provider("Offline Shelter", email="shelter@offline.example")
    cm = world.north.case_manager
    sent = []
    for org in (harbor, offline):
        draft = referrals.referral_create(
            actor=cm,
            person=world.north.client,
            service=org["service"],
            reason="Needs housing",
            share_fields=["name", "phone", "address", "date_of_birth", "email"],
        )
        sent.append(referrals.referral_send(actor=cm, referral=draft, consent_confirmed=True))
    stored = ServiceReferral.objects.filter(pk=sent[0].pk).values_list("shared", flat=True)[0]
    assert stored["name"].startswith("Protected person") and "phone" not in stored
    client.force_login(harbor["user"])
    for url in ["/referrals/inbox/", f"/referrals/{sent[0].pk}/"]:
        status, body = _get(client, url)
        assert status == 200, url
        _assert_hidden(body, url)
    _assert_hidden(" ".join(m.body + m.subject for m in mail.outbox), "emails")


def test_a_snapshot_sent_before_the_protection_is_hidden_from_the_provider(world, client):
    harbor = provider("Harbor Housing", category="housing", staff_username="harbor_staff")
    cm = world.north.case_manager
    draft = referrals.referral_create(
        actor=cm,
        person=world.north.client,
        service=harbor["service"],
        reason="Needs housing",
        share_fields=["name", "phone"],
    )
    referral = referrals.referral_send(actor=cm, referral=draft, consent_confirmed=True)
    client.force_login(harbor["user"])
    assert "Northclient" in client.get(f"/referrals/{referral.pk}/").content.decode()
    flag = services.flag_set(
        actor=cm,
        person=world.north.client,
        kind="dv_protected",
        review_on=clock.today() + timedelta(days=30),
    )
    body = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Northclient" not in body and "555-0100" not in body and "Protected person" in body
    # The provider answering writes no placeholder back into the snapshot.
    client.post(f"/referrals/{referral.pk}/status/", {"move-to_status": "accepted"})
    referral.refresh_from_db()
    assert referral.status == "accepted" and "Northclient" in referral.shared["name"]
    services.flag_clear(actor=cm, flag=flag, reason="Moved out of state, risk over")
    assert "Northclient" in client.get(f"/referrals/{referral.pk}/").content.decode()


def test_the_circle_sees_everything(world, protected, client):
    north = world.north
    pm_of_program = north.users[Role.PROGRAM_MANAGER]
    care_team_member = north.users["other_case_manager"]
    north.enrollment.care_team.add(care_team_member)
    pid = north.client.pk
    for user in [north.case_manager, north.users[Role.SUPERVISOR], pm_of_program, care_team_member]:
        client.force_login(user)
        status, body = _get(client, f"/people/{pid}/")
        assert status == 200 and "Zephyrine" in body and "Quillfeather" in body, user.username
        assert "Protected identity." not in body
        assert "Harborview Safe House" in body  # the flag note, in the banner
        assert _api_search(client, q="zephyrine")["count"] == 1, user.username
        assert client.get(f"/api/persons/{pid}").json()["phone"] == "555-0147"


def test_who_is_in_the_circle(world, protected):
    north = world.north
    pid = north.client.pk
    hidden = {
        name: pid in policy.hidden_person_ids(type(user).objects.get(pk=user.pk))
        for name, user in {
            "cm": north.case_manager,
            "sup": north.users[Role.SUPERVISOR],
            "pm": north.users[Role.PROGRAM_MANAGER],
            "intake": north.users[Role.INTAKE_WORKER],
            "admin": north.users[Role.AGENCY_ADMIN],
            "analyst": north.users[Role.DATA_ANALYST],
            "cm2": north.users["other_case_manager"],
            "other_pm": staff(north.agency, Role.PROGRAM_MANAGER, program=north.other_program),
            "program_intake": staff(north.agency, Role.INTAKE_WORKER, program=north.program),
            "south_cm": world.south.case_manager,
        }.items()
    }
    assert hidden == {
        "cm": False,
        "sup": False,
        "pm": False,
        "intake": True,
        "admin": True,
        "analyst": True,
        "cm2": True,
        "other_pm": True,
        "program_intake": False,
        "south_cm": True,
    }
    # A discharged episode leaves the program's circle; whoever set the flag stays in it.
    north.enrollment.status = EnrollmentStatus.DISCHARGED
    north.enrollment.save()
    pm = type(north.case_manager).objects.get(pk=north.users[Role.PROGRAM_MANAGER].pk)
    assert pid in policy.hidden_person_ids(pm)
    setter = type(north.case_manager).objects.get(pk=protected.set_by_id)
    assert pid not in policy.hidden_person_ids(setter)


def test_outsiders_cannot_edit_lift_or_re_protect(world, protected, client):
    intake = world.north.users[Role.INTAKE_WORKER]
    admin = world.north.users[Role.AGENCY_ADMIN]
    client.force_login(intake)
    assert client.get(f"/people/{world.north.client.pk}/edit/").status_code == 403
    with pytest.raises(PermissionDenied):
        people.person_update(actor=intake, person=world.north.client, pronouns="she/her")
    with pytest.raises(PermissionDenied):
        services.flag_clear(actor=admin, flag=protected, reason="I want to see who this is")
    assert PersonFlag.objects.get(pk=protected.pk).status == "active"


def test_outsider_writes_never_store_placeholders(world, protected, client):
    """An intake worker moving the protected person's referral along keeps the real data."""
    referral = Referral.objects.get(person=world.north.client)
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    assert client.post(f"/intake/{referral.pk}/waitlist/").status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == "waitlisted"
    assert stored.first_name == "Marisol" and stored.referrer_organization.startswith("Harbor")
    person = Person.objects.get(pk=world.north.client.pk)
    assert person.legal_last_name == "Zephyrine" and person.search_key


def test_duplicate_check_warns_without_revealing(world, protected, client):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    response = client.post(
        "/people/new/",
        {
            "legal_first_name": "M",
            "legal_last_name": "Zephyrine",
            "date_of_birth": "1984-03-09",
            "sex": 99,
            "dob_data_quality": 1,
            "ssn_data_quality": 99,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "A protected record may match" in body
    assert _reference(world) not in body and str(world.north.client.pk) not in body
    assert Person.objects.filter(legal_first_name="M").count() == 0


def test_clearing_the_flag_restores_the_identity(world, protected, client):
    intake = world.north.users[Role.INTAKE_WORKER]
    services.flag_clear(actor=world.north.case_manager, flag=protected, reason="Risk has ended")
    client.force_login(intake)
    status, body = _get(client, f"/people/{world.north.client.pk}/")
    assert status == 200 and "Zephyrine" in body and "Protected person" not in body
    assert _api_search(client, q="zephyrine")["count"] == 1


def test_system_code_without_a_viewer_sees_real_values(world, protected):
    assert Person.objects.get(pk=world.north.client.pk).legal_last_name == "Zephyrine"
    with identity.viewing_as(None):
        assert Person.objects.get(pk=world.north.client.pk).legal_last_name.startswith("#")

import datetime
import uuid

from casebridge.accounts.models import Role
from casebridge.intake.models import Referral, ReferralStatus
from tests.factories import person


def _form(world, **overrides):
    data = {
        "first_name": "Dana",
        "last_name": "Whitehorse",
        "date_of_birth": "1979-02-03",
        "program": world.north.program.pk,
        "source_type": "hospital",
        "urgency": "urgent",
        "reason": "Discharged with no housing",
        "referrer_email": "dp@hospital.example.org",
        "consent_to_contact": "on",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def test_staff_double_submit_makes_one_referral(world, client):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    data = _form(world)
    first = client.post("/intake/new/", data)
    second = client.post("/intake/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1


def test_staff_form_errors_keep_what_was_typed(world, client):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    response = client.post("/intake/new/", _form(world, date_of_birth="2999-01-01", urgency="asap"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth cannot be in the future." in body or "Select a valid choice" in body
    assert 'value="Whitehorse"' in body
    assert not Referral.objects.exists()


def test_inbox_to_enrollment_through_the_pages(world, client):
    intake = world.north.users[Role.INTAKE_WORKER]
    client.force_login(intake)
    client.post("/intake/new/", _form(world))
    referral = Referral.objects.get()
    inbox = client.get("/intake/").content.decode()
    assert referral.reference in inbox and "referrals received" in inbox
    assert client.get(f"/intake/{referral.pk}/").status_code == 200
    client.post(f"/intake/{referral.pk}/screen/")
    client.post(
        f"/intake/{referral.pk}/screening/",
        {"homeless": "true", "ed_visits_6m": "3", "program": world.north.program.pk},
    )
    client.post(
        f"/intake/{referral.pk}/accept/", {"primary_case_manager": world.north.case_manager.pk}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.facts == {"homeless": True, "ed_visits_6m": 3}
    assert referral.enrollment.primary_case_manager == world.north.case_manager


def test_possible_match_is_offered_and_linked(world, client):
    intake = world.north.users[Role.INTAKE_WORKER]
    known = person(
        world.north.agency,
        legal_first_name="Dana",
        legal_last_name="Whitehorse",
        date_of_birth=datetime.date(1979, 2, 3),
    )
    client.force_login(intake)
    client.post("/intake/new/", _form(world))
    referral = Referral.objects.get()
    page = client.get(f"/intake/{referral.pk}/").content.decode()
    assert "This person may already be known" in page and str(known.pk) in page
    client.post(f"/intake/{referral.pk}/match/", {"person": known.pk})
    referral.refresh_from_db()
    assert referral.person == known


def test_decline_shows_reason_and_suggests_programs(world, client):
    world.north.program.eligibility_criteria = [{"fact": "age", "label": "Under 25", "max": 24}]
    world.north.program.save()
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    client.post("/intake/new/", _form(world))
    referral = Referral.objects.get()
    page = client.get(f"/intake/{referral.pk}/").content.decode()
    assert "Does not meet" in page and world.north.other_program.name in page
    client.post(f"/intake/{referral.pk}/decline/", {"reason": "not_eligible", "note": "Too old"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "not_eligible"


def test_inbox_and_waitlist_are_for_intake_roles(world, client):
    client.force_login(world.north.users[Role.DATA_ANALYST])
    assert client.get("/intake/").status_code == 403
    client.force_login(world.north.users[Role.SUPERVISOR])
    assert client.get(f"/intake/waitlist/{world.north.program.pk}/").status_code == 200
    assert client.get(f"/intake/waitlist/{world.south.program.pk}/").status_code == 404

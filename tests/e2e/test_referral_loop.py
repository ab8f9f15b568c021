"""The closed loop in a browser: a case manager refers a person to a partner service, the
provider's staff accept and complete it with an outcome, the case manager sees it completed."""

import pytest
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.directory.tests.helpers import provider
from casebridge.referrals.models import ServiceReferral
from tests.e2e.conftest import sign_in
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    ProgramFactory,
    TeamFactory,
    enroll,
    person,
    staff,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loop():
    agency = AgencyFactory(name="Riverside Community Services")
    program = ProgramFactory(agency=agency, name="Riverside ICM")
    team = TeamFactory(agency=agency, program=program, name="Outreach")
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    client = person(agency, legal_first_name="Tomasz", legal_last_name="Wójcik", created_by=cm)
    enroll(client, program, case_manager=cm, team=team)
    harbor = provider("Harbor Housing", category="housing", staff_username="harbor.staff")
    return {"client": client, "harbor": harbor}


def test_referral_closed_loop(page, loop):
    client = loop["client"]
    sign_in(page, "maria.cm", PASSWORD)
    page.goto(f"/referrals/person/{client.pk}/new/")
    page.get_by_label("Search").fill("harbor")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Choose this service").click()
    page.get_by_label("Reason for the referral").fill("Needs stable housing after shelter stay")
    page.locator("label", has_text="Name").click()
    page.locator("label", has_text="Phone").click()
    page.get_by_role("button", name="Send the referral").click()
    # Consent is required; what was typed stays.
    expect(page.locator(".usa-error-message").first).to_be_visible()
    expect(page.get_by_label("Reason for the referral")).to_have_value(
        "Needs stable housing after shelter stay"
    )
    page.locator("label", has_text="The person agreed to this referral").click()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent.")).to_be_visible()
    referral = ServiceReferral.objects.get()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "harbor.staff", PASSWORD)
    page.goto("/referrals/inbox/")
    page.get_by_role("link", name="Tomasz").click()
    expect(page.get_by_text("Needs stable housing after shelter stay")).to_be_visible()
    page.get_by_label("New status").select_option(label="Accepted")
    page.get_by_role("button", name="Update the referral").click()
    expect(page.get_by_text("Referral updated.")).to_be_visible()
    page.get_by_label("New status").select_option(label="Completed")
    page.get_by_label("Note").fill("Moved into a studio flat on Elm Street")
    page.get_by_role("button", name="Update the referral").click()
    expect(page.get_by_text("Referral updated.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "maria.cm", PASSWORD)
    page.goto(f"/referrals/person/{client.pk}/")
    page.get_by_role("link", name="Harbor Housing service").click()
    expect(page.locator(".usa-tag").first).to_have_text("Completed")
    expect(page.get_by_text("Moved into a studio flat on Elm Street").first).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert [e.to_status for e in referral.events.all()] == [
        "draft",
        "sent",
        "accepted",
        "completed",
    ]

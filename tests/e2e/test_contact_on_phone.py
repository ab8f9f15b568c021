"""An outreach worker logs a contact from a phone: Today → person → record, sign, see it counted."""

import pytest
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.contacts.models import Contact
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
def outreach():
    agency = AgencyFactory(name="Riverside Community Services")
    program = ProgramFactory(
        agency=agency,
        name="Riverside ICM",
        contact_standard={"contacts_per_month": 1, "face_to_face_within_days": 14},
    )
    team = TeamFactory(agency=agency, program=program, name="Outreach")
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    client = person(agency, legal_first_name="Tomasz", legal_last_name="Wójcik", created_by=cm)
    enroll(client, program, case_manager=cm, team=team)
    return {"cm": cm, "client": client}


def test_logging_a_contact_from_a_phone(browser, live_server, outreach):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, "maria.cm", PASSWORD)
        contacts_due = page.locator("section", has=page.get_by_role("heading", name="Contacts due"))
        expect(contacts_due).to_contain_text("Tomasz")
        contacts_due.get_by_role("link", name="Record a contact").click()

        page.get_by_label("Type").select_option(label="Face to face")
        page.get_by_label("Location").select_option(label="Street outreach")
        page.get_by_label("Duration (minutes)").fill("5000")
        page.get_by_label("Purpose").fill("Check-in under the bridge")
        page.get_by_label("Data").fill("Tomasz was in good spirits, has his ID back.")
        page.get_by_label("Plan").fill("Bring the housing form on Friday.")
        page.get_by_role("button", name="Save and sign the note").click()
        # The bad duration is named and nothing typed is lost.
        expect(page.locator(".usa-error-message").first).to_be_visible()
        expect(page.get_by_label("Purpose")).to_have_value("Check-in under the bridge")
        expect(page.get_by_label("Plan")).to_have_value("Bring the housing form on Friday.")
        assert not Contact.objects.exists()

        page.get_by_label("Duration (minutes)").fill("20")
        page.get_by_role("button", name="Save and sign the note").click()
        expect(page.get_by_text("Contact recorded and note signed.")).to_be_visible()
        expect(page.get_by_text("Bring the housing form on Friday.")).to_be_visible()
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the contact page scrolls sideways by {overflow}px"
        page.screenshot(path="/tmp/casebridge-phone-contact.png", full_page=True)

        page.goto("/today/")
        expect(
            page.locator("section", has=page.get_by_role("heading", name="Contacts due"))
        ).to_contain_text("Every contact standard is met.")
        contact = Contact.objects.get()
        assert contact.note.status == "signed" and contact.location == "street_outreach"
    finally:
        context.close()
    assert not errors, errors

import pytest
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.intake.models import Referral, ReferralStatus
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, AgencyFactory, ProgramFactory, TeamFactory, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_intake_worker_takes_a_referral_to_enrollment(page):
    agency = AgencyFactory(name="Riverside Community Services", slug="riverside")
    program = ProgramFactory(
        agency=agency,
        name="Riverside ICM",
        eligibility_criteria=[{"fact": "homeless", "label": "Homeless or at risk", "equals": True}],
    )
    team = TeamFactory(agency=agency, program=program)
    staff(agency, Role.INTAKE_WORKER, username="rita.intake")
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    cm.first_name, cm.last_name = "María", "Delgado"
    cm.save()

    sign_in(page, "rita.intake", PASSWORD)
    page.get_by_role("link", name="Intake").first.click()
    page.get_by_role("link", name="Record a referral").click()
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Whitehorse")
    page.locator("#id_source_type").select_option("hospital")
    page.get_by_label("Program requested").select_option(label="Riverside ICM")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Reason for referral").fill(
        "Discharged from the psychiatric unit, no housing."
    )
    page.get_by_role("button", name="Record referral").click()

    expect(page.get_by_text("recorded.")).to_be_visible()
    expect(page.get_by_text("Unknown · Homeless or at risk")).to_be_visible()
    page.get_by_role("button", name="Start screening").click()
    page.get_by_text("Record screening facts").click()
    page.get_by_label("Currently homeless").select_option("true")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Meets · Homeless or at risk")).to_be_visible()
    page.get_by_label("Primary case manager").select_option(label="María Delgado")
    page.get_by_role("button", name="Accept into program").click()
    expect(page.get_by_text("Accepted: the enrollment is ready to start.")).to_be_visible()

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.enrollment.primary_case_manager == cm
    page.get_by_role("link", name="Dana Whitehorse").click()
    expect(page.get_by_role("row").filter(has_text="Riverside ICM")).to_contain_text("Pending")


def test_public_self_referral_shows_a_reference(page):
    AgencyFactory(name="Harbor Health Partners", slug="harbor")
    page.goto("/refer/harbor/")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_label("Phone").fill("555-0177")
    page.get_by_label("What would you like help with?").fill("I am about to lose my apartment.")
    page.locator("label[for=id_consent_to_contact]").click()  # USWDS styles the label
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we received your request")
    reference = Referral.objects.get().reference
    expect(page.get_by_text(reference)).to_be_visible()

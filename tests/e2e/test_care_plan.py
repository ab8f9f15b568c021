"""A case manager builds a care plan from the needs an assessment found, adds a step, has the
person sign on screen, and activates the plan."""

import pytest
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.assessments.models import Need
from casebridge.assessments.services import assessment_start, instruments_load_bundled
from casebridge.plans.models import CarePlan, PlanStatus
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
def client_with_needs():
    agency = AgencyFactory(name="Riverside Community Services")
    program = ProgramFactory(agency=agency, name="Riverside ICM")
    team = TeamFactory(agency=agency, program=program, name="North Team")
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    client = person(agency, legal_first_name="Tomasz", legal_last_name="Wójcik", created_by=cm)
    enroll(client, program, case_manager=cm, team=team)
    instruments_load_bundled()
    response = assessment_start(actor=cm, person=client, instrument_code="phq2")
    for domain, label in [("housing", "Needs stable housing"), ("food", "Skips meals")]:
        Need.objects.create(
            person=client, agency=agency, domain=domain, label=label, severity=3, source=response
        )
    return client


def test_case_manager_builds_a_plan_from_assessment_needs(page, client_with_needs):
    client = client_with_needs
    sign_in(page, "maria.cm", PASSWORD)
    page.goto(f"/people/{client.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tomasz")
    page.goto(f"/plans/person/{client.pk}/")
    expect(page.get_by_text("2 needs from assessments are not in a plan yet.")).to_be_visible()
    page.get_by_role("link", name="Make a care plan").click()

    expect(page.get_by_label("Needs stable housing")).to_be_checked()
    page.locator("label", has_text="Skips meals").click()
    expect(page.get_by_label("Skips meals")).not_to_be_checked()
    page.get_by_label("What matters to the person").fill("Een eigen plek — my own place")
    page.get_by_role("button", name="Create draft plan").click()
    expect(page.get_by_text("Draft plan created.")).to_be_visible()
    expect(page.get_by_role("heading", level=3)).to_have_count(1)
    expect(page.locator(".cb-goal")).to_contain_text("Needs stable housing")

    page.get_by_role("link", name="Edit the goal").click()
    page.get_by_label("Goal in the person's own words").fill("I want my own flat by summer")
    page.get_by_label("How we will measure it").fill("Flat viewings a month")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.get_by_text("Goal saved.")).to_be_visible()

    page.get_by_role("link", name="Add a step").click()
    page.get_by_label("What will be done").fill("Apply to the housing authority waiting list")
    page.get_by_role("combobox", name="Who does it").select_option(label="The person")
    page.get_by_role("button", name="Add the step").click()
    expect(page.get_by_text("Step added.")).to_be_visible()
    expect(page.locator(".cb-goal")).to_contain_text("Apply to the housing authority")

    page.get_by_role("link", name="Record the person's agreement").click()
    canvas = page.locator("canvas[data-signature-pad]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 20, steps=5)
    page.mouse.move(box["x"] + 220, box["y"] + box["height"] - 20, steps=5)
    page.mouse.up()
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.get_by_text("Agreement recorded.")).to_be_visible()
    expect(page.get_by_role("img", name="Signature of Tomasz Wójcik")).to_be_visible()

    page.get_by_role("button", name="Activate the plan").click()
    expect(page.get_by_text("The plan is active.")).to_be_visible()
    plan = CarePlan.objects.get(person=client)
    assert plan.status == PlanStatus.ACTIVE and plan.agreed_at is not None
    assert plan.goals.get().statement == "I want my own flat by summer"
    assert plan.goals.get().steps.count() == 1
    assert Need.objects.get(label="Needs stable housing").status == "in_plan"
    assert Need.objects.get(label="Skips meals").status == "open"

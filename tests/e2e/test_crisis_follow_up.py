"""A crisis to its follow-up in the browser: report a hospital admission, the supervisor is
alerted, the release date sets the follow-up contact, the case manager does it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.tasks.models import Task
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
def team():
    agency = AgencyFactory(name="Riverside Community Services")
    program = ProgramFactory(
        agency=agency,
        name="Riverside ICM",
        contact_standard={"contacts_per_month": 4, "post_crisis_contact_hours": 72},
    )
    group = TeamFactory(agency=agency, program=program, name="North Team")
    cm = staff(agency, Role.CASE_MANAGER, team=group, username="maria.cm")
    staff(agency, Role.SUPERVISOR, team=group, username="janet.sup")
    client = person(agency, legal_first_name="Deshawn", legal_last_name="Okafor", created_by=cm)
    enroll(client, program, case_manager=cm, team=group)
    return {"client": client}


def test_crisis_to_follow_up(page, live_server, team):
    client = team["client"]
    sign_in(page, "maria.cm", PASSWORD)
    page.goto(f"/people/{client.pk}/")
    page.get_by_role("link", name="Safety and crisis").click()
    page.get_by_role("link", name="Report a crisis").click()
    page.locator("#id_kind").select_option(label="Hospital admission")
    page.get_by_label("When").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Describe what happened").fill("Admitted to St Mary's after a fall.")
    page.get_by_role("button", name="Record and alert the team").click()
    expect(page.get_by_text("Crisis recorded; the care team has been alerted.")).to_be_visible()

    page.goto("/today/")
    tasks = page.locator("section", has=page.get_by_role("heading", name="Tasks due"))
    expect(tasks).to_contain_text("Visit or call while the person is in")

    page.goto(f"/crisis/person/{client.pk}/")
    page.get_by_role("link", name="Hospital admission").click()
    page.get_by_label("Discharge or release date").fill(timezone.localdate().isoformat())
    page.get_by_label("What was done").fill("Visited on the ward; spoke with the nurse.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Crisis event updated.")).to_be_visible()

    page.goto("/today/")
    tasks = page.locator("section", has=page.get_by_role("heading", name="Tasks due"))
    expect(tasks).to_contain_text("Contact within 72 hours of the release")
    follow_up = Task.objects.get(dedupe_key__startswith="post_release:")
    tasks.locator("li", has_text="Contact within 72 hours").get_by_role(
        "button", name="Done"
    ).click()
    expect(page.get_by_text("Task done.")).to_be_visible()
    follow_up.refresh_from_db()
    assert follow_up.status == "done"

    page.context.clear_cookies()
    sign_in(page, "janet.sup", PASSWORD)
    expect(page.get_by_role("link", name="1 new notification")).to_be_visible()
    page.get_by_role("link", name="1 new notification").click()
    expect(page.get_by_role("link", name="Crisis reported: Hospital admission")).to_be_visible()
    assert "Okafor" not in page.locator("main").inner_text()

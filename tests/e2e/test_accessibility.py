"""axe-core (from npm, pinned) checks the main pages for WCAG 2.1 A/AA violations."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.intake.models import Referral
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
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser, live_server):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci)")
    # axe is injected as an inline script, which our CSP rightly forbids: bypass it for the audit.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    yield context.new_page()
    context.close()


def _violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)"""
    )
    return result


def test_main_pages_have_no_serious_accessibility_violations(axe_page):
    agency = AgencyFactory()
    program = ProgramFactory(agency=agency, name="Riverside ICM")
    team = TeamFactory(agency=agency, program=program)
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    client = person(agency, legal_first_name="Aoife", legal_last_name="Ní Bhriain", created_by=cm)
    enroll(client, program, case_manager=cm, team=team)

    axe_page.goto("/login/")
    assert _violations(axe_page) == [], "login"
    sign_in(axe_page, "maria.cm", PASSWORD)
    pages = [
        "/caseload/",
        "/people/",
        f"/people/{client.pk}/",
        "/people/new/",
        f"/enrollments/new/?person={client.pk}",
        "/two-step/",
        "/two-step/setup/",
    ]
    for path in pages:
        axe_page.goto(path)
        assert _violations(axe_page) == [], path
    axe_page.goto("/people/new/")
    axe_page.get_by_role("button", name="Add person").click()
    assert _violations(axe_page) == [], "person form with errors"
    # The POSTed searches: people (live, with HTMX) and the emergency lookup.
    axe_page.goto("/people/")
    axe_page.get_by_label("Name").fill("aoife")
    expect(axe_page.locator("#person-results")).to_contain_text("1 person")
    assert _violations(axe_page) == [], "people search results"
    axe_page.goto("/consent/emergency/")
    axe_page.get_by_label("Last name").fill("Ní Bhriain")
    axe_page.get_by_label("Date of birth").fill("1980-05-17")
    axe_page.get_by_role("button", name="Find").click()
    expect(axe_page.get_by_text("You can already open this record.")).to_be_visible()
    assert "bhriain" not in axe_page.url.lower()
    assert _violations(axe_page) == [], "emergency lookup results"


def test_intake_pages_have_no_serious_accessibility_violations(axe_page):
    agency = AgencyFactory(slug="riverside")
    program = ProgramFactory(agency=agency, eligibility_criteria=[{"fact": "age", "min": 18}])
    staff(agency, Role.INTAKE_WORKER, username="rita.intake")
    referral = Referral.objects.create(
        agency=agency,
        program=program,
        first_name="Dana",
        last_name="Whitehorse",
        source_type="hospital",
        reason="No housing",
        received_at=timezone.now(),
        status="screening",
    )
    axe_page.goto("/refer/riverside/")
    assert _violations(axe_page) == [], "self-referral"
    axe_page.get_by_role("button", name="Send my request").click()
    assert _violations(axe_page) == [], "self-referral with errors"
    sign_in(axe_page, "rita.intake", PASSWORD)
    for path in [
        "/intake/",
        "/intake/new/",
        f"/intake/{referral.pk}/",
        f"/intake/waitlist/{program.pk}/",
    ]:
        axe_page.goto(path)
        assert _violations(axe_page) == [], path


def test_assessment_pages_have_no_serious_accessibility_violations(axe_page):
    from casebridge.assessments import services as assessment_services

    agency = AgencyFactory()
    program = ProgramFactory(agency=agency)
    team = TeamFactory(agency=agency, program=program)
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    client = person(agency, legal_first_name="Aoife", created_by=cm)
    assessment_services.instruments_load_bundled()
    phq = assessment_services.assessment_start(actor=cm, person=client, instrument_code="phq9")
    done = assessment_services.assessment_start(actor=cm, person=client, instrument_code="phq2")
    assessment_services.assessment_save(
        actor=cm, response=done, answers={"q1": 2, "q2": 2}, submit=True
    )
    sign_in(axe_page, "maria.cm", PASSWORD)
    for path in [
        f"/assessments/{phq.pk}/",
        f"/assessments/{done.pk}/",
        f"/assessments/person/{client.pk}/",
    ]:
        axe_page.goto(path)
        assert _violations(axe_page) == [], path
    axe_page.goto(f"/assessments/{phq.pk}/")
    axe_page.get_by_role("button", name="Submit").click()
    assert _violations(axe_page) == [], "assessment with errors"


def test_contact_task_and_today_pages_have_no_serious_accessibility_violations(axe_page):
    from datetime import timedelta

    from casebridge.contacts import services as contact_services
    from casebridge.tasks import services as task_services

    agency = AgencyFactory()
    program = ProgramFactory(agency=agency)
    team = TeamFactory(agency=agency, program=program)
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    staff(agency, Role.SUPERVISOR, team=team, username="janet.sup")
    client = person(agency, legal_first_name="Aoife", created_by=cm)
    enroll(client, program, case_manager=cm, team=team)
    contact = contact_services.contact_record(
        actor=cm,
        person=client,
        data={"occurred_at": timezone.now(), "contact_type": "phone", "location": "remote"},
        services=[{"service_type": "food", "units": 1}],
        note={"note_format": "soap", "sections": {"subjective": "Feeling better."}},
        sign=True,
    )
    draft = contact_services.contact_record(
        actor=cm,
        person=client,
        data={"occurred_at": timezone.now(), "contact_type": "text", "location": "remote"},
    )
    task = task_services.task_add(
        actor=cm,
        person=client,
        data={"title": "Bus pass", "due_at": timezone.now() + timedelta(hours=2)},
    )
    sign_in(axe_page, "maria.cm", PASSWORD)
    for path in [
        "/today/",
        "/tasks/",
        f"/tasks/{task.pk}/snooze/",
        f"/people/{client.pk}/tasks/new/",
        f"/people/{client.pk}/contacts/",
        f"/people/{client.pk}/contacts/new/",
        f"/contacts/{contact.pk}/",
        f"/contacts/{draft.pk}/",
        f"/people/{client.pk}/timeline/",
        "/notifications/",
        "/contacts/calendar/",
    ]:
        axe_page.goto(path)
        assert _violations(axe_page) == [], path
    axe_page.goto(f"/people/{client.pk}/contacts/new/")
    axe_page.get_by_role("button", name="Save and sign the note").click()
    assert _violations(axe_page) == [], "contact form with errors"
    axe_page.context.clear_cookies()
    sign_in(axe_page, "janet.sup", PASSWORD)
    axe_page.goto("/today/?scope=team")
    assert _violations(axe_page) == [], "team today"

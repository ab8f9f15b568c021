import datetime

import pytest
from playwright.sync_api import expect

from casebridge.accounts.models import Role
from casebridge.people.models import Person
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, AgencyFactory, ProgramFactory, TeamFactory, person, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    agency = AgencyFactory(name="Riverside Community Services")
    program = ProgramFactory(agency=agency, name="Riverside ICM")
    team = TeamFactory(agency=agency, program=program, name="North Team")
    cm = staff(agency, Role.CASE_MANAGER, team=team, username="maria.cm")
    cm.first_name, cm.last_name = "María", "Delgado"
    cm.save()
    return {"agency": agency, "program": program, "cm": cm}


def test_case_manager_creates_enrolls_and_sees_person_on_caseload(page, desk):
    sign_in(page, "maria.cm", PASSWORD)
    page.get_by_role("link", name="New person").first.click()
    page.get_by_label("Legal first name").fill("Zoë")
    page.get_by_label("Legal last name").fill("Ní Bhriain")
    page.get_by_label("Date of birth", exact=True).fill("1988-04-12")
    page.get_by_label("Phone").fill("555-0142")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_role("button", name="Add person").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoë Ní Bhriain")
    page.get_by_role("link", name="Enroll in a program").click()
    page.get_by_label("Program").select_option(label="Riverside ICM")
    page.get_by_label("Primary case manager").select_option(label="María Delgado")
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("was enrolled in Riverside ICM")).to_be_visible()
    page.get_by_role("button", name="Start services").click()
    expect(page.get_by_text("Services started.")).to_be_visible()

    page.get_by_role("link", name="My caseload").first.click()
    row = page.get_by_role("row").filter(has_text="Zoë Ní Bhriain")
    expect(row).to_contain_text("Riverside ICM")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Initial assessment")
    expect(row).to_contain_text("Due soon")  # a new episode owes only its share of the month


def test_form_errors_keep_what_was_typed(page, desk):
    sign_in(page, "maria.cm", PASSWORD)
    page.goto("/people/new/")
    page.get_by_label("Legal first name").fill("Łukasz")
    page.get_by_label("Legal last name").fill("Wiśniewski")
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    page.get_by_label("Date of birth", exact=True).fill(future)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Date of birth cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("Legal first name")).to_have_value("Łukasz")
    expect(page.get_by_label("Legal last name")).to_have_value("Wiśniewski")
    assert not Person.objects.filter(legal_last_name="Wiśniewski").exists()


def test_live_search_updates_results_without_reloading(page, desk):
    for first, last in [("Aoife", "O'Neill"), ("José", "Núñez"), ("Kwame", "Mensah")]:
        person(desk["agency"], legal_first_name=first, legal_last_name=last, created_by=desk["cm"])
    sign_in(page, "maria.cm", PASSWORD)
    page.goto("/people/")
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Name").fill("nunez")
    results = page.locator("#person-results")
    expect(results).to_contain_text("José Núñez")
    expect(results).not_to_contain_text("Mensah")
    assert page.evaluate("window.__marker") == "same page"
    # The search is a POST: the name is not in the address bar (nor in history or logs).
    assert "nunez" not in page.url.lower() and "q=" not in page.url
    expect(page.get_by_label("Name")).to_have_value("nunez")


def test_search_results_page_without_the_name_in_the_url(page, desk):
    for i in range(27):
        person(
            desk["agency"],
            legal_first_name=f"Kofi{i:02d}",
            legal_last_name="Mensah",
            date_of_birth=datetime.date(1990, 1, 2),
            created_by=desk["cm"],
        )
    person(desk["agency"], legal_first_name="Ama", legal_last_name="Owusu", created_by=desk["cm"])
    sign_in(page, "maria.cm", PASSWORD)
    page.goto("/people/")
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.get_by_label("Name").fill("mensah")
    page.get_by_label("Date of birth").fill("1990-01-02")
    results = page.locator("#person-results")
    expect(results).to_contain_text("27 people")
    expect(results).not_to_contain_text("Owusu")
    expect(results).to_contain_text("Page 1 of 2")
    results.get_by_role("button", name="Next").click()
    expect(results).to_contain_text("Page 2 of 2")
    expect(results).to_contain_text("Kofi26 Mensah")
    expect(results.get_by_role("table")).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value("mensah")
    results.get_by_role("button", name="Previous").click()
    expect(results).to_contain_text("Page 1 of 2")
    # The Search button posts the form too; no request of the whole visit had the name or the
    # birth date in its URL.
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results).to_contain_text("27 people")
    for url in [page.url, *urls]:
        assert "mensah" not in url.lower() and "1990-01-02" not in url, url


@pytest.mark.parametrize("path", ["/caseload/", "face-sheet"])
def test_phone_viewport_has_no_sideways_scrolling(browser, live_server, desk, path):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        sign_in(page, "maria.cm", PASSWORD)
        if path == "face-sheet":
            p = person(
                desk["agency"],
                legal_first_name="Ximena",
                legal_last_name="de la Cruz-Ibáñez",
                created_by=desk["cm"],
                strengths="Strong " * 60,
            )
            path = f"/people/{p.pk}/"
        page.goto(path)
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
        page.screenshot(
            path=f"/tmp/casebridge-phone-{'face-sheet' if 'people' in path else 'caseload'}.png",
            full_page=True,
        )
        page.get_by_role("button", name="Menu").click()
        expect(page.get_by_role("link", name="My caseload").first).to_be_visible()
    finally:
        context.close()

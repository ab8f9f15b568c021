"""Issue 9: names and birth dates never travel in a URL.

URLs end up in proxy and server access logs, browser history and Referer headers. Searching
people and the emergency (break-the-glass) lookup are POSTs; what the pages render (links,
form actions, HTMX attributes) and every redirect stay free of what was searched for.
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings

from casebridge.accounts.models import Role
from tests.factories import person

NAME, DOB = "Quillonaire", "1984-03-09"
# Attributes whose value is a URL, or data HTMX puts into one.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "hx-push-url",
    "hx-replace-url",
    "hx-vals",
    "data-href",
}
# Responses headers that carry a URL (HTMX ones too).
URL_HEADERS = ("Location", "HX-Location", "HX-Redirect", "HX-Push-Url", "HX-Replace-Url")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.get_forms: list[dict] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.urls += [value or "" for name, value in attrs.items() if name in URL_ATTRIBUTES]
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.get_forms.append(attrs)


def _parse(body: str) -> _Collect:
    parser = _Collect()
    parser.feed(body)
    return parser


def _forms_of(secret: str) -> set[str]:
    return {secret, secret.lower(), quote(secret), quote_plus(secret), secret.replace("-", "")}


def _assert_nothing_in_urls(response, *secrets):
    assert response.status_code == 200, response.status_code
    for header in URL_HEADERS:
        value = response.get(header, "")
        for secret in secrets:
            for form in _forms_of(secret):
                assert form.lower() not in value.lower(), f"{header}: {value}"
    parsed = _parse(response.content.decode())
    for url in parsed.urls:
        for secret in secrets:
            for form in _forms_of(secret):
                assert form.lower() not in url.lower(), f"{secret!r} in a URL: {url}"
    return parsed


@pytest.fixture
def many(world):
    """More people called NAME, born on DOB, than fit on a page."""
    north = world.north
    for i in range(settings.PAGE_SIZE + 2):
        person(
            north.agency,
            legal_first_name=f"Ana{i:02d}",
            legal_last_name=NAME,
            date_of_birth=datetime.date.fromisoformat(DOB),
            created_by=north.case_manager,
        )


def test_people_search_is_a_post_and_no_url_carries_the_name(world, many, client):
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    page = client.get("/people/")
    tags = _parse(page.content.decode()).tags
    form = next(a for tag, a in tags if tag == "form" and a.get("id") == "person-search")
    assert form["method"] == "post" and form["role"] == "search" and "hx-post" in form
    assert "hx-push-url" not in form and "hx-get" not in form
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()

    response = client.post("/people/", {"q": NAME.lower(), "dob": DOB})
    parsed = _assert_nothing_in_urls(response, NAME, DOB)
    body = response.content.decode()
    assert body.count(NAME) >= settings.PAGE_SIZE  # the results are there
    # What was typed stays in the fields.
    inputs = {a.get("name"): a for tag, a in parsed.tags if tag == "input"}
    assert inputs["q"]["value"] == NAME.lower() and inputs["dob"]["value"] == DOB
    # The next page re-submits the search form with a page number: no link with the name.
    buttons = [a for tag, a in parsed.tags if tag == "button" and a.get("name") == "page"]
    assert [(b["form"], b["value"]) for b in buttons] == [("person-search", "2")]
    assert not parsed.get_forms

    second = client.post("/people/", {"q": NAME.lower(), "dob": DOB, "page": "2"})
    _assert_nothing_in_urls(second, NAME, DOB)
    assert "Page 2 of 2" in second.content.decode()
    assert second.content.decode().count(NAME) >= 2


def test_live_search_answers_with_the_results_only_and_no_url(world, many, client):
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    response = client.post("/people/", {"q": NAME, "page": "2"}, HTTP_HX_REQUEST="true")
    parsed = _assert_nothing_in_urls(response, NAME)
    assert "<html" not in response.content.decode() and NAME in response.content.decode()
    # A page button was used: the new page of results takes the focus.
    table = next(attrs for tag, attrs in parsed.tags if tag == "table")
    assert "autofocus" in table and table["tabindex"] == "-1"
    typing = client.post("/people/", {"q": NAME}, HTTP_HX_REQUEST="true")
    table = next(attrs for tag, attrs in _parse(typing.content.decode()).tags if tag == "table")
    assert "autofocus" not in table  # typing keeps the focus in the field


def test_browsing_stays_a_get_and_a_name_in_the_url_is_dropped(world, many, client):
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    browse = client.get("/people/?page=2")
    assert browse.status_code == 200 and "Page 2 of 2" in browse.content.decode()
    assert 'href="?page=1"' in browse.content.decode()
    for url in (f"/people/?q={NAME}", f"/people/?dob={DOB}", f"/people/?q={NAME}&page=2"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/people/", url


def test_a_search_with_bad_input_keeps_what_was_typed(world, client):
    client.force_login(world.north.case_manager)
    response = client.post("/people/", {"q": NAME, "dob": "1984-02-31"})
    assert response.status_code == 200
    inputs = {
        a.get("name"): a for tag, a in _parse(response.content.decode()).tags if tag == "input"
    }
    assert inputs["q"]["value"] == NAME and inputs["dob"]["value"] == "1984-02-31"
    assert "usa-error-message" in response.content.decode()


def test_emergency_lookup_is_a_post_and_no_url_carries_the_name(world, client):
    target = person(
        world.north.agency,
        legal_first_name="Wren",
        legal_last_name=NAME,
        date_of_birth=datetime.date.fromisoformat(DOB),
    )
    client.force_login(world.south.case_manager)
    page = client.get("/consent/emergency/")
    tags = _parse(page.content.decode()).tags
    lookup = next(
        a for tag, a in tags if tag == "form" and a.get("action") == "/consent/emergency/"
    )
    assert lookup["method"] == "post"
    assert not _parse(page.content.decode()).get_forms

    response = client.post("/consent/emergency/", {"last_name": NAME.lower(), "date_of_birth": DOB})
    parsed = _assert_nothing_in_urls(response, NAME, DOB)
    assert f"Wren {NAME}" in response.content.decode()
    assert f"/consent/emergency/{target.pk}/" in parsed.urls  # ids in URLs are fine
    inputs = {a.get("name"): a for tag, a in parsed.tags if tag == "input"}
    assert inputs["last_name"]["value"] == NAME.lower()
    assert inputs["date_of_birth"]["value"] == DOB
    assert not parsed.get_forms

    response = client.get(f"/consent/emergency/?last_name={NAME}&date_of_birth={DOB}")
    assert response.status_code == 302 and response["Location"] == "/consent/emergency/"


def test_the_api_search_takes_the_query_in_the_body(world, many, client):
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    response = client.post(
        "/api/persons/search?limit=5",
        {"q": NAME.lower(), "date_of_birth": DOB},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == settings.PAGE_SIZE + 2 and len(data["items"]) == 5
    assert {item["legal_last_name"] for item in data["items"]} == {NAME}
    assert "Deprecation" not in response
    # The old GET still answers, flagged as deprecated.
    old = client.get(f"/api/persons?q={NAME}")
    assert old.json()["count"] == settings.PAGE_SIZE + 2
    assert old["Deprecation"] == "true" and "/api/persons/search" in old["Link"]
    assert "Deprecation" not in client.get("/api/persons")
    schema = client.get("/api/openapi.json").json()["paths"]
    assert "post" in schema["/api/persons/search"]
    params = {p["name"]: p for p in schema["/api/persons"]["get"]["parameters"]}
    assert params["q"]["deprecated"] and params["date_of_birth"]["deprecated"]


def test_the_api_search_refuses_bad_bodies(world, client):
    client.force_login(world.north.case_manager)
    for body in ({"q": "a\u0000b"}, {"q": "x" * 201}, {"date_of_birth": "1984-02-31"}, {"x": 1}):
        response = client.post("/api/persons/search", body, content_type="application/json")
        assert response.status_code == 422, body
    response = client.post("/api/persons/search", "q=ana", content_type="text/plain")
    assert response.status_code == 415


# GET forms that stay GET, and why: none of them takes a client's name, birth date, SSN,
# phone or address. A new GET form (or hx-get) must be reviewed and added here.
GET_FORMS_REVIEWED = {
    "caseloads/templates/caseloads/caseload.html": "scope and enrollment status",
    "caseloads/templates/caseloads/timeline.html": "kinds of events",
    "contacts/templates/contacts/person.html": "contact status",
    "directory/templates/directory/_search_form.html": "services, not people",
    "intake/templates/intake/inbox.html": "status, program, urgency, days waiting",
    "referrals/templates/referrals/inbox.html": "referral status",
}


def test_every_get_form_was_reviewed():
    root = Path(settings.BASE_DIR) / "casebridge"
    found = set()
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"""method=["']get["']|hx-get=""", text, re.IGNORECASE):
            found.add(str(template.relative_to(root)))
    assert found == set(GET_FORMS_REVIEWED), (
        "GET forms changed: check none takes a name, birth date, SSN, phone or address, "
        "then update GET_FORMS_REVIEWED"
    )

"""The Today dashboard and the person timeline: right content, right people, bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.contacts import services as contacts
from casebridge.enrollments import services as enrollments
from casebridge.tasks import services as tasks
from tests.factories import enroll, person


def _contact(world, who=None, days_ago=1, **data):
    values = {
        "occurred_at": timezone.now() - timedelta(days=days_ago),
        "contact_type": "face_to_face",
        "location": "office",
    }
    values.update(data)
    return contacts.contact_record(
        actor=world.north.case_manager, person=who or world.north.client, data=values
    )


def _caseload(world, n):
    people = []
    for i in range(n):
        p = person(world.north.agency, legal_first_name=f"Casey{i}", legal_last_name="Load")
        enroll(p, world.north.program, case_manager=world.north.case_manager, team=world.north.team)
        people.append(p)
    return people


def test_today_shows_what_is_due_for_the_case_manager(world, client):
    world.north.program.contact_standard = {"contacts_per_month": 4, "face_to_face_within_days": 14}
    world.north.program.save()
    tasks.task_add(
        actor=world.north.case_manager,
        person=world.north.client,
        data={"title": "Renew bus pass", "due_at": timezone.now() + timedelta(hours=1)},
    )
    contacts.contact_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "status": "scheduled",
            "occurred_at": timezone.localtime().replace(hour=23, minute=30),
            "contact_type": "phone",
        },
    )
    client.force_login(world.north.case_manager)
    body = client.get("/today/").content.decode()
    assert "Northclient" in body and "Renew bus pass" in body
    assert "No face-to-face contact yet" in body  # started in January, never seen
    assert "Southclient" not in body
    assert "Initial assessment" in body


def test_today_lists_new_crises_and_risk_flags(world, client):
    from casebridge.crisis import services as crisis

    crisis.crisis_record(
        actor=world.north.users[Role.SUPERVISOR],
        person=world.north.client,
        data={"kind": "overdose", "occurred_at": timezone.now(), "description": "x"},
    )
    crisis.flag_set(
        actor=world.north.users[Role.SUPERVISOR],
        person=world.north.client,
        kind="violence_risk",
        review_on=timezone.localdate() + timedelta(days=10),
    )
    client.force_login(world.north.case_manager)
    body = client.get("/today/").content.decode()
    assert "Overdose" in body and "Violence risk" in body
    assert "Contact within 72 hours of the crisis" in body


def test_the_supervisor_sees_the_team_with_a_line_per_case_manager(world, client):
    client.force_login(world.north.users[Role.SUPERVISOR])
    body = client.get("/today/?scope=team").content.decode()
    assert "Case managers" in body and world.north.case_manager.display_name in body
    assert "Northclient" in body
    client.force_login(world.north.case_manager)
    assert "Case managers" not in client.get("/today/?scope=team").content.decode()


def test_signing_in_lands_on_today(world, client):
    from tests.factories import PASSWORD

    response = client.post(
        "/login/", {"username": world.north.case_manager.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/today/"


@pytest.mark.parametrize("url", ["/today/", "/today/?scope=team", "/caseload/"])
def test_today_and_caseload_queries_do_not_grow_with_the_caseload(world, client, url):
    client.force_login(world.north.users[Role.SUPERVISOR])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for p in _caseload(world, 12):
        _contact(world, who=p)
        _contact(world, who=p, days_ago=20, contact_type="phone", location="remote")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 20


def test_timeline_merges_everything_newest_first(world, client):
    enrollments.enrollment_hold(
        actor=world.north.case_manager, enrollment=world.north.enrollment, reason="In hospital"
    )
    old = _contact(world, days_ago=10, summary="Old visit")
    new = _contact(world, days_ago=1, contact_type="phone", location="remote")
    tasks.task_add(
        actor=world.north.case_manager,
        person=world.north.client,
        data={"title": "Timeline task", "due_at": timezone.now() + timedelta(days=1)},
    )
    client.force_login(world.north.case_manager)
    body = client.get(f"/people/{world.north.client.pk}/timeline/").content.decode()
    assert body.index("Timeline task") < body.index("Enrollment status changed")
    assert body.index("Enrollment status changed") < body.index(f"/contacts/{new.pk}/")
    assert body.index(f"/contacts/{new.pk}/") < body.index(f"/contacts/{old.pk}/")
    only_contacts = client.get(f"/people/{world.north.client.pk}/timeline/?kind=contact")
    assert "Timeline task" not in only_contacts.content.decode()
    assert f"/contacts/{old.pk}/" in only_contacts.content.decode()
    api = client.get(f"/api/persons/{world.north.client.pk}/timeline?kind=contact,task").json()
    assert [row["kind"] for row in api["items"]] == ["task", "contact", "contact"]
    assert api["count"] == 3


def test_timeline_pages_and_access(world, client):
    for day in range(30):
        _contact(world, days_ago=day + 1)
    client.force_login(world.north.case_manager)
    url = f"/people/{world.north.client.pk}/timeline/"
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert first.count("cb-kind") == 25 and second.count("cb-kind") >= 5
    client.force_login(world.south.case_manager)
    assert client.get(url).status_code == 404
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    intake = client.get(url)
    assert intake.status_code == 200 and "/contacts/" not in intake.content.decode()


def test_timeline_queries_do_not_grow_with_history(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.north.case_manager)
    url = f"/people/{world.north.client.pk}/timeline/"
    _contact(world)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for day in range(40):
        _contact(world, days_ago=day + 2)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries) <= 16

"""The printable export: the same records as the JSON export, as a PDF the person keeps."""

import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from casebridge.accounts.models import Role
from casebridge.core.models import AuditAction, AuditEvent


@pytest.fixture
def north_records(world):
    from casebridge.assessments import services as assessments
    from casebridge.contacts import services as contacts
    from casebridge.crisis import services as crisis
    from casebridge.plans.services import goal_add, plan_create

    north = world.north
    assessments.instruments_load_bundled()
    response = assessments.assessment_start(
        actor=north.case_manager, person=north.client, instrument_code="phq2"
    )
    assessments.assessment_save(
        actor=north.case_manager, response=response, answers={"q1": 1, "q2": 1}, submit=True
    )
    contacts.contact_record(
        actor=north.case_manager,
        person=north.client,
        data={"occurred_at": timezone.now(), "contact_type": "phone", "location": "remote"},
        note={"note_format": "free", "sections": {"text": "Talked about the lease renewal"}},
        sign=True,
    )
    crisis.crisis_record(
        actor=north.case_manager,
        person=north.client,
        data={"kind": "eviction", "occurred_at": timezone.now(), "description": "Notice served"},
    )
    plan = plan_create(actor=north.case_manager, enrollment=north.enrollment)
    goal_add(
        actor=north.case_manager,
        plan=plan,
        data={"domain": "housing", "statement": "I want my own place by summer"},
    )
    return north


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_pdf_export_holds_the_record_and_is_audited(world, north_records, client):
    north = north_records
    client.force_login(north.case_manager)
    response = client.get(f"/consent/person/{north.client.pk}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = _text(response.content)
    assert "Northclient Secret" in text
    assert "Talked about the lease renewal" in text
    assert "I want my own place by summer" in text
    assert "Notice served" in text
    assert "North ICM" in text
    assert "PHQ" in text  # the assessment, with its score
    assert "Contacts and notes" in text and "About you" in text
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, person_id=north.client.pk)
    assert events.count() == 1
    event = events.get()
    assert event.data["format"] == "pdf"
    assert {"notes", "assessments", "crisis_events", "goals"} <= set(event.data["sections"])


def test_pdf_and_json_name_the_same_sections(world, north_records, client):
    client.force_login(north_records.case_manager)
    url = f"/consent/person/{north_records.client.pk}/export"
    data = json.loads(client.get(url + ".json").content)
    client.get(url + ".pdf")
    json_event, pdf_event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by(
        "sequence"
    )
    assert json_event.data["sections"] == pdf_event.data["sections"]
    assert [name for name in json_event.data["sections"] if not data[name]] == []


def test_pdf_export_in_spanish(world, north_records, client):
    client.force_login(north_records.case_manager)
    response = client.get(
        f"/consent/person/{north_records.client.pk}/export.pdf", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    assert "Northclient Secret" in _text(response.content)


def test_outsiders_and_non_care_roles_get_no_pdf(world, north_records, client):
    url = f"/consent/person/{north_records.client.pk}/export.pdf"
    client.force_login(world.south.case_manager)
    assert client.get(url).status_code == 404
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_consent_page_links_both_exports(world, client):
    client.force_login(world.north.case_manager)
    page = client.get(f"/consent/person/{world.north.client.pk}/").content.decode()
    assert f"/consent/person/{world.north.client.pk}/export.json" in page
    assert f"/consent/person/{world.north.client.pk}/export.pdf" in page

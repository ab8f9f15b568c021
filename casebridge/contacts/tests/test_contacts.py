"""Recording contacts, notes that lock when signed, amendments, appointments, the calendar feed."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.contacts import calendar, services
from casebridge.contacts.models import (
    Contact,
    Note,
    NoteAmendment,
    NoteStatus,
    ServiceProvided,
    SignedNoteError,
)
from casebridge.core.errors import LockedError
from casebridge.core.models import AuditEvent


def _record(world, actor=None, sign=False, **data):
    values = {
        "occurred_at": timezone.now() - timedelta(hours=1),
        "contact_type": "face_to_face",
        "location": "home_visit",
        "duration_minutes": 45,
        "summary": "Housing search",
    }
    values.update(data)
    return services.contact_record(
        actor=actor or world.north.case_manager,
        person=world.north.client,
        data=values,
        services=[{"service_type": "transport", "units": 2}],
        note={"note_format": "dap", "sections": {"data": "Met at home.", "plan": "Call landlord."}},
        sign=sign,
    )


def test_recording_a_contact_writes_contact_services_note_and_audit(world):
    contact = _record(world)
    assert contact.enrollment == world.north.enrollment
    assert contact.agency == world.north.agency and not contact.late_entry
    assert ServiceProvided.objects.get(contact=contact).units == 2
    note = Note.objects.get(contact=contact)
    assert note.status == NoteStatus.DRAFT and note.sections["data"] == "Met at home."
    assert note.sections["assessment"] == ""
    kinds = sorted(AuditEvent.objects.values_list("object_type", flat=True))
    assert kinds == ["contacts.contact", "contacts.note"]


def test_a_contact_documented_days_later_is_a_late_entry(world):
    contact = _record(world, occurred_at=timezone.now() - timedelta(days=3))
    assert contact.late_entry


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"location": ""}, "location"),
        ({"contact_type": "telepathy"}, "contact_type"),
        ({"duration_minutes": 5000}, "duration_minutes"),
        ({"status": "scheduled", "occurred_at": timezone.now() - timedelta(days=3)}, "occurred_at"),
    ],
)
def test_bad_contacts_are_refused_with_the_field_named(world, data, field):
    with pytest.raises(ValidationError) as exc:
        _record(world, **data)
    assert field in exc.value.message_dict
    assert not Contact.objects.exists() and not AuditEvent.objects.exists()


def test_bad_service_rows_name_the_row(world):
    with pytest.raises(ValidationError) as exc:
        services.contact_record(
            actor=world.north.case_manager,
            person=world.north.client,
            data={"occurred_at": timezone.now(), "contact_type": "phone", "location": "remote"},
            services=[{"service_type": "transport"}, {"service_type": "magic"}],
        )
    assert "services.1.service_type" in exc.value.message_dict
    assert not Contact.objects.exists()


def test_signed_notes_never_change_through_service_orm_or_queryset(world):
    contact = _record(world, sign=True)
    note = Note.objects.get(contact=contact)
    assert note.status == NoteStatus.SIGNED and note.signed_at
    with pytest.raises(LockedError):
        services.note_save(
            actor=world.north.case_manager,
            contact=contact,
            note_format="dap",
            sections={"data": "rewritten"},
            sign=False,
        )
    with pytest.raises(LockedError):
        services.contact_update(
            actor=world.north.case_manager, contact=contact, changes={"summary": "rewritten"}
        )
    note.sections = {"data": "rewritten"}
    with pytest.raises(SignedNoteError):
        note.save()
    with pytest.raises(SignedNoteError):
        Note.objects.filter(pk=note.pk).update(sections={"data": "rewritten"})
    with pytest.raises(SignedNoteError):
        Note.objects.filter(pk=note.pk).delete()
    with pytest.raises(SignedNoteError):
        Note.objects.get(pk=note.pk).delete()
    assert Note.objects.get(pk=note.pk).sections["data"] == "Met at home."


def test_signing_needs_text(world):
    with pytest.raises(ValidationError):
        services.contact_record(
            actor=world.north.case_manager,
            person=world.north.client,
            data={"occurred_at": timezone.now(), "contact_type": "phone", "location": "remote"},
            note={"note_format": "soap", "sections": {"subjective": "  "}},
            sign=True,
        )


def test_unknown_note_sections_are_refused(world):
    contact = _record(world)
    with pytest.raises(ValidationError) as exc:
        services.note_save(
            actor=world.north.case_manager,
            contact=contact,
            note_format="dap",
            sections={"subjective": "wrong format"},
            sign=False,
        )
    assert "note.sections.subjective" in exc.value.message_dict


def test_only_the_author_edits_a_draft(world):
    contact = _record(world)
    with pytest.raises(PermissionDenied):
        services.note_save(
            actor=world.north.users[Role.SUPERVISOR],
            contact=contact,
            note_format="dap",
            sections={"data": "x"},
            sign=False,
        )


def test_amendments_by_author_or_supervisor_are_dated_and_immutable(world):
    contact = _record(world, sign=True)
    note = Note.objects.get(contact=contact)
    with pytest.raises(PermissionDenied):
        services.note_amend(
            actor=world.north.users[Role.AGENCY_ADMIN],
            note=note,
            text="x",
            reason="y",
        )
    with pytest.raises(ValidationError) as exc:
        services.note_amend(actor=world.north.case_manager, note=note, text="", reason="")
    assert set(exc.value.message_dict) == {"text", "reason"}
    amendment = services.note_amend(
        actor=world.north.case_manager, note=note, text="Landlord is Mr B.", reason="Name wrong"
    )
    services.note_amend(
        actor=world.north.users[Role.SUPERVISOR], note=note, text="Reviewed.", reason="Supervision"
    )
    assert note.amendments.count() == 2
    amendment.text = "changed"
    with pytest.raises(SignedNoteError):
        amendment.save()
    with pytest.raises(SignedNoteError):
        NoteAmendment.objects.update(text="changed")
    with pytest.raises(SignedNoteError):
        amendment.delete()


def test_draft_notes_take_no_amendment(world):
    note = Note.objects.get(contact=_record(world))
    with pytest.raises(ValidationError):
        services.note_amend(actor=world.north.case_manager, note=note, text="x", reason="y")


def test_intake_workers_and_other_agencies_cannot_record_contacts(world):
    with pytest.raises(PermissionDenied):
        _record(world, actor=world.north.users[Role.INTAKE_WORKER])
    with pytest.raises(PermissionDenied):
        _record(world, actor=world.south.case_manager)
    assert not Contact.objects.exists()


def test_appointments_are_completed_or_cancelled_once(world):
    appointment = services.contact_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "status": "scheduled",
            "occurred_at": timezone.now() + timedelta(days=2),
            "contact_type": "face_to_face",
        },
    )
    assert appointment.status == "scheduled" and appointment.location == ""
    services.contact_set_status(
        actor=world.north.case_manager, contact=appointment, status="completed"
    )
    appointment.refresh_from_db()
    assert appointment.status == "completed" and appointment.occurred_at <= timezone.now()
    with pytest.raises(ValidationError):
        services.contact_set_status(
            actor=world.north.case_manager, contact=appointment, status="cancelled"
        )


# --- through the web and the API -----------------------------------------------------------


def test_the_form_keeps_what_was_typed_and_names_the_error(world, client):
    client.force_login(world.north.case_manager)
    url = f"/people/{world.north.client.pk}/contacts/new/"
    assert client.get(url).status_code == 200
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "status": "completed",
            "occurred_at": future,
            "contact_type": "phone",
            "location": "remote",
            "participants": "Sister Marta",
            "note_format": "dap",
            "note_data": "Typed note text",
            "action": "save",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in body
    assert "Sister Marta" in body and "Typed note text" in body
    assert not Contact.objects.exists()


def test_record_and_sign_from_the_form_then_amend(world, client):
    client.force_login(world.north.case_manager)
    when = (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/people/{world.north.client.pk}/contacts/new/?format=girp",
        {
            "status": "completed",
            "occurred_at": when,
            "contact_type": "face_to_face",
            "location": "community",
            "service_0_type": "financial",
            "service_0_amount": "120.50",
            "note_format": "girp",
            "note_goal": "Keep housing",
            "note_intervention": "Rent help",
            "action": "sign",
        },
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.note.status == "signed" and contact.note.note_format == "girp"
    assert str(contact.services.get().amount) == "120.50"
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Keep housing" in page and "Add an amendment" in page and "Save draft" not in page
    # A forged POST to the signed note changes nothing.
    client.post(f"/contacts/{contact.pk}/", {"note_goal": "forged", "action": "save"})
    assert Note.objects.get().sections["goal"] == "Keep housing"
    response = client.post(
        f"/contacts/{contact.pk}/amend/", {"reason": "Amount", "text": "It was 125.00"}
    )
    assert response.status_code == 302
    assert "It was 125.00" in client.get(f"/contacts/{contact.pk}/").content.decode()


def test_api_contact_note_sign_and_409_after(world, client):
    client.force_login(world.north.case_manager)
    response = client.post(
        "/api/contacts",
        json.dumps(
            {
                "person_id": str(world.north.client.pk),
                "occurred_at": timezone.now().isoformat(),
                "contact_type": "phone",
                "location": "remote",
                "services": [{"service_type": "food", "units": 1}],
                "note": {"note_format": "free", "sections": {"text": "Called."}, "sign": True},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["note"]["status"] == "signed" and body["services"][0]["service_type"] == "food"
    contact_id = body["id"]
    again = client.put(
        f"/api/contacts/{contact_id}/note",
        json.dumps({"note_format": "free", "sections": {"text": "Rewritten"}}),
        content_type="application/json",
    )
    assert again.status_code == 409
    patch = client.patch(
        f"/api/contacts/{contact_id}", json.dumps({"summary": "x"}), content_type="application/json"
    )
    assert patch.status_code == 409
    amended = client.post(
        f"/api/contacts/{contact_id}/note/amendments",
        json.dumps({"text": "Also texted.", "reason": "Missing"}),
        content_type="application/json",
    )
    assert amended.status_code == 201
    listed = client.get(f"/api/persons/{world.north.client.pk}/contacts").json()
    assert (
        listed["count"] == 1 and listed["items"][0]["note"]["amendments"][0]["reason"] == "Missing"
    )


def test_api_rejects_unknown_fields_and_types(world, client):
    client.force_login(world.north.case_manager)
    response = client.post(
        "/api/contacts",
        json.dumps(
            {
                "person_id": str(world.north.client.pk),
                "occurred_at": timezone.now().isoformat(),
                "contact_type": "owl",
                "location": "remote",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.contact_type"


def test_other_agency_cannot_read_contacts(world, client):
    contact = _record(world, sign=True)
    client.force_login(world.south.case_manager)
    assert client.get(f"/contacts/{contact.pk}/").status_code == 404
    assert client.get(f"/api/contacts/{contact.pk}").status_code == 404


# --- calendar feed ------------------------------------------------------------------------


def test_calendar_feed_shows_initials_only_and_dies_when_revoked(world, client):
    services.contact_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "status": "scheduled",
            "occurred_at": timezone.now() + timedelta(days=1),
            "contact_type": "face_to_face",
            "location": "home_visit",
        },
    )
    _record(world)  # completed: not an appointment
    token = calendar.feed_reset(user=world.north.case_manager)
    response = client.get(f"/calendar/{token}.ics")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 1
    assert "N. S." in body and "Northclient" not in body and "Secret" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get("/calendar/wrong-token.ics").status_code == 404
    new_token = calendar.feed_reset(user=world.north.case_manager)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    calendar.feed_revoke(user=world.north.case_manager)
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404


def test_calendar_settings_page_shows_the_address_once(world, client):
    client.force_login(world.north.case_manager)
    response = client.post("/contacts/calendar/", {"action": "reset"})
    assert "/calendar/" in response.content.decode()
    assert 'id="feed-url"' in response.content.decode()
    assert 'id="feed-url"' not in client.get("/contacts/calendar/").content.decode()


@pytest.mark.parametrize("field", ["location", "participants", "summary"])
def test_api_patch_refuses_null_text_naming_the_field(world, client, field):
    """Found by the API fuzzer: ``{"location": null}`` reached the NOT NULL column (a 500)."""
    contact = _record(world)
    client.force_login(world.north.case_manager)
    url = f"/api/contacts/{contact.pk}"
    response = client.patch(url, json.dumps({field: None}), content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [f"body.{field}"]
    if field != "location":  # a choice, required for a completed contact
        response = client.patch(url, json.dumps({field: ""}), content_type="application/json")
        assert response.status_code == 200 and response.json()[field] == ""

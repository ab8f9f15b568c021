import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from casebridge.accounts.models import Role
from casebridge.contacts.models import Contact, ContactStatus
from casebridge.core import clock
from casebridge.core.models import AuditEvent
from casebridge.enrollments import transfers
from casebridge.enrollments.models import Enrollment, EnrollmentStatus, Transfer, TransferKind
from casebridge.intake.models import Referral
from casebridge.tasks.models import Notification, Task
from tests.factories import enroll

SUMMARY = "Housed in March; working on benefits. Prefers morning visits."


def _api(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# --- Between case managers ---------------------------------------------------------------------


def test_warm_hand_off_to_another_case_manager(world):
    enrollment = world.north.enrollment
    old = world.north.case_manager
    new = world.north.users["other_case_manager"]
    when = clock.now() + timedelta(days=3)
    before = AuditEvent.objects.count()
    transfer = transfers.transfer_to_case_manager(
        actor=old,
        enrollment=enrollment,
        to_case_manager=new,
        summary=SUMMARY,
        joint_contact_at=when,
    )
    enrollment.refresh_from_db()
    assert enrollment.primary_case_manager == new
    assert old in enrollment.care_team.all()
    contact = transfer.joint_contact
    assert contact.status == ContactStatus.SCHEDULED and contact.occurred_at == when
    assert contact.enrollment == enrollment
    assert old.display_name in contact.participants and new.display_name in contact.participants
    task = Task.objects.get(assignee=new, source="transfer")
    assert task.title == "Read the transfer summary and meet N.S."
    assert task.due_at == when
    notice = Notification.objects.get(user=new)
    assert "Northclient" not in notice.title and "Secret" not in notice.title
    assert notice.link == f"/enrollments/{enrollment.pk}/"
    assert (transfer.kind, transfer.from_case_manager, transfer.to_case_manager) == (
        TransferKind.CASE_MANAGER,
        old,
        new,
    )
    # One audit event per changed object: contact, enrollment, transfer, task.
    types = list(
        AuditEvent.objects.filter(sequence__gt=before).values_list("object_type", flat=True)
    )
    assert sorted(types) == sorted(
        ["contacts.contact", "enrollments.enrollment", "enrollments.transfer", "tasks.task"]
    )
    # The scheduled joint contact now blocks the discharge until done or cancelled.
    from casebridge.enrollments.selectors import discharge_checklist

    assert "appointments" in {i.field for i in discharge_checklist(enrollment).missing}


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"summary": "  "}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
        ({"joint_contact_at": "past"}, "joint_contact_at"),
        ({"joint_contact_at": None}, "joint_contact_at"),
        ({"to_case_manager": "same"}, "to_case_manager"),
        ({"to_case_manager": "south"}, "to_case_manager"),
        ({"contact_type": "text"}, "contact_type"),
    ],
)
def test_case_manager_transfer_refuses_bad_input_and_writes_nothing(world, changes, field):
    values = {
        "to_case_manager": world.north.users["other_case_manager"],
        "summary": SUMMARY,
        "joint_contact_at": clock.now() + timedelta(days=2),
    }
    values.update(changes)
    if values["joint_contact_at"] == "past":
        values["joint_contact_at"] = clock.now() - timedelta(hours=1)
    if values["to_case_manager"] == "same":
        values["to_case_manager"] = world.north.case_manager
    if values["to_case_manager"] == "south":
        values["to_case_manager"] = world.south.case_manager
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        transfers.transfer_to_case_manager(
            actor=world.north.case_manager, enrollment=world.north.enrollment, **values
        )
    assert field in excinfo.value.message_dict
    assert AuditEvent.objects.count() == before
    assert not Transfer.objects.exists() and not Contact.objects.exists()


# --- Between programs --------------------------------------------------------------------------


def test_program_transfer_discharges_and_opens_the_new_enrollment(world, client):
    cm = world.north.case_manager
    enrollment = world.north.enrollment
    transfer = transfers.transfer_to_program(
        actor=cm,
        enrollment=enrollment,
        to_program=world.north.other_program,
        summary=SUMMARY,
        destination=410,
        start_now=True,
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.DISCHARGED
    assert (enrollment.discharge_reason, enrollment.destination) == ("transferred", 410)
    new = transfer.to_enrollment
    assert new.person_id == enrollment.person_id and new.program == world.north.other_program
    assert new.status == EnrollmentStatus.ACTIVE and new.start_date == clock.today()
    assert new.primary_case_manager == cm
    assert new.readmission is False  # moving inside the agency is not coming back
    assert not Task.objects.filter(source="post_discharge").exists()
    # The history is kept and shown on both enrollments' pages.
    client.force_login(cm)
    page = client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert SUMMARY in page and f"/enrollments/{new.pk}/" in page
    assert AuditEvent.objects.filter(object_id=str(transfer.pk), action="create").count() == 1


def test_program_transfer_is_all_or_nothing(world):
    cm = world.north.case_manager
    enroll(world.north.client, world.north.other_program, case_manager=cm)  # already open there
    with pytest.raises(ValidationError) as excinfo:
        transfers.transfer_to_program(
            actor=cm,
            enrollment=world.north.enrollment,
            to_program=world.north.other_program,
            summary=SUMMARY,
            destination=410,
        )
    assert "to_program" in excinfo.value.message_dict
    world.north.enrollment.refresh_from_db()
    assert world.north.enrollment.status == EnrollmentStatus.ACTIVE
    assert not Transfer.objects.exists()


def test_program_transfer_waits_for_signed_notes(world):
    enrollment = world.north.enrollment
    Contact.objects.create(
        person=enrollment.person,
        agency=enrollment.agency,
        enrollment=enrollment,
        staff=world.north.case_manager,
        status=ContactStatus.SCHEDULED,
        occurred_at=clock.now() + timedelta(days=1),
        contact_type="phone",
    )
    with pytest.raises(ValidationError) as excinfo:
        transfers.transfer_to_program(
            actor=world.north.case_manager,
            enrollment=enrollment,
            to_program=world.north.other_program,
            summary=SUMMARY,
            destination=410,
        )
    assert "appointments" in excinfo.value.message_dict
    assert Enrollment.objects.filter(person=enrollment.person).count() == 1  # rolled back


# --- To another agency -------------------------------------------------------------------------


def _agency_transfer(world, **changes):
    values = {
        "to_agency": world.south.agency,
        "summary": SUMMARY,
        "destination": 410,
        "consent_confirmed": True,
        "consent_evidence": "Verbal, witnessed by supervisor J. Ortiz",
    }
    values.update(changes)
    return transfers.transfer_to_agency(
        actor=world.north.case_manager, enrollment=world.north.enrollment, **values
    )


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"consent_confirmed": False}, "consent_confirmed"),
        ({"consent_evidence": ""}, "consent_evidence"),
        ({"summary": ""}, "summary"),
        ({"to_agency": None}, "to_agency"),
    ],
)
def test_agency_transfer_needs_the_consent_confirmation(world, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        _agency_transfer(world, **changes)
    assert field in excinfo.value.message_dict
    assert not Referral.objects.exists()
    world.north.enrollment.refresh_from_db()
    assert world.north.enrollment.status == EnrollmentStatus.ACTIVE


def test_agency_transfer_shares_only_the_listed_fields(world, client):
    north_client = world.north.client
    transfer = _agency_transfer(world)
    referral = Referral.objects.get()
    assert referral.agency == world.south.agency
    assert (referral.first_name, referral.last_name) == (
        north_client.legal_first_name,
        north_client.legal_last_name,
    )
    assert referral.date_of_birth == north_client.date_of_birth
    assert referral.phone == north_client.phone
    assert referral.reason == SUMMARY
    assert referral.person is None and referral.program is None
    assert referral.email == "" and referral.needs == "" and referral.facts == {}
    assert referral.referrer_email == "" and referral.referrer_phone == ""
    assert referral.source_type == "agency" and referral.channel == "staff"
    assert transfer.referral_reference == referral.reference
    world.north.enrollment.refresh_from_db()
    assert world.north.enrollment.discharge_reason == "transferred"
    # Both sides audited, each in its own agency.
    assert AuditEvent.objects.filter(
        object_id=str(referral.pk), agency_id=world.south.agency.pk, person_id=None
    ).exists()
    assert AuditEvent.objects.filter(
        object_id=str(transfer.pk), agency_id=world.north.agency.pk, person_id=north_client.pk
    ).exists()
    # The receiving intake sees it; the sender never sees the receiving agency's record.
    client.force_login(world.south.users[Role.INTAKE_WORKER])
    assert referral.reference in client.get("/intake/").content.decode()
    for user in world.north.users.values():
        assert not Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
    client.force_login(world.north.case_manager)
    assert client.get(f"/intake/{referral.pk}/").status_code == 404
    page = client.get(f"/enrollments/{world.north.enrollment.pk}/").content.decode()
    assert referral.reference in page and "South Agency" in page


# --- Page and API ------------------------------------------------------------------------------


def test_transfer_page_keeps_typed_values_on_bad_input(world, client):
    client.force_login(world.north.case_manager)
    url = f"/enrollments/{world.north.enrollment.pk}/transfer/"
    response = client.post(
        url,
        {
            "kind": "agency",
            "agency-to_agency": str(world.south.agency.pk),
            "agency-summary": "Typed summary stays",
            "agency-destination": "410",
            "agency-consent_evidence": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Typed summary stays" in page
    assert "usa-form-group--error" in page
    assert not Referral.objects.exists()


def test_transfer_page_moves_to_another_case_manager(world, client):
    client.force_login(world.north.case_manager)
    new = world.north.users["other_case_manager"]
    when = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/enrollments/{world.north.enrollment.pk}/transfer/",
        {
            "kind": "case_manager",
            "cm-to_case_manager": str(new.pk),
            "cm-summary": SUMMARY,
            "cm-joint_contact_at": when,
            "cm-contact_type": "face_to_face",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.north.enrollment.refresh_from_db()
    assert world.north.enrollment.primary_case_manager == new


def test_api_transfers(world, client):
    client.force_login(world.north.case_manager)
    pk = world.north.enrollment.pk
    new = world.north.users["other_case_manager"]
    when = (clock.now() + timedelta(days=2)).isoformat()
    body = {"to_case_manager_id": str(new.pk), "summary": SUMMARY, "joint_contact_at": when}
    assert (
        _api(client, f"/api/enrollments/{pk}/transfers/case-manager", {**body, "x": 1}).status_code
        == 422
    )
    response = _api(client, f"/api/enrollments/{pk}/transfers/case-manager", body)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "case_manager"
    listed = client.get(f"/api/enrollments/{pk}/transfers").json()
    assert [t["id"] for t in listed] == [response.json()["id"]]
    # Agency transfer without consent: 422 naming the field, nothing sent.
    Contact.objects.update(status=ContactStatus.CANCELLED)
    agency_body = {
        "to_agency_id": str(world.south.agency.pk),
        "summary": SUMMARY,
        "destination": 410,
        "consent_confirmed": False,
        "consent_evidence": "",
    }
    response = _api(client, f"/api/enrollments/{pk}/transfers/agency", agency_body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.consent_confirmed", "body.consent_evidence"} <= fields
    assert not Referral.objects.exists()
    response = _api(
        client,
        f"/api/enrollments/{pk}/transfers/program",
        {"to_program_id": str(world.south.program.pk), "summary": SUMMARY, "destination": 410},
    )
    assert response.status_code == 422  # another agency's program is not a choice


def test_outsiders_cannot_transfer(world, client):
    client.force_login(world.south.case_manager)
    pk = world.north.enrollment.pk
    body = {
        "to_agency_id": str(world.south.agency.pk),
        "summary": SUMMARY,
        "destination": 410,
        "consent_confirmed": True,
        "consent_evidence": "x",
    }
    assert _api(client, f"/api/enrollments/{pk}/transfers/agency", body).status_code == 404
    assert client.post(f"/enrollments/{pk}/transfer/", {"kind": "agency"}).status_code == 404
    assert not Referral.objects.exists()

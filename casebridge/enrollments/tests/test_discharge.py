import datetime
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from casebridge.accounts.models import Role
from casebridge.contacts.models import Contact, ContactStatus, Note, NoteStatus
from casebridge.core import clock
from casebridge.core.models import AuditEvent
from casebridge.enrollments import selectors, services
from casebridge.enrollments.models import DischargePlan, EnrollmentStatus
from casebridge.intake import services as intake_services
from casebridge.tasks.models import Task, TaskStatus
from tests.factories import enroll, person

PLAN = {
    "reason": "goals_met",
    "destination": 410,
    "aftercare": "Primary care at the clinic on 5th Street, Tuesdays.",
    "who_to_call": "Clinic front desk 555-0199; 988 in a crisis.",
    "summary": "You found an apartment and kept it for six months.",
}
PLAN_ITEMS = {"reason", "destination", "aftercare", "who_to_call", "summary"}


def _contact(enrollment, status=ContactStatus.COMPLETED, note_status=None, when=None):
    contact = Contact.objects.create(
        person=enrollment.person,
        agency=enrollment.agency,
        enrollment=enrollment,
        staff=enrollment.primary_case_manager,
        status=status,
        occurred_at=when or clock.now() - timedelta(days=2),
        contact_type="face_to_face",
        location="office",
    )
    if note_status:
        Note.objects.create(
            contact=contact,
            person=enrollment.person,
            agency=enrollment.agency,
            author=enrollment.primary_case_manager,
            sections={"data": "Northnote"},
            status=note_status,
        )
    return contact


def _api(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


# --- The checklist ---------------------------------------------------------------------------


def test_checklist_lists_every_missing_item_and_the_service_refuses_with_it(world):
    enrollment = world.north.enrollment
    checklist = selectors.discharge_checklist(enrollment)
    assert {item.field for item in checklist.missing} == PLAN_ITEMS
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_discharge(
            actor=world.north.case_manager, enrollment=enrollment, reason="", destination=None
        )
    assert set(excinfo.value.message_dict) == PLAN_ITEMS
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert not DischargePlan.objects.exists()
    assert AuditEvent.objects.count() == before


def test_unsigned_notes_and_open_appointments_block_and_open_tasks_only_warn(world):
    enrollment = world.north.enrollment
    _contact(enrollment, note_status=NoteStatus.DRAFT)
    _contact(enrollment, note_status=NoteStatus.SIGNED)
    appointment = _contact(
        enrollment, status=ContactStatus.SCHEDULED, when=clock.now() + timedelta(days=3)
    )
    Task.objects.create(
        person=enrollment.person,
        agency=enrollment.agency,
        assignee=world.north.case_manager,
        title="Northtask",
        due_at=clock.now(),
    )
    checklist = selectors.discharge_checklist(enrollment, DischargePlan(**PLAN))
    assert [item.field for item in checklist.missing] == ["notes", "appointments"]
    assert "1 contact note" in checklist.missing[0].message
    assert [item.field for item in checklist.warnings] == ["tasks"]
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_discharge(actor=world.north.case_manager, enrollment=enrollment, **PLAN)
    assert set(excinfo.value.message_dict) == {"notes", "appointments"}

    Note.objects.filter(status=NoteStatus.DRAFT).update(status=NoteStatus.SIGNED)
    Contact.objects.filter(pk=appointment.pk).update(status=ContactStatus.CANCELLED)
    assert selectors.discharge_checklist(enrollment, DischargePlan(**PLAN)).ready
    services.enrollment_discharge(actor=world.north.case_manager, enrollment=enrollment, **PLAN)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.DISCHARGED


@pytest.mark.parametrize(
    "reason,missing",
    [
        ("deceased", {"summary"}),
        ("incarcerated", {"aftercare", "summary"}),
        ("lost_contact", {"aftercare", "summary"}),
        ("moved", {"aftercare", "who_to_call", "summary"}),
    ],
)
def test_who_to_call_is_not_asked_when_nobody_could_use_it(world, reason, missing):
    plan = DischargePlan(reason=reason, destination=99)
    checklist = selectors.discharge_checklist(world.north.enrollment, plan)
    assert {item.field for item in checklist.missing} == missing


def test_other_programs_contacts_do_not_block(world):
    other = enroll(
        world.north.client, world.north.other_program, case_manager=world.north.case_manager
    )
    _contact(other, note_status=NoteStatus.DRAFT)
    assert selectors.discharge_checklist(world.north.enrollment, DischargePlan(**PLAN)).ready


# --- Discharge and follow-ups ------------------------------------------------------------------


def test_discharge_keeps_the_plan_and_creates_follow_ups_once(world):
    cm = world.north.case_manager
    enrollment = world.north.enrollment
    supervisor = world.north.users[Role.SUPERVISOR]
    services.discharge_plan_save(actor=cm, enrollment=enrollment, reason="goals_met")
    services.enrollment_discharge(
        actor=supervisor, enrollment=enrollment, end_date=clock.today(), **PLAN
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.DISCHARGED
    assert enrollment.discharge_reason == "goals_met" and enrollment.destination == 410
    plans = list(DischargePlan.objects.filter(enrollment=enrollment).order_by("created_at"))
    assert [p.is_final for p in plans] == [False, True]  # the draft stays as history
    assert plans[1].aftercare == PLAN["aftercare"]
    tasks = Task.objects.filter(person=enrollment.person, source="post_discharge").order_by(
        "due_at"
    )
    assert [t.assignee for t in tasks] == [cm, cm]  # the former primary, not the actor
    assert [(t.due_at.date() - clock.today()).days for t in tasks] == [30, 90]
    assert all(t.status == TaskStatus.OPEN for t in tasks)
    for event_type in ("enrollments.dischargeplan", "enrollments.enrollment", "tasks.task"):
        assert AuditEvent.objects.filter(object_type=event_type).exists()
    services._follow_up_tasks(supervisor, enrollment)  # run twice: dedupe keys win
    assert Task.objects.filter(person=enrollment.person, source="post_discharge").count() == 2


def test_no_follow_up_after_a_death(world):
    enrollment = world.north.enrollment
    services.enrollment_discharge(
        actor=world.north.case_manager,
        enrollment=enrollment,
        reason="deceased",
        destination=24,
        summary="Passed away at home.",
    )
    assert not Task.objects.filter(source="post_discharge").exists()


def test_intake_worker_cannot_discharge(world):
    with pytest.raises(Exception) as excinfo:
        services.enrollment_discharge(
            actor=world.north.users[Role.INTAKE_WORKER], enrollment=world.north.enrollment, **PLAN
        )
    assert type(excinfo.value).__name__ == "PermissionDenied"


def test_plan_text_too_long_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_discharge(
            actor=world.north.case_manager,
            enrollment=world.north.enrollment,
            **{**PLAN, "summary": "x" * 5001},
        )
    assert "summary" in excinfo.value.message_dict


# --- The page --------------------------------------------------------------------------------


def test_discharge_page_shows_the_checklist_and_keeps_what_was_typed(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    _contact(enrollment, note_status=NoteStatus.DRAFT)
    url = f"/enrollments/{enrollment.pk}/discharge/"
    page = client.get(url).content.decode()
    assert 'id="discharge-missing"' in page
    assert 'data-item="notes"' in page and 'data-item="who_to_call"' in page
    response = client.post(
        url,
        {
            "reason": "moved",
            "destination": "410",
            "end_date": clock.today().isoformat(),
            "aftercare": "Clinic in Springfield",
            "action": "discharge",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Clinic in Springfield" in page  # typed value kept
    assert 'data-item="notes"' in page and 'data-item="summary"' in page
    assert 'data-item="aftercare"' not in page  # typed, so no longer missing
    assert "usa-form-group--error" in page
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_saving_a_draft_plan_keeps_history_and_fills_the_form(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    url = f"/enrollments/{enrollment.pk}/discharge/"
    today = clock.today().isoformat()
    for text in ("First idea", "Second idea"):
        response = client.post(url, {"aftercare": text, "end_date": today, "action": "save"})
        assert response.status_code == 302
    assert DischargePlan.objects.filter(enrollment=enrollment, is_final=False).count() == 2
    page = client.get(url).content.decode()
    assert "Second idea" in page
    assert 'data-item="aftercare"' not in page
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_discharge_through_the_page_then_the_printable_summary(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    response = client.post(
        f"/enrollments/{enrollment.pk}/discharge/",
        {**PLAN, "end_date": clock.today().isoformat(), "action": "discharge"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/enrollments/{enrollment.pk}/discharge/summary/"
    page = client.get(response["Location"]).content.decode()
    assert "Your discharge summary" in page
    assert "Primary care at the clinic on 5th Street" in page
    assert "cb-print-sheet" in page


@pytest.mark.parametrize(
    "role",
    [
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.PROGRAM_MANAGER,
        Role.AGENCY_ADMIN,
        Role.INTAKE_WORKER,
    ],
)
def test_pages_open_for_the_care_circle(world, client, role):
    client.force_login(world.north.users[role])
    pk = world.north.enrollment.pk
    for url in (
        f"/enrollments/{pk}/",
        f"/enrollments/{pk}/discharge/",
        f"/enrollments/{pk}/discharge/summary/",
        f"/enrollments/{pk}/transfer/",
        f"/api/enrollments/{pk}/discharge-checklist",
        f"/api/enrollments/{pk}/transfers",
    ):
        assert client.get(url).status_code == 200, url


def test_outsiders_get_404(world, client):
    client.force_login(world.south.case_manager)
    pk = world.north.enrollment.pk
    assert client.get(f"/enrollments/{pk}/discharge/summary/").status_code == 404
    assert client.get(f"/api/enrollments/{pk}/discharge-checklist").status_code == 404


# --- API -------------------------------------------------------------------------------------


def test_api_checklist_and_discharge_422_with_the_list(world, client):
    client.force_login(world.north.case_manager)
    pk = world.north.enrollment.pk
    body = _api(client, "get", f"/api/enrollments/{pk}/discharge-checklist").json()
    assert body["ready"] is False
    assert {item["field"] for item in body["missing"]} == PLAN_ITEMS
    response = _api(
        client, "post", f"/api/enrollments/{pk}/discharge", {"reason": "moved", "destination": 410}
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.aftercare", "body.who_to_call", "body.summary"}
    response = _api(client, "post", f"/api/enrollments/{pk}/discharge", {**PLAN, "extra": 1})
    assert response.status_code == 422
    response = _api(client, "post", f"/api/enrollments/{pk}/discharge", PLAN)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "discharged"


def test_api_transition_to_discharged_takes_the_plan(world, client):
    client.force_login(world.north.case_manager)
    pk = world.north.enrollment.pk
    body = {
        "to_status": "discharged",
        "discharge_reason": "goals_met",
        "destination": 410,
        "aftercare": PLAN["aftercare"],
        "who_to_call": PLAN["who_to_call"],
        "summary": PLAN["summary"],
    }
    response = _api(client, "post", f"/api/enrollments/{pk}/transitions", body)
    assert response.status_code == 200, response.content


# --- Readmission -----------------------------------------------------------------------------


def _discharged(world, program, days_ago):
    p = world.north.client
    return enroll(
        p,
        program,
        case_manager=world.north.case_manager,
        status=EnrollmentStatus.DISCHARGED,
        start_date=datetime.date(2020, 1, 1),
        referral_date=datetime.date(2020, 1, 1),
        end_date=clock.today() - timedelta(days=days_ago),
        discharge_reason="moved",
    )


@pytest.mark.parametrize("days_ago,flagged", [(30, True), (360, True), (400, False)])
def test_new_enrollment_is_a_readmission_within_twelve_months(world, days_ago, flagged):
    p = person(world.north.agency, legal_first_name="Back")
    enroll(
        p,
        world.north.other_program,
        status=EnrollmentStatus.DISCHARGED,
        start_date=datetime.date(2020, 1, 1),
        referral_date=datetime.date(2020, 1, 1),
        end_date=clock.today() - timedelta(days=days_ago),
    )
    enroll(p, world.north.program, case_manager=world.north.case_manager)  # makes p visible
    enrollment = services.enrollment_create(
        actor=world.north.case_manager, person=p, program=world.north.other_program
    )
    assert enrollment.readmission is flagged


def test_readmission_is_per_agency(world):
    assert not selectors.is_readmission(
        person_id=world.north.client.pk, agency_id=world.south.agency.pk
    )


def test_referral_for_a_recently_discharged_person_is_flagged(world, client):
    _discharged(world, world.north.other_program, 60)
    intake = world.north.users[Role.INTAKE_WORKER]
    referral = intake_services.referral_create(
        actor=intake,
        agency=world.north.agency,
        first_name="Back",
        last_name="Again",
        source_type="self",
        reason="Wants help again",
        person=world.north.client,
    )
    assert referral.readmission is True
    unmatched = intake_services.referral_create(
        actor=intake,
        agency=world.north.agency,
        first_name="Back",
        last_name="Again",
        source_type="self",
        reason="Wants help again",
    )
    assert unmatched.readmission is False
    intake_services.referral_match_person(
        actor=intake, referral=unmatched, person=world.north.client
    )
    unmatched.refresh_from_db()
    assert unmatched.readmission is True
    client.force_login(intake)
    assert "Readmission" in client.get(f"/intake/{referral.pk}/").content.decode()
    assert "Readmission" in client.get("/intake/").content.decode()


def test_readmission_badge_on_the_enrollment_page(world, client):
    _discharged(world, world.north.other_program, 60)
    cm = world.north.case_manager
    world.north.enrollment.status = EnrollmentStatus.DISCHARGED
    world.north.enrollment.end_date = clock.today()
    world.north.enrollment.save()
    enrollment = services.enrollment_create(
        actor=cm, person=world.north.client, program=world.north.program, primary_case_manager=cm
    )
    assert enrollment.readmission
    client.force_login(cm)
    assert "Readmission" in client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert "Readmission" in client.get("/caseload/").content.decode()

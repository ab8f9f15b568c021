"""Retention: people with no activity for the retention period are de-identified, once, with
an audit event each; structured facts stay; everyone else is untouched."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, models
from django.test import override_settings
from django.utils import timezone

from casebridge.consent import retention
from casebridge.contacts.models import Contact, Note, NoteStatus, ServiceProvided, SignedNoteError
from casebridge.core import audit
from casebridge.core.models import AuditAction, AuditEvent
from casebridge.crisis.models import CrisisEvent, SafetyPlan
from casebridge.enrollments.models import Destination, Enrollment, EnrollmentStatus
from casebridge.people.models import Person, Relationship
from casebridge.plans.models import CarePlan, FrozenPlanError, Goal
from tests.factories import enroll, person


def _raw(model):
    return models.QuerySet(model=model)


def _age(p: Person, years: float) -> None:
    """Move everything about ``p`` ``years`` into the past and discharge their enrollments."""
    old = timezone.now() - datetime.timedelta(days=round(365.25 * years))
    for model, path, fields in retention.ACTIVITY:
        values = {
            name: old.date() if retention._is_date(model, name) else old
            for name in fields
            if model is not Enrollment or name != "end_date"
        }
        _raw(model).filter(**{path: p}).update(**values)
    _raw(Enrollment).filter(person=p).update(
        status=EnrollmentStatus.DISCHARGED,
        end_date=old.date(),
        discharge_reason="goals_met",
        destination=Destination.RENTAL_NO_SUBSIDY,
    )
    _raw(Person).filter(pk=p.pk).update(updated_at=old)


def _history(world, p, *, label="Olga"):
    """A full record: relationship, signed note, agreed plan, safety plan, crisis, assessment."""
    from casebridge.assessments import services as assessments
    from casebridge.contacts import services as contacts
    from casebridge.crisis import services as crisis
    from casebridge.plans import services as plans

    cm = world.north.case_manager
    enrollment = enroll(p, world.north.program, case_manager=cm, team=world.north.team)
    Relationship.objects.create(person=p, name=f"{label}sister", relationship="sister")
    contact = contacts.contact_record(
        actor=cm,
        person=p,
        enrollment=enrollment,
        data={
            "occurred_at": timezone.now(),
            "contact_type": "face_to_face",
            "location": "office",
            "summary": f"{label}purpose",
            "duration_minutes": 45,
        },
        services=[{"service_type": "transport", "units": 2}],
        note={"note_format": "free", "sections": {"text": f"{label}note about her landlord"}},
        sign=True,
    )
    assessments.instruments_load_bundled()
    response = assessments.assessment_start(actor=cm, person=p, instrument_code="phq2")
    assessments.assessment_save(
        actor=cm, response=response, answers={"q1": 2, "q2": 1}, submit=True
    )
    plan = plans.plan_create(actor=cm, enrollment=enrollment, summary=f"{label}hopes")
    plans.goal_add(
        actor=cm, plan=plan, data={"domain": "housing", "statement": f"{label}goal own place"}
    )
    plans.plan_agree(
        actor=cm, plan=plan, method="verbal", signer_name=f"{label} Signer", witness_name="Sam"
    )
    draft = crisis.safety_plan_draft(
        actor=cm, person=p, sections={"help": f"{label}safety", "professionals": "988"}
    )
    crisis.safety_plan_activate(actor=cm, plan=draft)
    crisis.crisis_record(
        actor=cm,
        person=p,
        data={
            "kind": "eviction",
            "occurred_at": timezone.now(),
            "description": f"{label}crisis",
        },
    )
    return {"contact": contact, "plan": plan, "response": response}


@pytest.fixture
def old_client(world):
    p = person(
        world.north.agency,
        legal_first_name="Olga",
        legal_last_name="Oldrecord",
        ssn="987-65-4321",
        medicaid_id="MC1234567",
        phone="555-0199",
        email="olga@example.org",
        address_line1="12 Elm St",
        city="Springfield",
        region="IL",
        strengths="Olgastrength",
        date_of_birth=datetime.date(1970, 8, 14),
    )
    records = _history(world, p)
    _age(p, 8)
    return p, records


def _run(**kwargs):
    out = StringIO()
    call_command("apply_retention", stdout=out, **kwargs)
    return out.getvalue()


def test_an_old_discharged_record_is_deidentified(world, old_client, client):
    p, records = old_client
    assert retention.last_activity(p) < timezone.now() - datetime.timedelta(days=365 * 7)
    world.north.client.refresh_from_db()
    recent_updated = world.north.client.updated_at
    assert "1 person(s) de-identified (north: 1)" in _run()

    p.refresh_from_db()
    assert p.deidentified_at is not None
    assert p.display_name == "De-identified record" == p.legal_name
    assert "Olga" not in p.legal_first_name + p.legal_last_name + p.search_key
    assert p.ssn == "" and p.ssn_digest == "" and p.medicaid_id == ""
    assert p.phone == p.email == p.address_line1 == p.city == p.strengths == ""
    assert p.date_of_birth == datetime.date(1970, 1, 1) and p.region == "IL"
    note = Note.objects.get(contact=records["contact"])
    assert note.status == NoteStatus.SIGNED and "landlord" not in str(note.sections)
    assert note.signed_at is not None
    contact = Contact.objects.get(pk=records["contact"].pk)
    assert contact.summary == "" and contact.duration_minutes == 45
    assert ServiceProvided.objects.filter(contact=contact).count() == 1  # service counts stay
    assert Relationship.objects.get(person=p).name == retention.PLACEHOLDER
    assert Goal.objects.get(person=p).statement == retention.PLACEHOLDER
    assert Goal.objects.get(person=p).domain == "housing"
    assert CarePlan.objects.get(person=p).summary == ""
    assert CrisisEvent.objects.get(person=p).description == retention.PLACEHOLDER
    assert SafetyPlan.objects.get(person=p).sections == {}
    assessment = records["response"].__class__.objects.get(pk=records["response"].pk)
    assert assessment.scores["total"] == 3 and assessment.answers == {"q1": 2, "q2": 1}
    enrollment = Enrollment.objects.get(person=p)
    assert enrollment.destination == Destination.RENTAL_NO_SUBSIDY
    assert enrollment.start_date is not None and enrollment.end_date is not None
    # Nothing identifying is left in the database rows (the SSN is encrypted; check it too).
    with connection.cursor() as cursor:
        for model in (Person, Note, Relationship, Contact, Goal, CarePlan, CrisisEvent):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            dump = str(cursor.fetchall())
            for secret in ("Olga", "landlord", "555-0199", "Elm St", "4321"):
                assert secret not in dump, (model, secret)
    # The face sheet copes and shows no one.
    client.force_login(world.north.users["agency_admin"])
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert "De-identified record" in page
    for secret in ("Olga", "Oldrecord", "555-0199", "4321", "Springfield", "Olgasister"):
        assert secret not in page
    listing = client.get("/people/").content.decode()
    assert "De-identified record" in listing and "Oldrecord" not in listing
    # The recent client is untouched.
    world.north.client.refresh_from_db()
    assert world.north.client.updated_at == recent_updated
    assert world.north.client.deidentified_at is None


def test_audit_events_name_fields_only_and_the_chain_verifies(world, old_client):
    p, _ = old_client
    before = AuditEvent.objects.count()
    retention.retention_apply()
    events = AuditEvent.objects.filter(sequence__gt=before)
    assert events.count() == 1
    event = events.get()
    assert event.action == AuditAction.UPDATE and event.person_id == p.pk
    assert event.actor is None and event.actor_label == "retention"
    assert event.data["deidentified"] is True
    assert "ssn" in event.data["fields"] and event.data["records"]["contacts.note"] == 1
    assert "Olga" not in str(event.data) and "landlord" not in str(event.data)
    assert list(audit.verify_chain()) == []
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_immutability_still_holds_outside_retention(world, old_client):
    p, records = old_client
    retention.retention_apply()
    note = Note.objects.get(contact=records["contact"])
    note.sections = {"text": "rewritten"}
    with pytest.raises(SignedNoteError):
        note.save()
    with pytest.raises(SignedNoteError):
        Note.objects.filter(pk=note.pk).update(sections={})
    with pytest.raises(FrozenPlanError):
        CarePlan.objects.filter(pk=records["plan"].pk).update(summary="rewritten")


def test_recent_activity_open_enrollment_or_hold_keep_the_record(world):
    recent = person(world.north.agency, legal_first_name="Rita", legal_last_name="Recent")
    _history(world, recent, label="Rita")
    _age(recent, 6)
    still_open = person(world.north.agency, legal_first_name="Otto", legal_last_name="Open")
    _history(world, still_open, label="Otto")
    _age(still_open, 8)
    _raw(Enrollment).filter(person=still_open).update(status=EnrollmentStatus.ON_HOLD)
    held = person(world.north.agency, legal_first_name="Hilda", legal_last_name="Held")
    _history(world, held, label="Hilda")
    _age(held, 8)
    retention.person_retention_hold(person=held, hold=True, reason="Litigation hold 2026-17")
    late_contact = person(world.north.agency, legal_first_name="Lena", legal_last_name="Late")
    records = _history(world, late_contact, label="Lena")
    _age(late_contact, 8)
    _raw(Contact).filter(pk=records["contact"].pk).update(occurred_at=timezone.now())

    assert "0 person(s) de-identified" in _run()
    for p in (recent, still_open, held, late_contact):
        p.refresh_from_db()
        assert p.deidentified_at is None
        assert p.display_name != "De-identified record"
    assert "Ritanote" in str(Note.objects.get(person=recent).sections)


def test_dry_run_counts_and_changes_nothing(world, old_client):
    p, _ = old_client
    before = AuditEvent.objects.count()
    assert "Dry run: 1 person(s) would be de-identified (north: 1)" in _run(dry_run=True)
    p.refresh_from_db()
    assert p.deidentified_at is None and p.legal_first_name == "Olga"
    assert AuditEvent.objects.count() == before


def test_running_twice_changes_nothing_more(world, old_client):
    p, _ = old_client
    assert retention.retention_apply().total == 1
    p.refresh_from_db()
    stamp, count = p.deidentified_at, AuditEvent.objects.count()
    assert retention.retention_apply().total == 0
    p.refresh_from_db()
    assert p.deidentified_at == stamp and AuditEvent.objects.count() == count


def test_the_retention_period_setting_is_honoured(world, old_client):
    p, _ = old_client
    with override_settings(CASEBRIDGE_RETENTION_YEARS=10):
        assert retention.retention_apply().total == 0
    with override_settings(CASEBRIDGE_RETENTION_YEARS_BY_AGENCY={"north": 9}):
        assert retention.retention_apply().total == 0
    with override_settings(CASEBRIDGE_RETENTION_YEARS=0), pytest.raises(ImproperlyConfigured):
        retention.retention_apply()
    with override_settings(
        CASEBRIDGE_RETENTION_YEARS=10, CASEBRIDGE_RETENTION_YEARS_BY_AGENCY={"north": 7}
    ):
        assert retention.retention_apply().total == 1


def test_agency_option_and_batches(world):
    people = []
    for n in range(5):
        p = person(world.south.agency, legal_first_name=f"South{n}", legal_last_name="Old")
        enroll(p, world.south.program, status=EnrollmentStatus.DISCHARGED)
        _age(p, 8)
        people.append(p)
    north_old = person(world.north.agency, legal_first_name="Nora", legal_last_name="Old")
    _age(north_old, 8)
    assert "1 person(s) would be de-identified (north: 1)" in _run(agency="north", dry_run=True)
    result = retention.retention_apply(agency=world.south.agency, batch_size=2)
    assert result.total == 5 and result.by_agency == {"south": 5}
    assert Person.objects.filter(deidentified_at__isnull=False).count() == 5
    north_old.refresh_from_db()
    assert north_old.deidentified_at is None


def test_files_of_deidentified_people_are_deleted(world, old_client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from casebridge.intake.models import Referral, ReferralAttachment

    settings.MEDIA_ROOT = tmp_path
    p, _ = old_client
    referral = Referral.objects.create(
        agency=world.north.agency,
        first_name="Olga",
        last_name="Oldrecord",
        source_type="hospital",
        reason="Olgareason",
        received_at=timezone.now() - datetime.timedelta(days=9 * 365),
        person=p,
    )
    _raw(Referral).filter(pk=referral.pk).update(updated_at=referral.received_at)
    attachment = ReferralAttachment(
        referral=referral, original_name="olga.pdf", content_type="application/pdf", size=3
    )
    attachment.file.save("x", ContentFile(b"PDF"), save=False)
    attachment.save()
    path = attachment.file.path
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        assert retention.retention_apply().total == 1
    referral.refresh_from_db()
    assert referral.first_name == retention.PLACEHOLDER and referral.reason == retention.PLACEHOLDER
    assert not (tmp_path / path).exists()
    assert ReferralAttachment.objects.get(pk=attachment.pk).original_name == retention.PLACEHOLDER


def test_hold_and_release_from_the_command(world, old_client):
    p, _ = old_client
    _run(hold=str(p.pk), reason="Court order")
    p.refresh_from_db()
    assert p.retention_hold
    assert retention.retention_apply().total == 0
    _run(release=str(p.pk), reason="Court order lifted")
    assert retention.retention_apply().total == 1
    assert list(audit.verify_chain()) == []


def test_birth_dates_keep_only_the_year_and_none_past_89():
    from casebridge.people.models import DataQuality

    today = datetime.date(2026, 11, 23)
    assert retention._birth_year(datetime.date(1970, 8, 14), today) == (
        datetime.date(1970, 1, 1),
        DataQuality.PARTIAL,
    )
    assert retention._birth_year(datetime.date(1930, 5, 1), today) == (
        None,
        DataQuality.NOT_COLLECTED,
    )
    assert retention._birth_year(None, today) == (None, None)
    assert retention.years_before(
        datetime.datetime(2028, 2, 29, tzinfo=datetime.UTC), 7
    ) == datetime.datetime(2021, 2, 28, tzinfo=datetime.UTC)


DEIDENTIFIED_REFUSAL = (
    "This record was de-identified under the retention policy and can no longer be changed."
)


def test_a_deidentified_record_can_no_longer_be_changed(world, old_client, client):
    from casebridge.accounts.services import api_token_create
    from casebridge.contacts import services as contacts
    from casebridge.core.errors import LockedError
    from casebridge.enrollments import services as enrollments
    from casebridge.people import services as people

    p, _ = old_client
    retention.retention_apply()
    p.refresh_from_db()
    admin, cm = world.north.users["agency_admin"], world.north.case_manager
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()

    # The services refuse: no identity (or new personal data) goes back in.
    with pytest.raises(LockedError, match="de-identified under the retention policy"):
        people.person_update(actor=admin, person=p, legal_first_name="Olga")
    with pytest.raises(LockedError):
        people.relationship_add(actor=admin, person=p, name="Olgasister", relationship="sister")
    with pytest.raises(LockedError):
        people.relationship_remove(actor=admin, relationship=Relationship.objects.get(person=p))
    with pytest.raises(LockedError):
        enrollments.enrollment_create(actor=admin, person=p, program=world.north.program)
    with pytest.raises(LockedError):
        contacts.contact_record(
            actor=cm,
            person=p,
            data={"occurred_at": timezone.now(), "contact_type": "phone", "summary": "Olga"},
        )

    # The web edit form is not offered, and a POST to it changes nothing.
    client.force_login(admin)
    response = client.get(f"/people/{p.pk}/edit/", follow=True)
    assert response.redirect_chain == [(f"/people/{p.pk}/", 302)]
    assert DEIDENTIFIED_REFUSAL in response.content.decode()
    response = client.post(
        f"/people/{p.pk}/edit/",
        {"legal_first_name": "Olga", "legal_last_name": "Oldrecord", "confirm_new": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/people/{p.pk}/relationships/", {"name": "Olgasister", "relationship": "sister"}
    )
    assert response.status_code == 400 and DEIDENTIFIED_REFUSAL in response.content.decode()

    # The API answers 409 with the reason.
    _, secret = api_token_create(actor=admin, user=admin, name="retention")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.patch(
        f"/api/persons/{p.pk}",
        json.dumps({"legal_first_name": "Olga"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 409 and response.json()["detail"] == DEIDENTIFIED_REFUSAL

    p.refresh_from_db()
    assert p.legal_first_name != "Olga" and p.display_name == "De-identified record"
    assert not Relationship.objects.filter(person=p, name="Olgasister").exists()
    assert Enrollment.objects.filter(person=p).count() == 1
    writes = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert not AuditEvent.objects.filter(
        sequence__gt=last, person_id=p.pk, action__in=writes
    ).exists()


def test_the_face_sheet_says_when_the_record_was_deidentified(world, old_client, client):
    p, _ = old_client
    client.force_login(world.north.users["agency_admin"])
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert "Edit details" in page and "under the retention policy" not in page
    assert f"/people/{p.pk}/relationships/" in page
    retention.retention_apply()
    p.refresh_from_db()
    page = client.get(f"/people/{p.pk}/").content.decode()
    day = timezone.localtime(p.deidentified_at).date().isoformat()
    assert f"De-identified on {day} under the retention policy." in page
    assert "Edit details" not in page and f"/people/{p.pk}/edit/" not in page
    assert "Enroll in a program" not in page and "Record a contact" not in page
    assert f"/people/{p.pk}/relationships/" not in page  # no add / remove forms either
    # Reading what is left still works.
    assert "Contacts and notes" in page

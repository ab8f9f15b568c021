from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from casebridge.accounts.models import Agency, Membership, Program, Role, User
from casebridge.caseloads.selectors import today_for
from casebridge.contacts.models import (
    Contact,
    ContactLocation,
    ContactStatus,
    ContactType,
    Note,
    NoteAmendment,
    NoteStatus,
    ServiceProvided,
    ServiceType,
)
from casebridge.contacts.standards import DUE_SOON, OVERDUE
from casebridge.core import audit, clock
from casebridge.demo import generator
from casebridge.demo.generator import DemoBuilder
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.intake.models import Referral
from casebridge.people.models import Person
from casebridge.tasks.models import Task


def _load(persons=60, seed=7):
    out = StringIO()
    call_command("demo_data", seed=seed, persons=persons, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_data_builds_the_described_world_and_prints_logins():
    output = _load()
    assert Agency.objects.count() == 2
    assert Program.objects.count() == 4
    assert Person.objects.count() == 60
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert "password for all: casebridge-demo" in output
    assert "Start here: maria.cm" in output
    for username in (
        "maria.cm",
        "janet.sup",
        "priya.pm",
        "rita.intake",
        "alex.admin",
        "noor.analyst",
    ):
        assert username in output
    assert set(Enrollment.objects.values_list("status", flat=True)) == set(EnrollmentStatus.values)
    assert Referral.objects.filter(status="waitlisted").exists()
    assert all(program.eligibility_criteria for program in Program.objects.all())
    assert not list(audit.verify_chain())


@pytest.mark.django_db
def test_names_are_diverse():
    _load(persons=200)
    names = " ".join(
        f"{first} {last}"
        for first, last in Person.objects.values_list("legal_first_name", "legal_last_name")
    )
    assert any(ch in names for ch in "éíñóúëłő"), "accented Latin names"
    assert "-" in names and "'" in names, "hyphens and apostrophes"
    assert any(ord(ch) > 0x3000 or 0x0400 <= ord(ch) <= 0x06FF for ch in names), "non-Latin scripts"


def _fingerprint(seed: int, persons: int) -> dict:
    """Build in a savepoint, describe what was built, roll it back (PROTECT keys and signed
    notes make deleting a loaded demo impractical)."""
    savepoint = transaction.savepoint()
    try:
        summary = DemoBuilder(seed=seed, persons=persons, today=clock.today()).build()
        return {
            "names": summary.person_names,
            "contacts": list(
                Contact.objects.order_by("id").values_list(
                    "id", "person_id", "staff_id", "status", "occurred_at", "contact_type"
                )
            ),
            "notes": list(Note.objects.order_by("id").values_list("id", "status", "sections")),
            "services": list(
                ServiceProvided.objects.order_by("id").values_list(
                    "service_type", "units", "amount"
                )
            ),
            "tasks": sorted(Task.objects.values_list("dedupe_key", "title", "assignee_id")),
        }
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db
def test_same_seed_gives_the_same_people_contacts_notes_and_tasks():
    first = _fingerprint(3, 40)
    second = _fingerprint(3, 40)
    assert len(first["names"]) == 40 and first["contacts"] and first["tasks"]
    assert first == second
    assert _fingerprint(4, 40)["contacts"] != first["contacts"]


@pytest.mark.django_db
def test_demo_enrollments_respect_the_domain_rules():
    _load(persons=150)
    today = clock.today()
    assert not Enrollment.objects.filter(
        Q(referral_date__gt=today) | Q(start_date__gt=today) | Q(end_date__gt=today)
    ).exists()
    assert not Enrollment.objects.filter(start_date__lt=F("referral_date")).exists()
    assert not Enrollment.objects.filter(end_date__lt=F("start_date")).exists()
    open_twice = (
        Enrollment.objects.exclude(status=EnrollmentStatus.DISCHARGED)
        .values("person", "program")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not open_twice.exists()
    assert not Enrollment.objects.exclude(agency_id=F("program__agency_id")).exists()
    assert not Enrollment.objects.exclude(person__agency_id=F("agency_id")).exists()


@pytest.mark.django_db
def test_if_empty_leaves_existing_data_and_plain_rerun_refuses():
    _load(persons=20)
    out = StringIO()
    call_command("demo_data", seed=99, persons=20, if_empty=True, stdout=out)
    assert "already loaded" in out.getvalue() and "maria.cm" in out.getvalue()
    assert Person.objects.count() == 20
    with pytest.raises(CommandError, match="already has data"):
        call_command("demo_data", seed=99, persons=20, stdout=StringIO())


@pytest.mark.django_db
def test_open_enrollments_have_a_realistic_contact_history():
    output = _load(persons=120)
    now, today = clock.now(), clock.today()
    completed = Contact.objects.filter(status=ContactStatus.COMPLETED)
    assert completed.count() > 500
    assert "contacts" in output and "notes" in output
    assert not completed.filter(occurred_at__gt=now).exists()
    assert not Contact.objects.exclude(agency_id=F("enrollment__agency_id")).exists()
    assert not Contact.objects.exclude(person_id=F("enrollment__person_id")).exists()
    assert not Contact.objects.filter(enrollment__status__in=["pending", "discharged"]).exists()
    assert not completed.filter(occurred_at__date__lt=F("enrollment__start_date")).exists()
    assert set(completed.values_list("contact_type", flat=True)) >= {
        ContactType.FACE_TO_FACE,
        ContactType.PHONE,
        ContactType.TEXT,
        ContactType.COLLATERAL,
        ContactType.ATTEMPTED,
    }
    assert set(completed.values_list("location", flat=True)) >= {
        ContactLocation.HOME_VISIT,
        ContactLocation.OFFICE,
        ContactLocation.COMMUNITY,
        ContactLocation.STREET_OUTREACH,
        ContactLocation.REMOTE,
    }
    assert not completed.filter(contact_type=ContactType.PHONE).exclude(location="remote").exists()
    assert not completed.filter(location="").exists()
    assert completed.exclude(summary="").count() == completed.count()
    # Most completed contacts have a note; notes are signed, but for a few recent drafts.
    notes = Note.objects.all()
    assert notes.count() > 0.7 * completed.count()
    assert not notes.exclude(contact__status=ContactStatus.COMPLETED).exists()
    assert not notes.exclude(author_id=F("contact__staff_id")).exists()
    drafts = notes.filter(status=NoteStatus.DRAFT)
    assert drafts.exists() and drafts.count() < 0.05 * notes.count()
    assert not drafts.filter(contact__occurred_at__lt=now - timedelta(days=6)).exists()
    assert not notes.filter(status=NoteStatus.SIGNED, signed_at__isnull=True).exists()
    assert not notes.filter(signed_at__gt=now).exists()
    dap = notes.filter(note_format="dap").first()
    assert set(dap.sections) == {"data", "assessment", "plan"} and all(dap.sections.values())
    # Recorded when they happened, not when the demo was loaded.
    assert Contact.objects.aggregate(first=Min("created_at"))["first"] < now - timedelta(days=30)
    assert NoteAmendment.objects.filter(note__author__username="maria.cm").exists()
    services = ServiceProvided.objects.all()
    assert services.filter(service_type=ServiceType.TRANSPORT, units__gt=0).exists()
    assert services.filter(service_type=ServiceType.FINANCIAL, amount__gt=0).exists()
    assert services.filter(service_type=ServiceType.FOOD, amount__gt=0).exists()
    # Appointments: scheduled in the next ten days, some today, for every busy case manager.
    scheduled = Contact.objects.filter(status=ContactStatus.SCHEDULED)
    first_day = timezone.localdate(scheduled.aggregate(first=Min("occurred_at"))["first"])
    last_day = timezone.localdate(scheduled.aggregate(last=Max("occurred_at"))["last"])
    assert first_day == today and last_day <= today + timedelta(days=10)
    assert not scheduled.filter(note__isnull=False).exists()
    for username in ("maria.cm", "grace.cm", "kofi.cm"):
        assert scheduled.filter(staff__username=username).count() >= 4


@pytest.mark.django_db
def test_maria_starts_with_a_day_to_work_on():
    _load(persons=300, seed=42)
    maria = User.objects.get(username="maria.cm")
    today = today_for(user=maria)
    statuses = {row["standing"].status for row in today["contacts_due"]}
    assert statuses == {OVERDUE, DUE_SOON}
    assert len(today["contacts_due"]) < today["caseload_size"], "some meet the standard"
    assert today["appointments"] and today["tasks"]
    assert {task.source for task in today["tasks"]} >= {"contact_due"}
    # Generated tasks went through the service, each with its audit event, chain intact.
    assert Task.objects.filter(dedupe_key__startswith="contact_due:").exists()
    assert not list(audit.verify_chain())


@pytest.mark.django_db
def test_scale_shape_gives_the_bench_caseload_five_years_of_contacts(monkeypatch):
    monkeypatch.setattr(generator, "BENCH_PERSONS", 3)
    monkeypatch.setattr(generator, "BENCH_YEARS", 1)
    DemoBuilder(seed=5, persons=80, scale=True).build()
    maria = User.objects.get(username=generator.BENCH_USERNAME)
    rows = (
        Contact.objects.filter(staff=maria, status=ContactStatus.COMPLETED)
        .values("enrollment_id")
        .annotate(n=Count("id"), first=Min("occurred_at"))
        .filter(n__gte=60)
    )
    assert len(rows) == 3
    year_ago = clock.now() - timedelta(days=365)
    assert all(row["first"] < year_ago + timedelta(days=20) for row in rows)
    assert Note.objects.filter(author=maria).count() > 150
    assert Task.objects.filter(assignee=maria).exists()

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from casebridge.accounts.models import Agency, Membership, Program, Role
from casebridge.core import audit, clock
from casebridge.demo.generator import DemoBuilder
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.intake.models import Referral
from casebridge.people.models import Person


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


@pytest.mark.django_db
def test_same_seed_gives_the_same_people():
    first = DemoBuilder(seed=3, persons=40, today=clock.today()).build().person_names
    Referral.objects.all().delete()
    Enrollment.objects.all().delete()
    Person.objects.all().delete()
    Membership.objects.all().delete()
    from casebridge.accounts.models import Team, User

    Team.objects.all().delete()
    Program.objects.all().delete()
    Agency.objects.all().delete()
    User.objects.all().delete()
    second = DemoBuilder(seed=3, persons=40, today=clock.today()).build().person_names
    assert first == second and len(first) == 40


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

"""Factories for tests: agencies, programs, teams, staff in every role, people and enrollments."""

import datetime
import functools
from dataclasses import dataclass, field

import factory
from django.contrib.auth.hashers import make_password

from casebridge.accounts.models import Agency, Membership, Program, ProgramModel, Role, Team, User
from casebridge.core.fields import blind_index
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.models import Person

PASSWORD = "correct horse battery staple 42"


@functools.cache
def password_hash() -> str:
    """Argon2 is slow on purpose: hash the shared test password once per run."""
    return make_password(PASSWORD)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    model = ProgramModel.ICM


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Member"
    password = factory.LazyFunction(lambda: password_hash())


def staff(agency, role, *, program=None, team=None, username=None) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    Membership.objects.create(user=user, agency=agency, role=role, program=program, team=team)
    return user


def person(agency, *, created_by=None, **fields) -> Person:
    values = {
        "legal_first_name": "Ana",
        "legal_last_name": "Pérez",
        "date_of_birth": datetime.date(1980, 5, 17),
    }
    values.update(fields)
    p = Person(agency=agency, created_by=created_by, **values)
    p.refresh_search_key()
    p.ssn_digest = blind_index(p.ssn) if p.ssn else ""
    p.save()
    return p


def enroll(
    p, program, *, case_manager=None, team=None, status=EnrollmentStatus.ACTIVE, **fields
) -> Enrollment:
    values = {"referral_date": datetime.date(2026, 1, 5)}
    if status != EnrollmentStatus.PENDING:
        values["start_date"] = datetime.date(2026, 1, 10)
    values.update(fields)
    return Enrollment.objects.create(
        person=p,
        program=program,
        agency=program.agency,
        team=team,
        primary_case_manager=case_manager,
        status=status,
        **values,
    )


@dataclass
class Side:
    """One agency with a program, a team, staff in every role and one enrolled client."""

    agency: Agency
    program: Program
    other_program: Program
    team: Team
    users: dict[str, User] = field(default_factory=dict)
    client: Person | None = None
    enrollment: Enrollment | None = None

    @classmethod
    def build(cls, label: str) -> "Side":
        agency = AgencyFactory(name=f"{label} Agency", slug=label.lower())
        program = ProgramFactory(agency=agency, name=f"{label} ICM")
        other_program = ProgramFactory(agency=agency, name=f"{label} ACT", model=ProgramModel.ACT)
        team = TeamFactory(agency=agency, program=program, name=f"{label} Team")
        side = cls(agency=agency, program=program, other_program=other_program, team=team)
        lower = label.lower()
        side.users = {
            Role.CASE_MANAGER: staff(agency, Role.CASE_MANAGER, team=team, username=f"{lower}_cm"),
            "other_case_manager": staff(agency, Role.CASE_MANAGER, username=f"{lower}_cm2"),
            Role.SUPERVISOR: staff(agency, Role.SUPERVISOR, team=team, username=f"{lower}_sup"),
            Role.PROGRAM_MANAGER: staff(
                agency, Role.PROGRAM_MANAGER, program=program, username=f"{lower}_pm"
            ),
            Role.AGENCY_ADMIN: staff(agency, Role.AGENCY_ADMIN, username=f"{lower}_admin"),
            Role.INTAKE_WORKER: staff(agency, Role.INTAKE_WORKER, username=f"{lower}_intake"),
            Role.DATA_ANALYST: staff(agency, Role.DATA_ANALYST, username=f"{lower}_analyst"),
        }
        side.client = person(
            agency,
            legal_first_name=f"{label}client",
            legal_last_name="Secret",
            ssn="123-45-6789",
            phone="555-0100",
        )
        side.enrollment = enroll(
            side.client, program, case_manager=side.users[Role.CASE_MANAGER], team=team
        )
        return side

    @property
    def case_manager(self) -> User:
        return self.users[Role.CASE_MANAGER]


@dataclass
class World:
    north: Side
    south: Side

    @classmethod
    def build(cls) -> "World":
        return cls(north=Side.build("North"), south=Side.build("South"))

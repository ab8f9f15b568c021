"""Deterministic synthetic data: two agencies, four programs, staff in every role, people and
their enrollments. Bulk inserts keep the 100k-person scale set to minutes.

The load bypasses the per-object services on purpose (it would take hours at scale) and records
one audit event describing the whole data set instead.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from casebridge.accounts.models import Agency, Membership, Program, Role, Team, User
from casebridge.core import audit, clock
from casebridge.core.fields import blind_index
from casebridge.core.models import AuditAction
from casebridge.demo import names
from casebridge.enrollments.models import (
    Destination,
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    IntensityTier,
)
from casebridge.intake.models import Channel, Referral, ReferralStatus
from casebridge.people.models import DataQuality, Person, Relationship, Sex, search_key

BATCH = 5000
STATUS_WEIGHTS = [
    (EnrollmentStatus.ACTIVE, 65),
    (EnrollmentStatus.PENDING, 10),
    (EnrollmentStatus.ON_HOLD, 8),
    (EnrollmentStatus.DISCHARGED, 17),
]


@dataclass
class DemoSummary:
    persons: int = 0
    enrollments: int = 0
    relationships: int = 0
    staff: int = 0
    referrals: int = 0
    person_names: list[str] = field(default_factory=list)


class _Ids:
    """UUIDs drawn from the seeded generator, so the same seed gives the same ids."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


@dataclass
class _TeamStaff:
    team: Team
    program: Program
    case_managers: list[User]
    supervisor: User | None = None
    current: int = 0
    load: int = 0
    extra: int = 0


def _ascii(text: str) -> str:
    return "".join(ch for ch in search_key(text) if ch.isascii() and ch.isalnum())


class DemoBuilder:
    def __init__(self, *, seed: int, persons: int, today: date | None = None):
        self.rng = random.Random(seed)
        self.new_id = _Ids(self.rng)
        self.seed = seed
        self.persons = persons
        self.today = today or clock.today()
        self.password = make_password(names.DEMO_PASSWORD)
        self.summary = DemoSummary()

    # -- organisations and staff -------------------------------------------------------------
    def _organisations(self):
        self.agencies, self.programs, self.teams = {}, {}, {}
        for spec in names.AGENCIES:
            agency = Agency.objects.create(
                id=self.new_id(),
                name=spec["name"],
                slug=spec["slug"],
                privacy_officer_email=f"privacy@{spec['slug']}.example.org",
            )
            self.agencies[spec["slug"]] = agency
            for index, (name, model, target, capacity, teams) in enumerate(spec["programs"]):
                program = Program.objects.create(
                    id=self.new_id(),
                    agency=agency,
                    name=name,
                    model=model,
                    caseload_target=target,
                    capacity=capacity,
                    eligibility_criteria=spec["criteria"][index],
                )
                self.programs[(spec["slug"], index)] = program
                for team_name in teams:
                    self.teams[team_name] = Team.objects.create(
                        id=self.new_id(), agency=agency, program=program, name=team_name
                    )

    def _user(self, username, first, last) -> User:
        return User(
            id=self.new_id(),
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@staff.example.org",
            password=self.password,
        )

    def _staff(self):
        users, memberships = [], []
        self.team_staff: dict[str, _TeamStaff] = {
            name: _TeamStaff(team=team, program=team.program, case_managers=[])
            for name, team in self.teams.items()
        }
        self.intake_by_agency: dict[str, User] = {}
        for username, first, last, slug, role, program_index, team_name in names.STAFF:
            user = self._user(username, first, last)
            users.append(user)
            agency = self.agencies[slug]
            program = self.programs[(slug, program_index)] if program_index is not None else None
            team = self.teams[team_name] if team_name else None
            if role == Role.PROGRAM_MANAGER and team is None and program is None:
                program = None
            memberships.append(
                Membership(
                    id=self.new_id(),
                    user=user,
                    agency=agency,
                    role=role,
                    program=program,
                    team=team,
                )
            )
            if role == Role.CASE_MANAGER:
                self.team_staff[team_name].case_managers.append(user)
            elif role == Role.SUPERVISOR:
                self.team_staff[team_name].supervisor = user
            elif role == Role.INTAKE_WORKER:
                self.intake_by_agency[slug] = user
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(memberships)
        self.summary.staff = len(users)

    def _case_manager_for(self, team_staff: _TeamStaff, new_users: list, new_members: list) -> User:
        """Fill each case manager up to about the program's caseload target, then the next;
        at scale, hire synthetic case managers so caseloads stay realistic."""
        limit = int(team_staff.program.caseload_target * 1.8)
        if team_staff.load >= limit:
            team_staff.current += 1
            team_staff.load = 0
        if team_staff.current >= len(team_staff.case_managers):
            team_staff.extra += 1
            slug = _ascii(team_staff.team.name)
            user = self._user(
                f"{slug}.cm{team_staff.extra}",
                "Case Manager",
                f"{team_staff.team.name} {team_staff.extra}",
            )
            new_users.append(user)
            new_members.append(
                Membership(
                    id=self.new_id(),
                    user=user,
                    agency=team_staff.team.agency,
                    role=Role.CASE_MANAGER,
                    team=team_staff.team,
                )
            )
            team_staff.case_managers.append(user)
        return team_staff.case_managers[team_staff.current]

    # -- people ------------------------------------------------------------------------------
    def _person(self, index: int, agency_slug: str) -> Person:
        rng = self.rng
        firsts, lasts, language, interpreter = rng.choices(names.NAME_POOLS, names.POOL_WEIGHTS)[0]
        first, last = rng.choice(firsts), rng.choice(lasts)
        age_days = rng.randint(18 * 365, 80 * 365)
        dob = self.today - timedelta(days=age_days)
        partial = rng.random() < 0.08
        if partial:
            dob = dob.replace(day=1)
        sex = rng.choices(
            [Sex.FEMALE, Sex.MALE, Sex.PREFERS_NOT, Sex.NOT_COLLECTED], [46, 48, 3, 3]
        )[0]
        has_ssn = rng.random() < 0.3
        ssn = (
            f"9{rng.randint(0, 99):02d}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
            if has_ssn
            else ""
        )
        housed = rng.random() < 0.75
        ascii_name = _ascii(first + last)
        agency = self.agencies[agency_slug]
        creator_pool = [self.intake_by_agency[agency_slug]] + [
            ts.case_managers[0]
            for ts in self.team_staff.values()
            if ts.team.agency_id == agency.pk and ts.case_managers
        ]
        person = Person(
            id=self.new_id(),
            agency=agency,
            created_by=rng.choice(creator_pool),
            legal_first_name=first,
            legal_last_name=last,
            legal_middle_name=rng.choice(["", "", "", "Marie", "J.", "Lee", "Ann"]),
            preferred_name=names.PREFERRED.get(first, "") if rng.random() < 0.6 else "",
            date_of_birth=dob,
            dob_data_quality=DataQuality.PARTIAL if partial else DataQuality.FULL,
            sex=sex,
            gender_identity=rng.choice(names.GENDER_IDENTITIES) if rng.random() < 0.3 else "",
            pronouns=rng.choice(names.PRONOUNS) if rng.random() < 0.6 else "",
            primary_language=language,
            other_languages="English" if language != "English" and rng.random() < 0.5 else "",
            interpreter_needed=interpreter and rng.random() < 0.6,
            phone=f"(555) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
            if rng.random() < 0.85
            else "",
            email=f"{ascii_name or 'client'}{index}@example.org" if rng.random() < 0.3 else "",
            address_line1=f"{rng.randint(1, 2400)} {rng.choice(names.STREETS)}" if housed else "",
            address_line2=f"Apt {rng.randint(1, 40)}" if housed and rng.random() < 0.4 else "",
            city=names.CITY if housed else "",
            region=names.REGION if housed else "",
            postal_code=f"1{rng.randint(4000, 4999)}" if housed else "",
            ssn=ssn,
            ssn_digest=blind_index(ssn) if ssn else "",
            ssn_data_quality=DataQuality.FULL if has_ssn else DataQuality.NOT_COLLECTED,
            medicaid_id=f"MC{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.45 else "",
            strengths="\n".join(rng.sample(names.STRENGTHS, rng.randint(1, 3))),
        )
        person.refresh_search_key()
        return person

    def _relationships(self, person: Person) -> list[Relationship]:
        rng = self.rng
        if rng.random() >= 0.4:
            return []
        out = []
        for _ in range(rng.randint(1, 2)):
            relation, household = rng.choice(names.RELATIONS)
            out.append(
                Relationship(
                    id=self.new_id(),
                    person=person,
                    name=rng.choice(names.SUPPORT_FIRST),
                    relationship=relation,
                    is_household_member=household and rng.random() < 0.5,
                    is_natural_support=True,
                    phone=f"(555) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
                    if rng.random() < 0.7
                    else "",
                )
            )
        return out

    def _enrollment(self, person: Person, program: Program, status: str, new_users, new_members):
        rng, today = self.rng, self.today
        team_staff = rng.choice(
            [ts for ts in self.team_staff.values() if ts.program.pk == program.pk]
        )
        case_manager = self._case_manager_for(team_staff, new_users, new_members)
        if status != EnrollmentStatus.DISCHARGED:
            team_staff.load += 1
        if status == EnrollmentStatus.PENDING:
            referral = today - timedelta(days=rng.randint(0, 20))
        else:
            referral = today - timedelta(days=rng.randint(30, 3 * 365))
        enrollment = Enrollment(
            id=self.new_id(),
            person=person,
            program=program,
            agency_id=program.agency_id,
            team=team_staff.team,
            primary_case_manager=case_manager,
            status=status,
            intensity_tier=rng.choice(IntensityTier.values),
            referral_date=referral,
            status_changed_at=clock.now(),
        )
        if status != EnrollmentStatus.PENDING:
            enrollment.start_date = min(referral + timedelta(days=rng.randint(0, 14)), today)
        if status == EnrollmentStatus.ON_HOLD:
            enrollment.hold_started_on = max(
                today - timedelta(days=rng.randint(1, 60)), enrollment.start_date
            )
            enrollment.hold_reason = rng.choice(names.HOLD_REASONS)
        if status == EnrollmentStatus.DISCHARGED:
            enrollment.end_date = min(
                enrollment.start_date + timedelta(days=rng.randint(30, 700)), today
            )
            enrollment.discharge_reason = rng.choice(DischargeReason.values)
            enrollment.destination = rng.choice(
                [
                    Destination.RENTAL_SUBSIDY,
                    Destination.RENTAL_NO_SUBSIDY,
                    Destination.FAMILY_PERMANENT,
                    Destination.EMERGENCY_SHELTER,
                    Destination.JAIL,
                    Destination.DOESNT_KNOW,
                ]
            )
        care_team = []
        if status != EnrollmentStatus.DISCHARGED and rng.random() < 0.2 and team_staff.supervisor:
            care_team.append(team_staff.supervisor)
        return enrollment, care_team

    def _referrals(self) -> None:
        """A working intake desk: a dozen referrals per agency in every open status."""
        rng, now = self.rng, clock.now()
        referrals = []
        for slug, agency in self.agencies.items():
            for index in range(12):
                firsts, lasts, _, _ = rng.choices(names.NAME_POOLS, names.POOL_WEIGHTS)[0]
                source, referrer, organization = rng.choice(names.REFERRERS)
                status = [ReferralStatus.NEW, ReferralStatus.SCREENING, ReferralStatus.WAITLISTED][
                    index % 3
                ]
                facts = (
                    {
                        "homeless": rng.random() < 0.7,
                        "ed_visits_6m": rng.randint(0, 6),
                        "vulnerability": rng.randint(1, 10),
                    }
                    if status != ReferralStatus.NEW
                    else {}
                )
                referrals.append(
                    Referral(
                        id=self.new_id(),
                        agency=agency,
                        program=self.programs[(slug, index % 2)],
                        status=status,
                        channel=Channel.STAFF if source != "family" else Channel.SELF,
                        first_name=rng.choice(firsts),
                        last_name=rng.choice(lasts),
                        date_of_birth=self.today - timedelta(days=rng.randint(19 * 365, 70 * 365)),
                        phone=f"(555) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                        source_type=source,
                        referrer_name=referrer,
                        referrer_organization=organization,
                        reason=rng.choice(names.REFERRAL_REASONS),
                        urgency=rng.choices(["routine", "urgent", "emergent"], [6, 3, 1])[0],
                        consent_to_contact=True,
                        facts=facts,
                        received_at=now
                        - timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23)),
                        assigned_to=self.intake_by_agency[slug] if index % 2 else None,
                    )
                )
        Referral.objects.bulk_create(referrals)
        self.summary.referrals = len(referrals)

    # -- the whole load ----------------------------------------------------------------------
    def build(self) -> DemoSummary:
        with transaction.atomic():
            self._organisations()
            self._staff()
            through = Enrollment.care_team.through
            slugs = list(self.agencies)
            for start in range(0, self.persons, BATCH):
                people, relationships, enrollments, links, new_users, new_members = (
                    [],
                    [],
                    [],
                    [],
                    [],
                    [],
                )
                for index in range(start, min(start + BATCH, self.persons)):
                    slug = slugs[0] if self.rng.random() < 0.55 else slugs[1]
                    person = self._person(index, slug)
                    people.append(person)
                    relationships.extend(self._relationships(person))
                    first_program = self.programs[(slug, 0 if self.rng.random() < 0.6 else 1)]
                    status = self.rng.choices(*zip(*STATUS_WEIGHTS, strict=True))[0]
                    chosen = [(first_program, status)]
                    if self.rng.random() < 0.1:
                        other = self.programs[
                            (slug, 1 if first_program == self.programs[(slug, 0)] else 0)
                        ]
                        chosen.append(
                            (
                                other,
                                self.rng.choice(
                                    [EnrollmentStatus.DISCHARGED, EnrollmentStatus.ACTIVE]
                                ),
                            )
                        )
                    for program, program_status in chosen:
                        enrollment, care_team = self._enrollment(
                            person, program, program_status, new_users, new_members
                        )
                        enrollments.append(enrollment)
                        links.extend(
                            through(enrollment_id=enrollment.pk, user_id=u.pk) for u in care_team
                        )
                User.objects.bulk_create(new_users)
                Membership.objects.bulk_create(new_members)
                Person.objects.bulk_create(people, batch_size=1000)
                Relationship.objects.bulk_create(relationships, batch_size=1000)
                Enrollment.objects.bulk_create(enrollments, batch_size=1000)
                through.objects.bulk_create(links, batch_size=1000)
                self.summary.persons += len(people)
                self.summary.relationships += len(relationships)
                self.summary.enrollments += len(enrollments)
                self.summary.staff += len(new_users)
                if start == 0:
                    self.summary.person_names = [p.legal_name for p in people[:50]]
            self._referrals()
            audit.record(
                actor=None,
                action=AuditAction.IMPORT,
                object_type="demo.dataset",
                object_id=str(self.seed),
                data={
                    "persons": self.summary.persons,
                    "enrollments": self.summary.enrollments,
                    "relationships": self.summary.relationships,
                    "staff": self.summary.staff,
                },
            )
        return self.summary

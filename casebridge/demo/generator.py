"""Deterministic synthetic data: two agencies, four programs, staff in every role, people and
their enrollments, the contact history of open enrollments (with notes, services, a few
amendments), upcoming appointments, and the tasks the rules generate from all that. Bulk inserts
keep the 100k-person scale set to minutes.

The load bypasses the per-object services on purpose (it would take hours at scale) and records
one audit event describing the whole data set instead.

Two shapes, by size:

* the demo (fewer than ``SCALE_PERSONS`` people): every active or on-hold enrollment has a
  contact history since its start (at most six months), in a mix of rhythms so that the Today
  page shows people who meet their program's contact standard, are due soon, or are overdue.
  Tasks come from ``casebridge.tasks.rules.generate_due_tasks()``, exactly as the daily job
  makes them.
* the scale set (``make bench``): one in ten open enrollments has two months of contacts, except
  the *bench caseload*: ``BENCH_USERNAME`` (maria.cm) gets ``BENCH_PERSONS`` active enrollments
  with ``BENCH_YEARS`` years of contacts each, about two a week (~20,000 contacts with notes).
  Tasks come from the same rules (``candidates_for``), bulk-inserted without one audit event per
  task (a quarter of a million audited single inserts would take most of an hour).
"""

import random
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from casebridge.accounts.models import Agency, Membership, Program, Role, Team, User
from casebridge.contacts.models import (
    Contact,
    ContactLocation,
    ContactStatus,
    ContactType,
    Note,
    NoteAmendment,
    NoteFormat,
    NoteStatus,
    ServiceProvided,
    ServiceType,
)
from casebridge.core import audit, clock
from casebridge.core.fields import blind_index
from casebridge.core.models import AuditAction
from casebridge.demo import names
from casebridge.demo import notes as texts
from casebridge.demo.clinical import build_clinical, build_flags
from casebridge.demo.directory import build_directory, build_referrals
from casebridge.enrollments.models import (
    Destination,
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    IntensityTier,
)
from casebridge.intake.models import Channel, Referral, ReferralStatus
from casebridge.people.models import DataQuality, Person, Relationship, Sex, search_key
from casebridge.tasks.models import Task, TaskStatus

BATCH = 5000
STATUS_WEIGHTS = [
    (EnrollmentStatus.ACTIVE, 65),
    (EnrollmentStatus.PENDING, 10),
    (EnrollmentStatus.ON_HOLD, 8),
    (EnrollmentStatus.DISCHARGED, 17),
]

# From this many people on, build the scale shape (see the module docstring).
SCALE_PERSONS = 10_000
# The bench caseload: a known case manager with long, dense histories (bench/run.py uses it).
BENCH_USERNAME = "maria.cm"
BENCH_PERSONS = 40
BENCH_YEARS = 5
BENCH_GAP_DAYS = 3.3  # about two contacts a week (~500 in five years)
# Demo histories go back at most six months (enough for Today, the timeline and a quick build).
DEMO_HISTORY_DAYS = 183
# Scale set: the share of other open enrollments with a history, and how far back it goes.
SCALE_HISTORY_SHARE = 0.1
SCALE_HISTORY_DAYS = 60

# Contact rhythms: (name, weight, gap as a multiple of the standard's gap). "drifting" people
# were seen regularly but not in the last weeks; "hard to reach" ones mostly get attempts.
RHYTHMS = [("engaged", 40, 0.55), ("steady", 25, 0.9), ("drifting", 20, 0.6), ("hard", 15, 1.4)]
CONTACT_TYPES = [
    ContactType.FACE_TO_FACE,
    ContactType.PHONE,
    ContactType.TEXT,
    ContactType.COLLATERAL,
    ContactType.ATTEMPTED,
    ContactType.VIDEO,
]
TYPE_WEIGHTS = [52, 18, 9, 8, 9, 4]
HARD_TYPE_WEIGHTS = [30, 14, 12, 6, 36, 2]
F2F_LOCATIONS = [
    ContactLocation.HOME_VISIT,
    ContactLocation.OFFICE,
    ContactLocation.COMMUNITY,
    ContactLocation.STREET_OUTREACH,
    ContactLocation.HOSPITAL,
    ContactLocation.JAIL,
]
F2F_WEIGHTS_HOUSED = [45, 20, 25, 2, 5, 3]
F2F_WEIGHTS_UNHOUSED = [5, 20, 30, 35, 6, 4]
DURATIONS = {  # (low, high) minutes, or None: not recorded
    ContactType.FACE_TO_FACE: (20, 90),
    ContactType.PHONE: (5, 30),
    ContactType.VIDEO: (20, 45),
    ContactType.TEXT: None,
    ContactType.COLLATERAL: (10, 30),
    ContactType.ATTEMPTED: (5, 20),
}
NOTE_SHARE = {  # share of completed contacts of each type with a note
    ContactType.FACE_TO_FACE: 0.93,
    ContactType.PHONE: 0.85,
    ContactType.VIDEO: 0.9,
    ContactType.TEXT: 0.3,
    ContactType.COLLATERAL: 0.85,
    ContactType.ATTEMPTED: 0.6,
}
NOTE_FORMATS = [NoteFormat.DAP, NoteFormat.SOAP, NoteFormat.GIRP, NoteFormat.FREE]
NOTE_FORMAT_WEIGHTS = [75, 8, 7, 10]
# (service, weight, units choices, amount choices or None)
SERVICES = [
    (ServiceType.TRANSPORT, 30, [1, 1, 2, 3], None),
    (ServiceType.FOOD, 18, [1], [25, 40, 50]),
    (ServiceType.FINANCIAL, 8, [1], [60, 85, 120, 150, 240, 300, 425]),
    (ServiceType.HOUSING_SEARCH, 15, [1, 1.5, 2, 3], None),
    (ServiceType.BENEFITS, 12, [1, 2], None),
    (ServiceType.MEDICATION, 9, [1], None),
    (ServiceType.ADVOCACY, 4, [1], None),
    (ServiceType.SKILLS, 4, [1, 2], None),
]


@dataclass
class DemoSummary:
    persons: int = 0
    enrollments: int = 0
    relationships: int = 0
    staff: int = 0
    referrals: int = 0
    contacts: int = 0
    notes: int = 0
    draft_notes: int = 0
    services: int = 0
    amendments: int = 0
    appointments: int = 0
    tasks: int = 0
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


@dataclass(slots=True)
class _Open:
    """What the contact history needs of an open enrollment (kept light for 100k people)."""

    enrollment_id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    staff_id: int
    standard: dict
    status: str
    start_date: date
    hold_started_on: date | None
    housed: bool
    bench: bool = False


@dataclass
class _History:
    contacts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    services: list = field(default_factory=list)
    amendments: list = field(default_factory=list)


@contextmanager
def _historic_timestamps(*models):
    """Let bulk_create keep the created_at / updated_at we set (a note written last March says
    so), instead of stamping every generated row with the time of the load."""
    fields = [
        (f, f.auto_now, f.auto_now_add)
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _auto_now, _auto_now_add in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in fields:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _ascii(text: str) -> str:
    return "".join(ch for ch in search_key(text) if ch.isascii() and ch.isalnum())


class DemoBuilder:
    def __init__(
        self, *, seed: int, persons: int, today: date | None = None, scale: bool | None = None
    ):
        self.rng = random.Random(seed)
        self.new_id = _Ids(self.rng)
        self.seed = seed
        self.persons = persons
        self.today = today or clock.today()
        # Generated history never reaches past this moment (the end of yesterday if ``today``
        # is not the real today).
        self.now = min(clock.now(), timezone.make_aware(datetime.combine(self.today, time(23, 59))))
        self.scale = persons >= SCALE_PERSONS if scale is None else scale
        self.tz = timezone.get_default_timezone()
        self.password = make_password(names.DEMO_PASSWORD)
        self.summary = DemoSummary()
        self.open: list[_Open] = []
        self.bench_ids: set[uuid.UUID] = set()

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
                    contact_standard=dict(spec["standards"][index]),
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

    # -- the bench caseload (scale set) -----------------------------------------------------
    def _bench_caseload(self, enrollments: list[Enrollment]) -> None:
        """Give BENCH_USERNAME BENCH_PERSONS active enrollments that started BENCH_YEARS ago:
        their own, topped up from team-mates in the first batch."""
        team_staff = next(
            ts
            for ts in self.team_staff.values()
            if any(u.username == BENCH_USERNAME for u in ts.case_managers)
        )
        bench_user = next(u for u in team_staff.case_managers if u.username == BENCH_USERNAME)
        active = [
            e
            for e in enrollments
            if e.team.pk == team_staff.team.pk and e.status == EnrollmentStatus.ACTIVE
        ]
        chosen = [e for e in active if e.primary_case_manager.pk == bench_user.pk]
        chosen += [e for e in active if e.primary_case_manager.pk != bench_user.pk][
            : max(0, BENCH_PERSONS - len(chosen))
        ]
        for enrollment in chosen[:BENCH_PERSONS]:
            enrollment.primary_case_manager = bench_user
            enrollment.referral_date = self.today - timedelta(
                days=BENCH_YEARS * 365 + self.rng.randint(20, 60)
            )
            enrollment.start_date = enrollment.referral_date + timedelta(
                days=self.rng.randint(0, 14)
            )
            self.bench_ids.add(enrollment.pk)

    def _remember_open(self, enrollments: list[Enrollment], people: list[Person]) -> None:
        housed = {p.pk: bool(p.address_line1) for p in people}
        for e in enrollments:
            if e.status not in (EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD):
                continue
            self.open.append(
                _Open(
                    enrollment_id=e.pk,
                    person_id=e.person.pk,
                    agency_id=e.agency_id,
                    staff_id=e.primary_case_manager.pk,
                    standard=e.program.contact_standard,
                    status=e.status,
                    start_date=e.start_date,
                    hold_started_on=e.hold_started_on,
                    housed=housed[e.person.pk],
                    bench=e.pk in self.bench_ids,
                )
            )

    # -- contacts, notes, services -----------------------------------------------------------
    def _at(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _histories(self) -> _History:
        rng, today = self.rng, self.today
        out = _History()
        yesterday = today - timedelta(days=1)
        for o in self.open:
            if o.bench:
                first = o.start_date
            elif self.scale:
                if rng.random() >= SCALE_HISTORY_SHARE:
                    continue
                first = max(o.start_date, today - timedelta(days=SCALE_HISTORY_DAYS))
            else:
                first = max(o.start_date, today - timedelta(days=DEMO_HISTORY_DAYS))
            rhythm, _weight, factor = rng.choices(RHYTHMS, [r[1] for r in RHYTHMS])[0]
            per_month = int(o.standard.get("contacts_per_month") or 4)
            gap = BENCH_GAP_DAYS if o.bench else 30 / per_month * factor
            last = yesterday
            if rhythm == "drifting":
                last = today - timedelta(days=rng.randint(9, 35))
            if o.status == EnrollmentStatus.ON_HOLD and o.hold_started_on:
                last = min(last, o.hold_started_on - timedelta(days=1))
            day = first + timedelta(days=rng.randint(0, max(1, int(gap))))
            while day <= last:
                if day.weekday() >= 5 and rng.random() < 0.85:  # mostly weekdays
                    day += timedelta(days=7 - day.weekday())
                    if day > last:
                        break
                self._contact(o, day, rhythm == "hard", out)
                day += timedelta(days=max(1, round(gap * rng.uniform(0.4, 1.6))))
        return out

    def _contact(self, o: _Open, day: date, hard: bool, out: _History) -> None:
        rng = self.rng
        kind = rng.choices(CONTACT_TYPES, HARD_TYPE_WEIGHTS if hard else TYPE_WEIGHTS)[0]
        when = self._at(day, rng.randint(8, 17), rng.choice((0, 10, 15, 30, 40, 45)))
        status = ContactStatus.CANCELLED if rng.random() < 0.03 else ContactStatus.COMPLETED
        participants = ""
        if kind == ContactType.FACE_TO_FACE:
            location = rng.choices(
                F2F_LOCATIONS, F2F_WEIGHTS_HOUSED if o.housed else F2F_WEIGHTS_UNHOUSED
            )[0]
            if location == ContactLocation.HOSPITAL:
                purpose = rng.choice(texts.HOSPITAL_PURPOSES)
            elif location == ContactLocation.JAIL:
                purpose = rng.choice(texts.JAIL_PURPOSES)
            else:
                purpose = rng.choice(texts.PURPOSES[kind])
            participants = rng.choice(texts.FACE_TO_FACE_PARTICIPANTS)
        elif kind == ContactType.COLLATERAL:
            location = rng.choice([ContactLocation.REMOTE, ContactLocation.REMOTE, "office"])
            purpose = rng.choice(texts.PURPOSES[kind])
            participants = rng.choice(texts.COLLATERAL_PARTICIPANTS)
        elif kind == ContactType.ATTEMPTED:
            location = rng.choice(
                [ContactLocation.HOME_VISIT, ContactLocation.REMOTE]
                if o.housed
                else [ContactLocation.STREET_OUTREACH, ContactLocation.REMOTE]
            )
            purpose = rng.choice(texts.PURPOSES[kind])
        else:
            location = ContactLocation.REMOTE
            purpose = rng.choice(texts.PURPOSES[kind])
        span = DURATIONS[kind]
        duration = rng.randint(*span) // 5 * 5 or 5 if span else None
        if status == ContactStatus.CANCELLED:
            purpose, duration, participants = rng.choice(texts.CANCELLED_PURPOSES), None, ""
        late = rng.random() < 0.04
        recorded = when + timedelta(
            minutes=(duration or 5) + rng.randint(5, 240), days=rng.randint(1, 4) if late else 0
        )
        recorded = min(recorded, self.now)
        contact = Contact(
            id=self.new_id(),
            person_id=o.person_id,
            agency_id=o.agency_id,
            enrollment_id=o.enrollment_id,
            staff_id=o.staff_id,
            status=status,
            occurred_at=when,
            duration_minutes=duration,
            contact_type=kind,
            location=location,
            participants=participants,
            summary=purpose,
            late_entry=recorded - when > timedelta(hours=24),
            created_at=recorded,
            updated_at=recorded,
        )
        out.contacts.append(contact)
        if status != ContactStatus.COMPLETED or rng.random() >= NOTE_SHARE[kind]:
            return
        note = self._note(o, contact, kind)
        out.notes.append(note)
        if (
            kind == ContactType.FACE_TO_FACE
            and rng.random() < 0.25
            or (kind == ContactType.COLLATERAL and rng.random() < 0.05)
        ):
            for service_type, _weight, units, amounts in rng.choices(
                SERVICES, [s[1] for s in SERVICES], k=1 if rng.random() < 0.85 else 2
            ):
                out.services.append(
                    ServiceProvided(
                        id=self.new_id(),
                        contact_id=contact.pk,
                        service_type=service_type,
                        units=Decimal(str(rng.choice(units))),
                        amount=Decimal(rng.choice(amounts)) if amounts else None,
                        created_at=recorded,
                        updated_at=recorded,
                    )
                )
        if note.status == NoteStatus.SIGNED and (
            rng.random() < 0.0015 or (o.staff_id == self.featured_id and not out.amendments)
        ):
            out.amendments.append(self._amendment(note))

    def _note(self, o: _Open, contact: Contact, kind: str) -> Note:
        rng = self.rng
        if kind == ContactType.ATTEMPTED:
            note_format, sections = NoteFormat.FREE, {"text": rng.choice(texts.ATTEMPTED_NOTES)}
        else:
            note_format = rng.choices(NOTE_FORMATS, NOTE_FORMAT_WEIGHTS)[0]
            sections = self._sections(note_format)
        recorded = contact.created_at
        draft = (self.today - contact.occurred_at.date()).days <= 4 and rng.random() < 0.5
        signed_at = (
            None if draft else min(recorded + timedelta(minutes=rng.randint(1, 90)), self.now)
        )
        return Note(
            id=self.new_id(),
            contact_id=contact.pk,
            person_id=o.person_id,
            agency_id=o.agency_id,
            author_id=o.staff_id,
            note_format=note_format,
            sections=sections,
            status=NoteStatus.DRAFT if draft else NoteStatus.SIGNED,
            signed_at=signed_at,
            created_at=recorded,
            updated_at=signed_at or recorded,
        )

    def _sections(self, note_format: str) -> dict:
        rng = self.rng

        def some(pool, most=2):
            return " ".join(rng.sample(pool, rng.randint(1, most)))

        if note_format == NoteFormat.DAP:
            return {
                "data": some(texts.DATA),
                "assessment": some(texts.ASSESSMENT),
                "plan": some(texts.PLAN),
            }
        if note_format == NoteFormat.SOAP:
            return {
                "subjective": some(texts.SUBJECTIVE, 1),
                "objective": some(texts.OBJECTIVE, 1),
                "assessment": some(texts.ASSESSMENT),
                "plan": some(texts.PLAN),
            }
        if note_format == NoteFormat.GIRP:
            return {
                "goal": some(texts.GOAL, 1),
                "intervention": some(texts.INTERVENTION),
                "response": some(texts.RESPONSE, 1),
                "plan": some(texts.PLAN),
            }
        return {"text": rng.choice(texts.FREE)}

    def _amendment(self, note: Note) -> NoteAmendment:
        text, reason = self.rng.choice(texts.AMENDMENTS)
        written = min(note.signed_at + timedelta(days=self.rng.randint(1, 5)), self.now)
        return NoteAmendment(
            id=self.new_id(),
            note_id=note.pk,
            author_id=note.author_id,
            text=text,
            reason=reason,
            created_at=written,
            updated_at=written,
        )

    def _appointments(self) -> list[Contact]:
        """Four to eight scheduled contacts for each case manager with an active caseload over
        the next ten days, two to four of them today."""
        rng, today = self.rng, self.today
        by_staff: dict[int, list[_Open]] = {}
        for o in self.open:
            if o.status == EnrollmentStatus.ACTIVE:
                by_staff.setdefault(o.staff_id, []).append(o)
        booked = clock.now() - timedelta(days=3)
        out = []
        for staff_id in sorted(by_staff):
            caseload = by_staff[staff_id]
            count = rng.randint(4, 8)
            todays = rng.randint(2, 4)
            for index in range(count):
                o = rng.choice(caseload)
                day = today if index < todays else today + timedelta(days=rng.randint(1, 10))
                if rng.random() < 0.75:
                    kind = ContactType.FACE_TO_FACE
                    location = rng.choice(
                        [ContactLocation.HOME_VISIT, ContactLocation.OFFICE, "community"]
                        if o.housed
                        else [ContactLocation.STREET_OUTREACH, ContactLocation.OFFICE]
                    )
                else:
                    kind, location = ContactType.PHONE, ContactLocation.REMOTE
                out.append(
                    Contact(
                        id=self.new_id(),
                        person_id=o.person_id,
                        agency_id=o.agency_id,
                        enrollment_id=o.enrollment_id,
                        staff_id=staff_id,
                        status=ContactStatus.SCHEDULED,
                        occurred_at=self._at(day, rng.randint(9, 16), rng.choice((0, 30))),
                        duration_minutes=rng.choice((30, 45, 60)),
                        contact_type=kind,
                        location=location,
                        summary=rng.choice(texts.PURPOSES[kind]),
                        created_at=booked,
                        updated_at=booked,
                    )
                )
        return out

    def _contacts(self) -> None:
        self.featured_id = next(
            u.pk
            for ts in self.team_staff.values()
            for u in ts.case_managers
            if u.username == BENCH_USERNAME
        )
        history = self._histories()
        appointments = self._appointments()
        with _historic_timestamps(Contact, Note, NoteAmendment, ServiceProvided):
            for model, rows in (
                (Contact, history.contacts),
                (Contact, appointments),
                (Note, history.notes),
                (ServiceProvided, history.services),
                (NoteAmendment, history.amendments),
            ):
                for start in range(0, len(rows), BATCH):
                    model.objects.bulk_create(rows[start : start + BATCH], batch_size=1000)
        self.summary.contacts = len(history.contacts) + len(appointments)
        self.summary.appointments = len(appointments)
        self.summary.notes = len(history.notes)
        self.summary.draft_notes = sum(n.status == NoteStatus.DRAFT for n in history.notes)
        self.summary.services = len(history.services)
        self.summary.amendments = len(history.amendments)

    # -- tasks -------------------------------------------------------------------------------
    def _tasks(self) -> int:
        """The tasks the daily job would create now (see the module docstring)."""
        from casebridge.tasks import rules

        if not self.scale:
            with transaction.atomic():
                rules.generate_due_tasks(today=self.today)
            return Task.objects.count()
        enrollments = (
            Enrollment.objects.filter(
                status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD],
                primary_case_manager__isnull=False,
            )
            .select_related("program")
            .order_by("pk")
            .iterator(chunk_size=rules.CHUNK)
        )
        created = 0
        with override(settings.LANGUAGE_CODE), transaction.atomic():
            while chunk := list(islice(enrollments, rules.CHUNK)):
                tasks = [
                    Task(
                        id=self.new_id(),
                        person_id=c.enrollment.person_id,
                        agency_id=c.enrollment.agency_id,
                        assignee_id=c.enrollment.primary_case_manager_id,
                        title=str(c.title)[:200],
                        due_at=timezone.make_aware(datetime.combine(c.due, time(17, 0))),
                        priority=c.priority,
                        status=TaskStatus.OPEN,
                        source=c.source,
                        dedupe_key=c.key,
                    )
                    for c in rules.candidates_for(chunk, self.today)
                ]
                Task.objects.bulk_create(tasks, batch_size=1000, ignore_conflicts=True)
                created += len(tasks)
        return created

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
                if self.scale and start == 0:
                    self._bench_caseload(enrollments)
                User.objects.bulk_create(new_users)
                Membership.objects.bulk_create(new_members)
                Person.objects.bulk_create(people, batch_size=1000)
                Relationship.objects.bulk_create(relationships, batch_size=1000)
                Enrollment.objects.bulk_create(enrollments, batch_size=1000)
                through.objects.bulk_create(links, batch_size=1000)
                self._remember_open(enrollments, people)
                self.summary.persons += len(people)
                self.summary.relationships += len(relationships)
                self.summary.enrollments += len(enrollments)
                self.summary.staff += len(new_users)
                if start == 0:
                    self.summary.person_names = [p.legal_name for p in people[:50]]
            self._referrals()
            self._contacts()
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
                    "contacts": self.summary.contacts,
                    "notes": self.summary.notes,
                },
            )
            if not self.scale:
                build_directory(next(iter(self.agencies.values())))
                build_clinical(
                    random.Random(self.seed * 31 + 7),
                    Enrollment.objects.filter(
                        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD]
                    ).select_related("program"),
                    self.today,
                )
            if not self.scale:
                build_referrals()
                build_flags(User.objects.get(username=names.STAFF[0][0]), self.today)
            self.open = []
            self.summary.tasks = self._tasks()
        return self.summary

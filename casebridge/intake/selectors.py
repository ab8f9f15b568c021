"""Referral reads: the intake inbox, screening, priority, capacity and metrics."""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from casebridge.accounts.models import Program
from casebridge.core import clock
from casebridge.core.errors import NotVisible
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.intake import eligibility
from casebridge.intake.models import URGENCY_POINTS, Referral, ReferralStatus


def referral_inbox(
    *, user, status: str = "", program_id=None, urgency: str = "", older_than_days=None
):
    referrals = Referral.objects.visible_to(user)
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    elif status == "open":
        referrals = referrals.filter(
            status__in=[ReferralStatus.NEW, ReferralStatus.SCREENING, ReferralStatus.WAITLISTED]
        )
    if program_id:
        referrals = referrals.filter(program_id=program_id)
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if older_than_days:
        referrals = referrals.filter(received_at__lte=clock.now() - timedelta(days=older_than_days))
    return referrals.select_related("program", "assigned_to").order_by("-received_at", "id")


def referral_get(*, user, referral_id) -> Referral:
    try:
        return (
            Referral.objects.visible_to(user)
            .select_related("program", "agency", "assigned_to", "person", "enrollment")
            .get(pk=referral_id)
        )
    except (Referral.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def screening_facts(referral: Referral) -> dict:
    facts = dict(referral.facts)
    dob = referral.person.date_of_birth if referral.person_id else referral.date_of_birth
    if dob and "age" not in facts:
        today = clock.today()
        facts["age"] = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return facts


@dataclass
class Screening:
    program: Program | None
    results: list
    outcome: str
    suggestions: list


def referral_screening(referral: Referral) -> Screening:
    """Each criterion of the requested program, and other programs whose criteria do not fail."""
    facts = screening_facts(referral)
    program = referral.program
    results = eligibility.screen(program.eligibility_criteria, facts) if program else []
    suggestions = []
    for other in Program.objects.filter(agency_id=referral.agency_id, is_active=True).exclude(
        pk=getattr(program, "pk", None)
    ):
        outcome = eligibility.overall(eligibility.screen(other.eligibility_criteria, facts))
        if outcome != eligibility.FAIL:
            suggestions.append((other, outcome))
    return Screening(program, results, eligibility.overall(results), suggestions)


@dataclass
class PriorityPart:
    factor: str
    value: float
    weight: float

    @property
    def points(self) -> float:
        return round(self.value * self.weight, 1)


def referral_priority(referral: Referral) -> tuple[float, list[PriorityPart]]:
    """The waitlist score and its breakdown, from the program's weights."""
    weights = (referral.program.waitlist_weights if referral.program_id else {}) or {}
    facts = screening_facts(referral)
    days = max((clock.now() - referral.received_at).days, 0)
    parts = [
        PriorityPart("urgency", URGENCY_POINTS.get(referral.urgency, 0), weights.get("urgency", 0)),
        PriorityPart(
            "vulnerability", facts.get("vulnerability") or 0, weights.get("vulnerability", 0)
        ),
        PriorityPart("days_waiting", days, weights.get("days_waiting", 0)),
        PriorityPart("utilisation", facts.get("ed_visits_6m") or 0, weights.get("utilisation", 0)),
    ]
    return round(sum(p.points for p in parts), 1), parts


def waitlist(*, user, program):
    """Waitlisted referrals for ``program``, highest priority first (ties: longest waiting)."""
    rows = []
    for referral in referral_inbox(
        user=user, status=ReferralStatus.WAITLISTED, program_id=program.pk
    ):
        score, parts = referral_priority(referral)
        rows.append((score, referral, parts))
    rows.sort(key=lambda row: (-row[0], row[1].received_at))
    return rows


@dataclass
class Capacity:
    capacity: int
    enrolled: int
    offers: int

    @property
    def available(self) -> int:
        return max(self.capacity - self.enrolled - self.offers, 0)


def program_capacity(program: Program) -> Capacity:
    enrolled = Enrollment.objects.filter(
        program=program,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD, EnrollmentStatus.PENDING],
    ).count()
    offers = Referral.objects.filter(
        program=program, status=ReferralStatus.WAITLISTED, offered_at__isnull=False
    ).count()
    return Capacity(capacity=program.capacity, enrolled=enrolled, offers=offers)


@dataclass
class IntakeMetrics:
    received: int
    decided: int
    accepted: int
    median_days_to_decision: float | None

    @property
    def acceptance_rate(self) -> float | None:
        return round(100 * self.accepted / self.decided) if self.decided else None


def intake_metrics(*, user, days: int = 90) -> IntakeMetrics:
    since = clock.now() - timedelta(days=days)
    referrals = Referral.objects.visible_to(user).filter(received_at__gte=since)
    decided = list(
        referrals.filter(
            Q(status=ReferralStatus.ACCEPTED) | Q(status=ReferralStatus.DECLINED)
        ).values_list("status", "received_at", "decided_at")
    )
    waits = [
        (decided_at - received).total_seconds() / 86400
        for _, received, decided_at in decided
        if decided_at
    ]
    return IntakeMetrics(
        received=referrals.count(),
        decided=len(decided),
        accepted=sum(1 for status, _, _ in decided if status == ReferralStatus.ACCEPTED),
        median_days_to_decision=round(statistics.median(waits), 1) if waits else None,
    )

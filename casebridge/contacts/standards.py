"""Contact standards of a program (e.g. ≥ 4 contacts a month, a face-to-face visit at least every
14 days), and each enrollment's standing against them: met, due soon or overdue.

Months and days are the agency's local calendar (settings.TIME_ZONE), so a contact at 23:30 on
the last day of the month counts in that month whatever its UTC time, and a 14-day window is
14 calendar days across a daylight-saving change.
"""

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.contacts.models import Contact, ContactStatus, ContactType
from casebridge.core import clock

MET, DUE_SOON, OVERDUE, NOT_APPLICABLE = "met", "due_soon", "overdue", "n/a"
LABELS = {
    MET: _("Met"),
    DUE_SOON: _("Due soon"),
    OVERDUE: _("Overdue"),
    NOT_APPLICABLE: _("Not applicable"),
}
RANK = {NOT_APPLICABLE: 0, MET: 1, DUE_SOON: 2, OVERDUE: 3}
DUE_SOON_DAYS = 3


@dataclass
class Check:
    code: str
    status: str
    detail: str
    due: date | None = None


@dataclass
class Standing:
    status: str = NOT_APPLICABLE
    checks: list[Check] = field(default_factory=list)
    month_count: int = 0
    last_face_to_face: date | None = None

    @property
    def label(self):
        return LABELS[self.status]

    @property
    def first_due(self) -> date | None:
        dues = [c.due for c in self.checks if c.due and c.status != MET]
        return min(dues) if dues else None


def month_start(day: date) -> datetime:
    """Midnight on the first of ``day``'s month, in the agency's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, 1))


def evaluate(
    standard: dict,
    *,
    today: date,
    month_count: int,
    last_face_to_face: date | None,
    start_date: date | None,
) -> Standing:
    """The standing of one enrollment, from its counts (pure; see ``standings_for``)."""
    standing = Standing(month_count=month_count, last_face_to_face=last_face_to_face)
    per_month = int(standard.get("contacts_per_month") or 0)
    if per_month:
        days_in_month = calendar.monthrange(today.year, today.month)[1]
        month_end = today.replace(day=days_in_month)
        # An episode that started this month owes only its share of the month.
        first_day = 1
        if start_date and (start_date.year, start_date.month) == (today.year, today.month):
            first_day = start_date.day
        window = days_in_month - first_day + 1
        target = max(1, math.ceil(per_month * window / days_in_month))
        elapsed = today.day - first_day + 1 if today.day > first_day else 0
        expected_by_today = target * elapsed // window
        if month_count >= target:
            status = MET
        elif month_count < expected_by_today:
            status = OVERDUE
        else:
            status = DUE_SOON
        standing.checks.append(
            Check(
                "contacts_per_month",
                status,
                _("%(count)s of %(target)s contacts this month")
                % {"count": month_count, "target": target},
                month_end,
            )
        )
    f2f_days = int(standard.get("face_to_face_within_days") or 0)
    reference = last_face_to_face or start_date
    if f2f_days and reference:
        due = reference + timedelta(days=f2f_days)
        if due < today:
            status = OVERDUE
        elif (due - today).days <= DUE_SOON_DAYS:
            status = DUE_SOON
        else:
            status = MET
        detail = (
            _("Last face to face %(date)s") % {"date": last_face_to_face.isoformat()}
            if last_face_to_face
            else _("No face-to-face contact yet")
        )
        standing.checks.append(Check("face_to_face", status, detail, due))
    if standing.checks:
        standing.status = max((c.status for c in standing.checks), key=RANK.__getitem__)
    return standing


def standings_for(enrollments, *, today: date | None = None) -> dict:
    """Standing of each active enrollment against its program's standard, in one query."""
    today = today or clock.today()
    active = [e for e in enrollments if e.status == "active"]
    if not active:
        return {}
    start = month_start(today)
    counted = ~Q(contact_type=ContactType.ATTEMPTED)
    rows = (
        Contact.objects.filter(
            enrollment_id__in=[e.pk for e in active], status=ContactStatus.COMPLETED
        )
        .order_by()
        .values("enrollment_id")
        .annotate(
            month_count=Count("id", filter=counted & Q(occurred_at__gte=start)),
            last_f2f=Max("occurred_at", filter=Q(contact_type=ContactType.FACE_TO_FACE)),
        )
    )
    by_enrollment = {row["enrollment_id"]: row for row in rows}
    standings = {}
    for enrollment in active:
        row = by_enrollment.get(enrollment.pk, {})
        last = row.get("last_f2f")
        standings[enrollment.pk] = evaluate(
            enrollment.program.contact_standard or {},
            today=today,
            month_count=row.get("month_count", 0),
            last_face_to_face=timezone.localdate(last) if last else None,
            start_date=enrollment.start_date,
        )
    return standings

"""Generated tasks: the rules that turn standards and schedules into work for case managers.

Each rule names its task with a dedupe key (rule, enrollment, period), so running the job
twice, or every hour, never doubles a task; a task done or cancelled stays done for that period.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from casebridge.assessments.selectors import reassessment_due_for
from casebridge.contacts.standards import OVERDUE, standings_for
from casebridge.core import clock
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.plans.models import CarePlan, PlanStatus
from casebridge.referrals.rules import stalled_referral_tasks
from casebridge.tasks.models import Notification, Task, TaskPriority, TaskSource, TaskStatus
from casebridge.tasks.services import task_create

# Schedule-driven tasks appear this many days before their date.
LEAD_DAYS = 7
# The first care plan is due this many days after services start.
FIRST_PLAN_DAYS = 30
CHUNK = 1000


@dataclass
class Candidate:
    enrollment: Enrollment
    source: str
    key: str
    title: str
    due: date
    priority: str = TaskPriority.ROUTINE


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


def candidates_for(chunk: list[Enrollment], today: date) -> list[Candidate]:
    standings = standings_for(chunk, today=today)
    assessments = reassessment_due_for(chunk)
    plans = dict(
        CarePlan.objects.filter(
            enrollment_id__in=[e.pk for e in chunk], status=PlanStatus.ACTIVE
        ).values_list("enrollment_id", "next_review_on")
    )
    horizon = today + timedelta(days=LEAD_DAYS)
    found = []
    for enrollment in chunk:
        standing = standings.get(enrollment.pk)
        for check in standing.checks if standing else []:
            if check.status != OVERDUE:
                continue
            if check.code == "contacts_per_month":
                key = f"contact_due:{enrollment.pk}:{today:%Y-%m}"
                title = _("Contact due: %(detail)s") % {"detail": check.detail}
                due = today
            else:
                key = f"face_to_face_due:{enrollment.pk}:{check.due}"
                title = _("Face-to-face visit overdue since %(date)s") % {
                    "date": check.due.isoformat()
                }
                due = today
            found.append(
                Candidate(enrollment, TaskSource.CONTACT_DUE, key, title, due, TaskPriority.HIGH)
            )
        assessment = assessments.get(enrollment.pk)
        if assessment and assessment[1] <= horizon:
            label, due = assessment
            found.append(
                Candidate(
                    enrollment,
                    TaskSource.REASSESSMENT_DUE,
                    f"reassessment_due:{enrollment.pk}:{due}",
                    _("%(what)s due (holistic assessment)") % {"what": label},
                    due,
                )
            )
        if enrollment.status != EnrollmentStatus.ACTIVE or not enrollment.start_date:
            continue
        if enrollment.pk in plans:
            review_on = plans[enrollment.pk] or enrollment.start_date + timedelta(days=90)
            key = f"plan_review_due:{enrollment.pk}:{review_on}"
            title = _("Care plan review due")
        else:
            review_on = enrollment.start_date + timedelta(days=FIRST_PLAN_DAYS)
            key = f"care_plan_due:{enrollment.pk}"
            title = _("Write the care plan with the person")
        if review_on <= horizon:
            found.append(Candidate(enrollment, TaskSource.PLAN_REVIEW_DUE, key, title, review_on))
    return found


def generate_due_tasks(*, today: date | None = None) -> int:
    """Create the tasks that standards and schedules call for; return how many were new."""
    today = today or clock.today()
    enrollments = (
        Enrollment.objects.filter(
            status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD],
            primary_case_manager__isnull=False,
        )
        .select_related("program", "person", "primary_case_manager")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )
    created = 0
    with override(settings.LANGUAGE_CODE):
        while chunk := list(islice(enrollments, CHUNK)):
            found = candidates_for(chunk, today)
            existing = set(
                Task.objects.filter(dedupe_key__in=[c.key for c in found]).values_list(
                    "dedupe_key", flat=True
                )
            )
            for candidate in found:
                if candidate.key in existing:
                    continue
                enrollment = candidate.enrollment
                task = task_create(
                    actor=None,
                    person=enrollment.person,
                    agency_id=enrollment.agency_id,
                    assignee=enrollment.primary_case_manager,
                    title=candidate.title,
                    due_at=_end_of(candidate.due),
                    priority=candidate.priority,
                    source=candidate.source,
                    dedupe_key=candidate.key,
                )
                created += task is not None
        created += stalled_referral_tasks(today=today)
    return created


def send_digests(*, now: datetime | None = None) -> int:
    """One email per person with work waiting: counts only, never a client's name."""
    now = now or clock.now()
    end_of_today = timezone.make_aware(
        datetime.combine(timezone.localdate(now), time.max.replace(microsecond=0))
    )
    awake = Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)
    tasks = (
        Task.objects.filter(awake, status=TaskStatus.OPEN, due_at__lte=end_of_today)
        .order_by()
        .values("assignee_id")
        .annotate(due=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    counts = {row["assignee_id"]: row for row in tasks if row["assignee_id"]}
    unread = dict(
        Notification.objects.filter(read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    from django.contrib.auth import get_user_model

    users = (
        get_user_model().objects.filter(pk__in={*counts, *unread}, is_active=True).exclude(email="")
    )
    sent = 0
    for user in users:
        row = counts.get(user.pk, {"due": 0, "overdue": 0})
        with override(settings.LANGUAGE_CODE):
            body = _(
                "Good morning. Waiting for you in Casebridge: %(due)s task(s) due today or "
                "earlier (%(overdue)s overdue) and %(unread)s new notification(s).\n\n"
                "Open your day: %(link)s"
            ) % {
                "due": row["due"],
                "overdue": row["overdue"],
                "unread": unread.get(user.pk, 0),
                "link": f"{settings.SITE_URL}/today/",
            }
            send_mail(_("Your Casebridge day"), body, None, [user.email], fail_silently=True)
        sent += 1
    return sent

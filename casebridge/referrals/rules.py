"""Generated tasks for referrals: a referral nobody answered becomes a follow-up task.

Called from casebridge/tasks/rules.py ``generate_due_tasks``; the dedupe key names the referral
and its status, so one stall gives one task however often the job runs."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.core import clock
from casebridge.referrals.models import ReferralStatus, ServiceReferral
from casebridge.tasks.models import Task, TaskPriority, TaskSource
from casebridge.tasks.services import task_create

S = ReferralStatus
# Days without any movement before a referral counts as stalled, by status.
STALLED_AFTER_DAYS = {
    S.SENT: getattr(settings, "REFERRAL_STALLED_DAYS", 5),
    S.RECEIVED: getattr(settings, "REFERRAL_STALLED_DAYS", 5),
    S.ACCEPTED: 30,
    S.IN_PROGRESS: 60,
}


def stalled_referral_candidates(today):
    """Open referrals with no movement for longer than their status allows."""
    cutoff_end = timezone.make_aware(datetime.combine(today, time.min))
    found = []
    for status, days in STALLED_AFTER_DAYS.items():
        rows = (
            ServiceReferral.objects.filter(
                status=status, last_activity_at__lt=cutoff_end - timedelta(days=days)
            )
            .select_related("person", "service", "created_by")
            .order_by("last_activity_at")
        )
        found.extend(rows)
    return found


def stalled_referral_tasks(*, today=None) -> int:
    """Create a follow-up task for each stalled referral; return how many were new."""
    today = today or clock.today()
    candidates = stalled_referral_candidates(today)
    keys = {f"referral_stalled:{r.pk}:{r.status}": r for r in candidates}
    existing = set(
        Task.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )
    created = 0
    due = timezone.make_aware(datetime.combine(today, time(17, 0)))
    for key, referral in keys.items():
        if key in existing or not referral.created_by.is_active:
            continue
        task = task_create(
            actor=None,
            person=referral.person,
            agency_id=referral.agency_id,
            assignee=referral.created_by,
            title=_("Referral to %(service)s has had no answer since %(date)s: follow up")
            % {
                "service": referral.service.name,
                "date": timezone.localdate(referral.last_activity_at).isoformat(),
            },
            due_at=due,
            priority=TaskPriority.HIGH if referral.urgency == "urgent" else TaskPriority.ROUTINE,
            source=TaskSource.REFERRAL_STALLED,
            details=f"/referrals/{referral.pk}/",
            dedupe_key=key,
        )
        created += task is not None
    return created

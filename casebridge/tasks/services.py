"""Task writes, and the alert for urgent assessment flags."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Membership, Role
from casebridge.core import audit, clock
from casebridge.core.models import AuditAction
from casebridge.core.services import require_access
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.tasks.models import Task, TaskPriority, TaskStatus


def task_create(
    *,
    actor,
    person,
    agency_id,
    assignee,
    title: str,
    due_at,
    priority=TaskPriority.ROUTINE,
    source: str = "",
) -> Task:
    task = Task(
        person=person,
        agency_id=agency_id,
        assignee=assignee,
        title=title[:200],
        due_at=due_at,
        priority=priority,
        source=source,
    )
    task.full_clean(exclude=["person", "agency", "assignee"])
    with transaction.atomic():
        task.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=task,
            person=person,
            agency_id=agency_id,
            data={"source": source, "priority": priority},
        )
    return task


def task_complete(*, actor, task: Task) -> Task:
    require_access(actor, task, {*Role.values}, message=_("You cannot change this task."))
    with transaction.atomic():
        task.status, task.completed_at = TaskStatus.DONE, clock.now()
        task.save(update_fields=["status", "completed_at", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=task,
            person=task.person_id,
            agency_id=task.agency_id,
            data={"fields": ["completed_at", "status"]},
        )
    return task


def care_circle(person, agency_id) -> tuple[list, list]:
    """The person's primary case managers and the supervisors of their teams, in one agency."""
    enrollments = Enrollment.objects.filter(
        person=person,
        agency_id=agency_id,
        status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD, EnrollmentStatus.PENDING],
    ).select_related("primary_case_manager")
    case_managers = [e.primary_case_manager for e in enrollments if e.primary_case_manager]
    team_ids = {e.team_id for e in enrollments if e.team_id}
    supervisors = [
        m.user
        for m in Membership.objects.filter(
            agency_id=agency_id, role=Role.SUPERVISOR, team_id__in=team_ids, is_active=True
        ).select_related("user")
    ]
    return case_managers, supervisors


def urgent_flag_raised(*, actor, response, flag: dict) -> list[Task]:
    """An urgent assessment flag: an urgent task for each case manager (or the assessor) due
    today, and an email to them and the supervisors after commit (no clinical detail in it)."""
    case_managers, supervisors = care_circle(response.person, response.agency_id)
    assignees = list(dict.fromkeys(case_managers or [actor]))
    tasks = [
        task_create(
            actor=actor,
            person=response.person,
            agency_id=response.agency_id,
            assignee=user,
            title=_("Follow up now: %(flag)s") % {"flag": flag["label"]},
            due_at=clock.now() + timedelta(hours=4),
            priority=TaskPriority.URGENT,
            source=f"assessment:{flag['id']}",
        )
        for user in assignees
    ]
    recipients = sorted({u.email for u in [*assignees, *supervisors] if u.email})
    if recipients:
        link = f"{settings.SITE_URL}/assessments/{response.pk}/"
        transaction.on_commit(
            lambda: send_mail(
                _("Urgent: an assessment needs follow-up now"),
                _(
                    "An assessment you are responsible for raised an urgent flag. "
                    "Open it in Casebridge: %(link)s"
                )
                % {"link": link},
                None,
                recipients,
                fail_silently=True,
            )
        )
    return tasks

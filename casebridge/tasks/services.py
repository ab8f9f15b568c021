"""Task writes, and the alert for urgent assessment flags."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Membership, Role
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access, require_role
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.models import Person
from casebridge.tasks.models import Notification, Task, TaskPriority, TaskSource, TaskStatus

CARE_ROLES = {Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN}


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
    details: str = "",
    dedupe_key: str = "",
) -> Task | None:
    """Create a task. With a ``dedupe_key`` (generated tasks) an existing task with the same key
    wins and None is returned, so a rule run twice never doubles a task."""
    task = Task(
        person=person,
        agency_id=agency_id,
        assignee=assignee,
        title=(title or "").strip()[:200],
        due_at=due_at,
        priority=priority,
        source=source,
        details=(details or "").strip(),
        dedupe_key=dedupe_key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    errors = {}
    if not task.title:
        errors["title"] = [_("Say what needs doing.")]
    if due_at is None:
        errors["due_at"] = [_("Enter a due date.")]
    try:
        task.full_clean(
            exclude=["person", "agency", "assignee", "created_by", "due_at", "title"],
            validate_constraints=False,  # the dedupe key is settled by the database below
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)
    try:
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
    except IntegrityError:
        if dedupe_key and Task.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    return task


def task_add(*, actor, person, data: dict) -> Task:
    """A task added by staff for a person: the assignee must work in the person's agency."""
    require_role(actor, *CARE_ROLES)
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot add tasks for this person."))
    agencies = [g.agency_id for g in principal_for(actor).grants if g.role in CARE_ROLES]
    agency_id = person.agency_id if person.agency_id in agencies else agencies[0]
    assignee = data.get("assignee") or actor
    if not Membership.objects.filter(
        user=assignee, agency_id=agency_id, is_active=True, role__in=CARE_ROLES
    ).exists():
        raise ValidationError({"assignee": [_("Choose someone on your agency's care staff.")]})
    due_at = data.get("due_at")
    if due_at is not None and due_at < clock.now() - timedelta(days=1):
        raise ValidationError({"due_at": [_("The due date has passed: choose a date to come.")]})
    priority = data.get("priority") or TaskPriority.ROUTINE
    if priority not in TaskPriority.values:
        raise ValidationError({"priority": [_("Choose a priority from the list.")]})
    task = task_create(
        actor=actor,
        person=person,
        agency_id=agency_id,
        assignee=assignee,
        title=data.get("title", ""),
        due_at=due_at,
        priority=priority,
        source=TaskSource.MANUAL,
        details=data.get("details", ""),
    )
    if assignee != actor:
        notify(
            users=[assignee],
            kind="task_assigned",
            title=_("A task was assigned to you"),
            link="/tasks/",
        )
    return task


def _change(actor, task: Task, changes: dict, *, action=AuditAction.UPDATE, reason=""):
    require_access(actor, task, {*Role.values}, message=_("You cannot change this task."))
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status != TaskStatus.OPEN:
            raise ValidationError(_("This task is already closed."))
        changed = apply_changes(locked, changes)
        locked.save()
        audit.record(
            actor=actor,
            action=action,
            obj=locked,
            person=locked.person_id,
            agency_id=locked.agency_id,
            reason=reason,
            data={"fields": sorted(changed)},
        )
    task.refresh_from_db()
    return task


def task_complete(*, actor, task: Task, note: str = "") -> Task:
    if len(note or "") > 300:
        raise ValidationError({"note": [_("Keep the note under 300 characters.")]})
    return _change(
        actor,
        task,
        {
            "status": TaskStatus.DONE,
            "completed_at": clock.now(),
            "completion_note": (note or "").strip(),
        },
    )


def task_snooze(*, actor, task: Task, until, reason: str) -> Task:
    """Put a task out of sight until a later time, with the reason (kept on the task)."""
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the task waits.")]
    elif len(reason) > 300:
        errors["reason"] = [_("Keep the reason under 300 characters.")]
    now = clock.now()
    if until is None or until <= now:
        errors["until"] = [_("Choose a time to come.")]
    elif until > now + timedelta(days=90):
        errors["until"] = [_("Snooze for at most 90 days.")]
    if errors:
        raise ValidationError(errors)
    return _change(actor, task, {"snoozed_until": until, "snooze_reason": reason}, reason=reason)


def task_cancel(*, actor, task: Task, reason: str) -> Task:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the task is cancelled.")]})
    return _change(
        actor,
        task,
        {"status": TaskStatus.CANCELLED, "completed_at": clock.now(), "completion_note": reason},
        reason=reason,
    )


def notify(*, users, kind: str, title: str, link: str = "", urgent: bool = False) -> None:
    """In-app notifications (no client names in them); written with the caller's transaction."""
    seen = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, title=title, link=link, urgent=urgent))
    Notification.objects.bulk_create(rows)


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=clock.now())


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
    notify(
        users=[*assignees, *supervisors],
        kind="assessment_flag",
        title=_("Urgent: an assessment needs follow-up now"),
        link=f"/assessments/{response.pk}/",
        urgent=True,
    )
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

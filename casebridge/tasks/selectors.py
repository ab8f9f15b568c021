"""Task and notification reads (tasks through the access policy; notifications are the user's)."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from casebridge.core import clock
from casebridge.core.errors import NotVisible
from casebridge.tasks.models import Notification, Task, TaskPriority, TaskStatus

PRIORITY_ORDER = [TaskPriority.URGENT, TaskPriority.HIGH, TaskPriority.ROUTINE]


def _awake(now):
    return Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)


def end_of_today():
    return timezone.make_aware(datetime.combine(clock.today(), time.max))


def my_open_tasks(*, user, limit: int = 10):
    """The user's open, awake tasks, urgent first, then by due time."""
    now = clock.now()
    tasks = Task.objects.visible_to(user).filter(_awake(now), assignee=user, status=TaskStatus.OPEN)
    return tasks.select_related("person").order_by("-priority", "due_at")[:limit]


def task_list(*, user, view: str = "open", assignee=None, person=None):
    """Tasks the user may see. ``view``: open (awake), due (by end of today), snoozed, done."""
    now = clock.now()
    tasks = Task.objects.visible_to(user)
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    if person is not None:
        tasks = tasks.filter(person=person)
    if view == "snoozed":
        tasks = tasks.filter(status=TaskStatus.OPEN, snoozed_until__gt=now)
    elif view == "done":
        tasks = tasks.exclude(status=TaskStatus.OPEN).order_by("-completed_at")
        return tasks.select_related("person", "assignee")
    else:
        tasks = tasks.filter(_awake(now), status=TaskStatus.OPEN)
        if view == "due":
            tasks = tasks.filter(due_at__lte=end_of_today())
    return tasks.select_related("person", "assignee").order_by("due_at", "id")


def task_get(*, user, task_id) -> Task:
    try:
        return Task.objects.visible_to(user).select_related("person").get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user):
    return Notification.objects.filter(user=user).order_by("-created_at")

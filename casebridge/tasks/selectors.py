from casebridge.tasks.models import Task, TaskStatus


def my_open_tasks(*, user, limit: int = 10):
    """The user's open tasks, urgent first, then by due time."""
    tasks = Task.objects.visible_to(user).filter(assignee=user, status=TaskStatus.OPEN)
    return tasks.select_related("person").order_by("-priority", "due_at")[:limit]

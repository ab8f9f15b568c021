"""Background jobs (django-tasks): run by `manage.py db_worker`, enqueued by
`manage.py run_reminders` (schedule it daily, e.g. from cron or a systemd timer)."""

from django_tasks import task

from casebridge.tasks import rules


@task()
def generate_due_tasks() -> int:
    return rules.generate_due_tasks()


@task()
def send_digests() -> int:
    return rules.send_digests()

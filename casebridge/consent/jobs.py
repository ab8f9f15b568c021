"""Background jobs (django-tasks) for data-subject rights: run by `manage.py db_worker`,
enqueued by `manage.py apply_retention --enqueue` (schedule it nightly)."""

from django_tasks import task

from casebridge.consent import retention


@task()
def apply_retention() -> int:
    """De-identify everyone past the retention period; returns how many people."""
    return retention.retention_apply().total

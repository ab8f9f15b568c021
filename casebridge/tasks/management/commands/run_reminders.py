from django.core.management.base import BaseCommand

from casebridge.tasks import jobs, rules


class Command(BaseCommand):
    help = (
        "Generate due tasks (contact standards, reassessments, plan reviews) and send the daily "
        "email digests. Enqueues the jobs for `db_worker`, or runs them here with --now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run in this process.")
        parser.add_argument("--no-digests", action="store_true", help="Only generate tasks.")

    def handle(self, *args, now=False, no_digests=False, **options):
        if now:
            created = rules.generate_due_tasks()
            self.stdout.write(f"{created} task(s) generated.")
            if not no_digests:
                self.stdout.write(f"{rules.send_digests()} digest(s) sent.")
            return
        jobs.generate_due_tasks.enqueue()
        if not no_digests:
            jobs.send_digests.enqueue()
        self.stdout.write("Reminder jobs enqueued; `manage.py db_worker` runs them.")

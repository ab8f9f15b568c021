from django.core.management.base import BaseCommand, CommandError

from casebridge.core.audit import verify_chain
from casebridge.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero if any event was altered or removed."

    def handle(self, *args, **options):
        problems = list(verify_chain())
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s).")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))

from django.core.management.base import BaseCommand, CommandError

from casebridge.accounts.models import Agency
from casebridge.consent import jobs, retention
from casebridge.people.models import Person


class Command(BaseCommand):
    help = (
        "De-identify the people with no activity for the retention period "
        "(CASEBRIDGE_RETENTION_YEARS, default 7) and no open enrollment or hold. "
        "Schedule it nightly; --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        parser.add_argument("--agency", metavar="SLUG", help="Only this agency.")
        parser.add_argument(
            "--batch-size", type=int, default=retention.BATCH_SIZE, help="People per transaction."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the run to `db_worker` instead."
        )
        parser.add_argument("--hold", metavar="PERSON_ID", help="Put a legal hold on a person.")
        parser.add_argument("--release", metavar="PERSON_ID", help="Lift a person's hold.")
        parser.add_argument("--reason", default="", help="Why (required with --hold/--release).")

    def handle(self, *args, **options):
        if options["hold"] or options["release"]:
            return self._hold(options)
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(slug=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency with the slug {options['agency']!r}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["enqueue"]:
            if agency is not None or options["dry_run"]:
                raise CommandError("--enqueue runs for every agency, for real.")
            jobs.apply_retention.enqueue()
            self.stdout.write("Retention job enqueued; `manage.py db_worker` runs it.")
            return
        result = retention.retention_apply(
            agency=agency, dry_run=options["dry_run"], batch_size=options["batch_size"]
        )
        detail = ", ".join(f"{slug}: {n}" for slug, n in sorted(result.by_agency.items()) if n)
        detail = f" ({detail})" if detail else ""
        if result.dry_run:
            self.stdout.write(
                f"Dry run: {result.total} person(s) would be de-identified{detail}. "
                "Nothing changed."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{result.total} person(s) de-identified{detail}.")
            )

    def _hold(self, options):
        person_id = options["hold"] or options["release"]
        if not options["reason"].strip():
            raise CommandError("Give a --reason for the hold.")
        try:
            person = Person._base_manager.get(pk=person_id)
        except (Person.DoesNotExist, ValueError) as exc:
            raise CommandError(f"No person with the id {person_id}.") from exc
        hold = bool(options["hold"])
        retention.person_retention_hold(person=person, hold=hold, reason=options["reason"])
        self.stdout.write("Hold placed." if hold else "Hold lifted.")

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from casebridge.accounts.models import Agency, Membership
from casebridge.crisis.models import FlagKind, FlagStatus, PersonFlag
from casebridge.demo import names
from casebridge.demo.generator import DemoBuilder

PROTECTED_OUTSIDER = "rita.intake"  # an agency-wide intake worker, outside the program


class Command(BaseCommand):
    help = (
        "Load deterministic synthetic demo data (2 agencies, 4 programs, staff, people, their "
        "contacts and notes, appointments and due tasks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--persons", type=int, default=300)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the logins) if the database has data",
        )

    def handle(self, *args, seed, persons, if_empty, **options):
        if persons < 0:
            raise CommandError("--persons must be 0 or more.")
        if Agency.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already has data. Delete var/casebridge.sqlite3 (or use an empty "
                    "database) to load the demo again, or pass --if-empty."
                )
            self.stdout.write("Demo data already loaded; leaving it as it is.")
        else:
            # The demo's own referrals notify the demo provider: no emails on the console.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                summary = DemoBuilder(seed=seed, persons=persons).build()
            with connection.cursor() as cursor:  # fresh statistics for the query planner
                cursor.execute("ANALYZE")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {summary.persons} people, {summary.enrollments} enrollments, "
                    f"{summary.relationships} supports, {summary.referrals} referrals, "
                    f"{summary.staff} staff (seed {seed})."
                )
            )
            self.stdout.write(
                f"  {summary.contacts} contacts ({summary.appointments} upcoming appointments), "
                f"{summary.notes} notes ({summary.draft_notes} drafts), {summary.services} "
                f"services, {summary.amendments} amendments, {summary.tasks} open tasks."
            )
        if options["verbosity"] > 0:
            self.print_logins()

    def print_logins(self):
        usernames = [row[0] for row in names.STAFF]
        memberships = {
            m.user.username: m
            for m in Membership.objects.filter(user__username__in=usernames).select_related(
                "user", "agency", "program", "team"
            )
        }
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo logins (password for all: {names.DEMO_PASSWORD})")
        )
        self.stdout.write(f"  Start here: {usernames[0]} (case manager with a full caseload)")
        for username in usernames:
            m = memberships.get(username)
            if m is None:
                continue
            scope = m.team.name if m.team else (m.program.name if m.program else "whole agency")
            self.stdout.write(
                f"  {username:15} {m.get_role_display():22} {m.agency.name:30} {scope}"
            )
        protected = (
            PersonFlag.objects.filter(kind=FlagKind.DV_PROTECTED, status=FlagStatus.ACTIVE)
            .select_related("person")
            .first()
        )
        if protected is not None:
            self.stdout.write(
                f"  Protected identity: {protected.person.display_name} on {usernames[0]}'s "
                f'caseload; {PROTECTED_OUTSIDER} sees "Protected person #…" instead.'
            )
        from casebridge.demo.directory import PROVIDER_USERNAME
        from casebridge.directory.models import ProviderStaff

        provider = ProviderStaff.objects.filter(user__username=PROVIDER_USERNAME).first()
        if provider is not None:
            label = "Provider staff"
            self.stdout.write(
                f"  {PROVIDER_USERNAME:15} {label:22} {provider.organization.name:30} "
                "referral inbox"
            )

"""Reset a user's two-step sign-in (lost phone, no recovery codes left)."""

from django.core.management.base import BaseCommand, CommandError

from casebridge.accounts.models import User
from casebridge.accounts.services import mfa_reset


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes; they set it up again at sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        mfa_reset(actor=None, user=user)
        self.stdout.write(f"Two-step sign-in reset for {username}; they set it up at next sign-in.")

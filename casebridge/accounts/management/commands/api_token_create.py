from django.core.management.base import BaseCommand, CommandError

from casebridge.accounts.models import User
from casebridge.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user; the secret is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")
        parser.add_argument("--days", type=int, default=365, help="days valid (0 = no expiry)")

    def handle(self, *args, username, name, days, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {username!r}.") from exc
        token, secret = api_token_create(actor=None, user=user, name=name, days_valid=days or None)
        self.stdout.write(f"Token {token.prefix}… for {username}: {secret}")

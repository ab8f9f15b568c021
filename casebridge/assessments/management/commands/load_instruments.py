from pathlib import Path

from django.core.management.base import BaseCommand

from casebridge.assessments.services import BUNDLED, instruments_load_bundled


class Command(BaseCommand):
    help = "Install the instrument definitions (JSON) from a folder; new versions become current."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=BUNDLED)

    def handle(self, *args, dir, **options):
        for instrument, created in instruments_load_bundled(dir):
            state = "installed" if created else "unchanged"
            self.stdout.write(f"{instrument.code} v{instrument.version}: {state}")

"""Import an HSDS 3.0 dataset: a folder of CSV tables, a .zip of them, or a JSON file.

    manage.py directory_import data/hsds/ --agency north

Every row is validated first; with any error nothing is written and the errors are listed."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casebridge.accounts.models import Agency
from casebridge.directory import hsds


class Command(BaseCommand):
    help = "Import an HSDS 3.0 service directory (CSV folder, .zip of CSVs, or JSON)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--agency", required=True, help="slug of the curating agency")

    def handle(self, *args, path, agency, **options):
        try:
            agency_obj = Agency.objects.get(slug=agency)
        except Agency.DoesNotExist as exc:
            raise CommandError(f"No agency with slug {agency!r}.") from exc
        source = Path(path)
        from_csv = True
        try:
            if source.is_dir():
                tables = hsds.read_csv_folder(source)
            elif source.suffix == ".zip":
                tables = hsds.read_zip(source.read_bytes())
            elif source.suffix == ".json":
                tables, from_csv = hsds.read_json(source.read_bytes()), False
            else:
                raise CommandError("Give a folder of CSV files, a .zip or a .json file.")
        except (OSError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        result = hsds.import_tables(
            actor=None, tables=tables, agency_id=agency_obj.pk, from_csv=from_csv
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"{error.table} row {error.row}, {error.field}: {error.message}")
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported.")
        self.stdout.write(
            f"Imported: {result.counts['created']} created, {result.counts['updated']} updated."
        )

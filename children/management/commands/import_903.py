from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from children import services


class Command(BaseCommand):
    help = (
        "Import a year's SSDA903 CSV tables (Header, Episodes, UASC, Reviews, OC2, OC3, Missing). "
        "The year's records are replaced only if every row is valid; otherwise every error is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Collection year ending 31 March, e.g. 2025 for 2024-25.")
        parser.add_argument("--user", help="Username to record as the importer.")
        parser.add_argument("files", nargs="+")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user called {options['user']}.")
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("The year must be a collection year such as 2025.")
        try:
            result = services.import_files(year=options["year"], paths=options["files"], user=user, kind="ssda903")
        except OSError as error:
            raise CommandError(str(error)) from error
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(_describe(warning)))
        if result.status != result.Status.SUCCEEDED:
            for error in result.errors:
                self.stderr.write(_describe(error))
            raise CommandError(f"Import {result.pk} failed with {result.error_count} error(s); nothing was changed.")
        counts = ", ".join(f"{table} {n}" for table, n in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {result.year_label} (import {result.pk}): {counts}."))


def _describe(problem):
    where = " ".join(
        part for part in (problem["table"], f"row {problem['row']}" if problem["row"] else "", problem["field"]) if part
    )
    value = f" [{problem['value']}]" if problem["value"] else ""
    return f"{where}{value}: {problem['message']}"

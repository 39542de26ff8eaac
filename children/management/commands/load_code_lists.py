from django.core.management.base import BaseCommand, CommandError

from children import services


class Command(BaseCommand):
    help = (
        "Load 903 code lists from a CSV (code_list, code, description, group): codes are added or updated, "
        "and codes missing from a list in the file are retired. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(services.ENGLAND_CODES), help="Defaults to the England lists.")
        parser.add_argument("--keep-missing", action="store_true", help="Do not retire codes missing from the file.")

    def handle(self, *args, **options):
        try:
            counts = services.load_code_lists(options["csv"], replace_lists=not options["keep_missing"])
        except (OSError, services.DataFileError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Code lists loaded: {counts['created']} added, {counts['updated']} updated, {counts['retired']} retired."
        ))

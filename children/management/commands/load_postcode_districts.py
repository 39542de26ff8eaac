from django.core.management.base import BaseCommand, CommandError

from children import services


class Command(BaseCommand):
    help = "Load postcode district centroids (district, latitude, longitude, in_council_area 1/0) from a CSV."

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(services.WYVERN_DISTRICTS), help="Defaults to the demo council's area.")

    def handle(self, *args, **options):
        try:
            counts = services.load_postcode_districts(options["csv"])
        except (OSError, services.DataFileError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Postcode districts: {counts['created']} added, {counts['updated']} updated."))

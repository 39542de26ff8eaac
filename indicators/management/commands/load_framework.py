"""Load (or reload) self-evaluation frameworks from JSON files; safe to run again."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators import services


class Command(BaseCommand):
    help = (
        "Load quality-indicator frameworks from JSON files (see indicators/data/). A bare file name is looked "
        "up in indicators/data/. With --bundled, load every framework shipped with the app."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Framework JSON files.")
        parser.add_argument("--bundled", action="store_true", help="Load every file in indicators/data/.")

    def handle(self, *args, **options):
        files = list(options["files"])
        if options["bundled"]:
            files += [str(path) for path in services.bundled_framework_files()]
        if not files:
            raise CommandError("Name at least one framework file, or use --bundled.")
        for name in files:
            try:
                framework = services.load_framework_file(name)
            except ValidationError as error:
                raise CommandError(f"{name}: {'; '.join(error.messages)}") from error
            indicator_count = sum(area.indicators.count() for area in framework.areas.all())
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {framework.name}: {framework.areas.count()} areas, {indicator_count} quality indicators.")
            )

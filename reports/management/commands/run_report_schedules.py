"""What Celery beat runs each morning, for running by hand (for example after changing a schedule)."""
from django.core.management.base import BaseCommand

from reports import services


class Command(BaseCommand):
    help = "Request every board pack and annual report that a report schedule says is due (each only once)."

    def handle(self, *args, **options):
        requested = services.run_due_schedules()
        for report in requested:
            self.stdout.write(f"Queued {report}.")
        self.stdout.write(f"{len(requested)} report(s) requested.")

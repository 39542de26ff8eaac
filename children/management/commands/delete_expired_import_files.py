from django.conf import settings
from django.core.management.base import BaseCommand

from children import services


class Command(BaseCommand):
    help = (
        "Delete uploaded 903 files kept longer than COHORT_FILE_RETENTION_DAYS after their import finished "
        "(the nightly job does the same). The import records, their counts and problems stay."
    )

    def handle(self, *args, **options):
        deleted = services.delete_expired_import_files()
        days = settings.COHORT_FILE_RETENTION_DAYS
        self.stdout.write(
            f"Deleted {deleted} uploaded file{'s' if deleted != 1 else ''} older than {days} day{'s' if days != 1 else ''}."
        )

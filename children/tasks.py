"""Background jobs for cohort records."""
from celery import shared_task

from . import services


@shared_task(name="children.run_cohort_import")
def run_cohort_import(import_id):
    """Check and save a queued 903 import; progress and errors are written to its ``CohortImport``."""
    cohort_import = services.run_import(import_id)
    return cohort_import.status


@shared_task(name="children.delete_expired_import_files")
def delete_expired_import_files():
    """Nightly: delete uploaded 903 files kept longer than the retention period (their records stay)."""
    return services.delete_expired_import_files()


@shared_task(name="children.remove_children_past_retention")
def remove_children_past_retention():
    """Nightly: remove the children in none of the returns of the retention period (counts in the audit trail)."""
    return services.remove_children_past_retention()["children"]

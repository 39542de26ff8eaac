"""
Celery tasks: build a report (retrying with exponential backoff), email members, run the schedules.

Celery beat runs ``run_due_schedules`` daily from the PeriodicTask that migration 0002 stores in the
database (django-celery-beat), so the time can be changed in the admin without a deployment.
"""
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from core.tasks import time_limit_in_words

from . import services
from .models import Report

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(services.ReportCannotBeBuilt,),
    retry_backoff=30,  # 30 s, 60 s, 120 s... (with jitter), capped below
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def build_report(self, report_id):
    try:
        report = services.build_report(report_id)
    except SoftTimeLimitExceeded:
        services.record_failure(report_id, services.ReportCannotBeBuilt(
            f"The report took longer than {time_limit_in_words('report')} to build and was stopped. Press "
            "“Try again” to build it again; if it stops again, tell your system administrator."), final=True)
        return None
    except services.ReportCannotBeBuilt as error:
        services.record_failure(report_id, error, final=True)
        logger.warning("Report %s cannot be built: %s", report_id, error)
        return None
    except Exception as error:
        final = self.request.retries >= self.max_retries
        services.record_failure(report_id, error, final=final)
        logger.exception("Building report %s failed (attempt %s)", report_id, self.request.retries + 1)
        raise
    return report.pk if report else None


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def email_members(report_id):
    report = Report.objects.select_related("meeting").filter(pk=report_id).first()
    if report is None:
        return 0
    return services.email_members(report)


@shared_task
def run_due_schedules():
    return [report.pk for report in services.run_due_schedules()]

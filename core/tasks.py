"""Jobs every app shares, and how a job's time limit is said to an officer."""
from celery import shared_task
from django.conf import settings
from django.utils.dateparse import parse_datetime


def time_limit_in_words(kind, hard=False):
    """The soft (or hard) time limit of a kind of job in words: "15 minutes", "45 seconds"."""
    seconds = settings.TASK_TIME_LIMITS[kind][1 if hard else 0]
    if seconds >= 120:
        return f"{seconds // 60} minutes"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


@shared_task(name="core.fail_abandoned_jobs")
def fail_abandoned_jobs(now=None):
    """
    Every few minutes (beat): a 903 import or a report still running past its hard time limit has lost its
    worker; mark it failed with a message the officer understands, so that "Try again" is offered.
    ``now`` (ISO 8601) is for running it by hand as of another time.
    """
    from children.services import fail_abandoned_imports
    from reports.services import fail_abandoned_reports

    moment = parse_datetime(now) if now else None
    return {"imports": fail_abandoned_imports(moment), "reports": fail_abandoned_reports(moment)}

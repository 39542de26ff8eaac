"""The periodic job that marks failed the imports and reports whose worker has gone, and the jobs' time limits."""
import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from children import services as children_services
from children.models import CohortImport
from core.tasks import fail_abandoned_jobs
from corporate_parenting.celery import app as celery_app
from reports import services as report_services
from reports.models import Report, ReportStatus, ReportType

IMPORT_LIMIT = datetime.timedelta(seconds=settings.TASK_TIME_LIMITS["import"][1])
REPORT_LIMIT = datetime.timedelta(seconds=settings.TASK_TIME_LIMITS["report"][1])
A_MINUTE = datetime.timedelta(minutes=1)


def test_every_job_has_soft_and_hard_time_limits_of_its_kind():
    celery_app.loader.import_default_modules()
    ours = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    assert {"children.run_cohort_import", "reports.tasks.build_report", "core.fail_abandoned_jobs"} <= set(ours)
    for name, task in ours.items():
        soft = task.soft_time_limit or celery_app.conf.task_soft_time_limit
        hard = task.time_limit or celery_app.conf.task_time_limit
        assert soft and hard and soft < hard, name
    assert celery_app.tasks["children.run_cohort_import"].time_limit == settings.TASK_TIME_LIMITS["import"][1]
    assert celery_app.tasks["reports.tasks.build_report"].soft_time_limit == settings.TASK_TIME_LIMITS["report"][0]
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost
    # Redis must not hand a job to a second worker while the first may still be on it (or waiting to retry).
    longest = max(hard for _soft, hard in settings.TASK_TIME_LIMITS.values()) + 15 * 60
    assert celery_app.conf.broker_transport_options["visibility_timeout"] > longest


def _import(status, started_minutes_ago, user=None):
    started = timezone.now() - datetime.timedelta(minutes=started_minutes_ago)
    return CohortImport.objects.create(year=2025, status=status, started_at=started, created_by=user)


def test_an_import_running_past_its_hard_limit_is_marked_failed_and_others_are_left(db):
    now = timezone.now()
    past = int((IMPORT_LIMIT + 2 * A_MINUTE).total_seconds() // 60)
    abandoned = _import(CohortImport.Status.RUNNING, past)
    recent = _import(CohortImport.Status.RUNNING, 1)
    done = _import(CohortImport.Status.SUCCEEDED, past)
    waiting = CohortImport.objects.create(year=2025)  # queued: a worker will take it when one is running

    assert fail_abandoned_jobs.delay(now=now.isoformat()) is not None
    assert children_services.fail_abandoned_imports(now) == []  # already marked: running it again changes nothing
    for item in (abandoned, recent, done, waiting):
        item.refresh_from_db()
    assert (abandoned.status, recent.status, done.status, waiting.status) == ("failed", "running", "succeeded", "queued")
    assert abandoned.stage == children_services.STOPPED and abandoned.finished_at == now
    assert abandoned.errors[0]["message"] == (
        "The import stopped before it finished: the computer running it (the import worker) stopped, or the import "
        f"ran for longer than {settings.TASK_TIME_LIMITS['import'][1] // 60} minutes. Nothing was changed. "
        "Press \u201cTry again\u201d to run it again with the same files."
    )


def test_try_again_is_for_a_failed_import_with_its_files_once(db, officer):
    from django.core.files.base import ContentFile

    from children.models import CohortImportFile

    failed = _import(CohortImport.Status.FAILED, 30, user=officer)
    stored = CohortImportFile(cohort_import=failed, original_name="header.csv")
    stored.file.save("header.csv", ContentFile(b"CHILD,SEX,DOB\n"))
    children_services.retry_import(failed)
    failed.refresh_from_db()
    assert (failed.status, failed.errors, failed.started_at) == ("queued", [], None)  # queued once this commits
    with pytest.raises(children_services.CannotTryAgain, match="already under way"):
        children_services.retry_import(failed)  # a second press
    stored.file.delete(save=True)
    CohortImport.objects.filter(pk=failed.pk).update(status=CohortImport.Status.FAILED)
    with pytest.raises(children_services.CannotTryAgain, match="files have been deleted"):
        children_services.retry_import(failed)


def test_a_report_building_past_its_hard_limit_is_marked_failed_and_a_late_delivery_builds_nothing(db, settings):
    from boards.models import Board, Meeting

    board = Board.objects.create(name="Board", terms_of_reference="Scrutiny.", quorum=1)
    meeting = Meeting.objects.create(board=board, starts_at=timezone.now(), venue="County Hall")
    report = report_services.request_report(ReportType.BOARD_PACK, meeting=meeting, queue=False).report
    started = timezone.now() - REPORT_LIMIT - 2 * A_MINUTE
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, started_at=started, progress=40)

    assert report_services.fail_abandoned_reports(timezone.now() - 5 * A_MINUTE) == []
    assert report_services.fail_abandoned_reports() == [report.pk]
    report.refresh_from_db()
    assert (report.status, report.progress, report.step) == (ReportStatus.FAILED, 0, "Failed")
    assert "the report worker" in report.error and "Try again" in report.error

    # The job's message, delivered again later (Redis's visibility timeout), finds it failed and builds nothing.
    assert report_services.build_report(report.pk).status == ReportStatus.FAILED
    report.refresh_from_db()
    assert not report.pdf and report.attempts == 0

    report_services.retry_report(report)
    with pytest.raises(ValueError, match="Only a failed report"):
        report_services.retry_report(report)  # a second press queues nothing more

"""
A board pack whose worker dies part way through the build (PostgreSQL run): the periodic job marks it failed
with a message an officer understands once it has run past its time limit, and "Try again" builds it.
"""
import datetime
import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfWriter

from accounts.models import Role
from boards import services as board_services

from core.tasks import fail_abandoned_jobs
from reports import services
from reports.models import Report, ReportStatus, ReportType
from reports.tasks import build_report

from tests.workers import wait_until


@pytest.mark.worker
def test_a_report_whose_worker_dies_is_marked_failed_and_can_be_tried_again(own_worker, members, meeting, client_for):
    report = services.request_report(ReportType.BOARD_PACK, meeting=meeting, queue=False).report
    own_worker.start()
    own_worker.send(build_report, report.pk)
    building = wait_until(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).first(), "the build to start"
    )
    own_worker.kill()
    report.refresh_from_db()
    assert report.status == ReportStatus.BUILDING, "the build finished before the worker was killed"
    assert not report.pdf

    own_worker.start()
    officer = client_for("officer")
    assert officer.post(reverse("reports:report_retry", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.BUILDING  # not failed yet, so not tried again

    assert services.fail_abandoned_reports() == []  # within its time limit: left alone
    hard_limit = datetime.timedelta(seconds=settings.TASK_TIME_LIMITS["report"][1])
    own_worker.send(fail_abandoned_jobs, now=(building.started_at + hard_limit + datetime.timedelta(minutes=2)).isoformat())
    wait_until(lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).exists(), "the mark")
    report.refresh_from_db()
    assert report.error.startswith("The report stopped before it was finished: the computer building it")
    page = officer.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "the report worker" in page and "Try again" in page

    assert officer.post(reverse("reports:report_retry", args=[report.pk])).status_code == 302
    wait_until(lambda: Report.objects.filter(pk=report.pk, status__in=["ready", "failed"]).exists(),
               "the build to finish", seconds=180, every=0.5)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.pdf and report.version == 1


@pytest.fixture
def long_paper(meeting, make_user):
    """
    A 400-page paper on the meeting's agenda, so that its pack takes seconds to build on any machine (every page
    is numbered as it is merged in): a pack of an empty agenda could finish inside a one-second limit.
    """
    writer = PdfWriter()
    for _ in range(400):
        writer.add_blank_page(width=595, height=842)
    pdf = io.BytesIO()
    writer.write(pdf)
    officer = make_user(Role.OFFICER)
    item = board_services.add_agenda_item(meeting=meeting, title="Children's homes review", report_author=officer)
    return board_services.upload_paper(
        agenda_item=item, title="Children's homes review", uploaded_by=officer, published=True,
        file=ContentFile(pdf.getvalue(), name="review.pdf"), purpose="The review's full findings.",
    )


@pytest.mark.worker
def test_a_build_past_its_soft_time_limit_is_stopped_and_says_so(own_worker, members, meeting, long_paper):
    """
    A worker stops a build at its soft time limit, and the report says so. (The limits travel with each job,
    from the settings of the process that queues it: test_abandoned_jobs checks the report's own.)
    """
    report = services.request_report(ReportType.BOARD_PACK, meeting=meeting, queue=False).report
    own_worker.start(REPORT_SOFT_TIME_LIMIT="1", REPORT_TIME_LIMIT="60")
    own_worker.send(build_report, report.pk, options={"soft_time_limit": 1, "time_limit": 60})
    wait_until(lambda: Report.objects.filter(pk=report.pk, status__in=["ready", "failed"]).exists(), "the build")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED, report.step
    assert "The report took longer than 1 second to build and was stopped." in report.error
    assert report.attempts == 1  # not retried: it would only run out of time again

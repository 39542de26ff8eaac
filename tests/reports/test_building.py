"""Building reports through the Celery task: statuses, versions, failures kept with retries, email, schedules."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reports import services
from reports.models import AnnualReportContent, Report, ReportSchedule, ReportStatus, ReportType
from reports.tasks import MAX_RETRIES

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def request(django_capture_on_commit_callbacks, kind, **subject):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(kind, **subject).report
    report.refresh_from_db()
    return report


def test_a_requested_report_is_queued_until_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.request_report(ReportType.ANNUAL_REPORT, year=2025).report
    assert Report.objects.get(pk=report.pk).status == ReportStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert (report.progress, report.attempts) == (100, 1)
    assert report.started_at <= report.finished_at
    assert report.pdf.name.endswith(".pdf") and report.size_bytes > 1000 and report.page_count >= 3


def test_each_build_is_a_new_version_and_earlier_pdfs_are_kept(django_capture_on_commit_callbacks, meeting):
    first = request(django_capture_on_commit_callbacks, ReportType.BOARD_PACK, meeting=meeting)
    second = request(django_capture_on_commit_callbacks, ReportType.BOARD_PACK, meeting=meeting)
    other_year = request(django_capture_on_commit_callbacks, ReportType.ANNUAL_REPORT, year=2024)
    assert (first.version, second.version, other_year.version) == (1, 2, 1)
    assert first.pdf.name != second.pdf.name
    assert first.pdf.storage.exists(first.pdf.name) and second.pdf.storage.exists(second.pdf.name)


def test_a_failing_build_is_retried_then_kept_as_failed_with_its_error(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    # Storage pointing at a file instead of a folder: every attempt to store the PDF fails for real.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("in the way")
    good_storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker)}},
    }
    report = request(django_capture_on_commit_callbacks, ReportType.ANNUAL_REPORT, year=2025)
    assert report.status == ReportStatus.FAILED
    assert report.attempts == MAX_RETRIES + 1
    assert "Error" in report.error and "not-a-folder" in report.error
    assert not report.pdf

    # The storage is mended; an officer tries again and the same version is built.
    settings.STORAGES = {**settings.STORAGES, "default": good_storage}
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_report(report)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert (report.version, report.error) == (1, "")
    assert report.attempts == MAX_RETRIES + 2


def test_a_board_pack_whose_meeting_was_deleted_fails_at_once_with_a_clear_error(
    django_capture_on_commit_callbacks, meeting
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
    meeting.delete()
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.attempts == 1  # no point retrying
    assert "meeting for this board pack has been deleted" in report.error


def test_members_who_may_read_it_are_emailed_a_link_without_personal_data(
    django_capture_on_commit_callbacks, settings, members, meeting
):
    settings.SITE_URL = "https://cpb.wyvern.example"
    report = request(django_capture_on_commit_callbacks, ReportType.BOARD_PACK, meeting=meeting)
    # Current members who may read it (not the young people's representative, not a former member),
    # one message each so nobody sees the others' addresses.
    assert sorted(address for message in mail.outbox for address in message.to + message.bcc) == [
        "chair@council.example", "chief@council.example",
    ]
    for message in mail.outbox:
        assert f"https://cpb.wyvern.example/reports/{report.pk}/v1/download/" in message.body
        assert "board pack for the meeting on" in message.subject.lower()
    assert report.members_emailed_at is not None
    # A second run of the email task (a duplicate delivery) does not email again.
    assert services.email_members(report) == 0
    assert len(mail.outbox) == 2


def test_the_annual_report_uses_the_officers_text(django_capture_on_commit_callbacks):
    services.save_annual_content(
        2025,
        strengths="Kinship placements rose again.",
        areas_for_improvement="Care leavers' health checks.",
        recommendations="Full council should fund two more personal advisers.",
    )
    assert AnnualReportContent.objects.get(year=2025).strengths == "Kinship placements rose again."
    report = request(django_capture_on_commit_callbacks, ReportType.ANNUAL_REPORT, year=2025)
    text = "\n".join(pdf_text(report.pdf)[0])
    assert "Kinship placements rose again." in text
    assert "Full council should fund two more personal advisers." in text


def test_a_board_pack_schedule_builds_each_meeting_pack_once(django_capture_on_commit_callbacks, meeting, board):
    from boards.models import Meeting

    far_off = Meeting.objects.create(
        board=board, starts_at=meeting.starts_at + datetime.timedelta(days=30), venue="County Hall"
    )
    schedule = ReportSchedule.objects.create(kind=ReportType.BOARD_PACK, days_before_meeting=7)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_due_schedules()
        again = services.run_due_schedules()
    assert [report.meeting_id for report in first] == [meeting.pk]
    assert again == []
    assert not Report.objects.filter(meeting=far_off).exists()
    report = Report.objects.get(meeting=meeting)
    assert (report.schedule_id, report.status) == (schedule.pk, ReportStatus.READY)
    # A month on, the other meeting (35 days from now) is within 7 days.
    later = services.run_due_schedules(today=timezone.localdate() + datetime.timedelta(days=30))
    assert [report.meeting_id for report in later] == [far_off.pk]


def test_an_annual_schedule_builds_the_last_full_year_once_on_its_day(django_capture_on_commit_callbacks):
    schedule = ReportSchedule.objects.create(kind=ReportType.ANNUAL_REPORT, annual_month=7, annual_day=15)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_due_schedules(today=datetime.date(2026, 7, 14)) == []
        built = services.run_due_schedules(today=datetime.date(2026, 7, 15))
        assert services.run_due_schedules(today=datetime.date(2026, 7, 16)) == []
    assert [(report.year, report.schedule_id) for report in built] == [(2026, schedule.pk)]


def test_schedules_are_validated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.save_schedule(ReportSchedule(kind=ReportType.ANNUAL_REPORT, annual_month=2, annual_day=30))
    assert "annual_day" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_schedule(ReportSchedule(kind=ReportType.BOARD_PACK))
    assert "days_before_meeting" in error.value.message_dict


def test_celery_beat_runs_the_schedules_daily_from_the_database():
    task = PeriodicTask.objects.get(task="reports.tasks.run_due_schedules")
    assert task.enabled and task.crontab.hour == "6"


def _add_business(board, meeting, officer, members, n):
    """``n`` more held meetings with attendance, actions, agenda items and pledge commitments."""
    from boards.models import (
        ActionItem, AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus, Membership, PledgeCommitment,
        PledgeUpdate,
    )

    chair = Membership.objects.get(user=members["chair"])
    start = PledgeCommitment.objects.count()
    for i in range(n):
        held = Meeting.objects.create(
            board=board, venue="County Hall", status=MeetingStatus.HELD,
            starts_at=datetime.datetime(2024, 5 + i, 10, 14, tzinfo=timezone.get_current_timezone()),
        )
        Attendance.objects.create(meeting=held, membership=chair, status=AttendanceStatus.PRESENT)
        AgendaItem.objects.create(meeting=held, order=1, title=f"Item {i}", report_author=officer)
        AgendaItem.objects.create(meeting=meeting, order=i + 1, title=f"Business {i}", report_author=officer)
        ActionItem.objects.create(meeting=held, description=f"Action {i}", owner=officer, due_on=datetime.date(2024, 9, 1))
        commitment = PledgeCommitment.objects.create(number=start + i + 1, commitment=f"Promise {i}", owner=officer)
        PledgeUpdate.objects.create(commitment=commitment, rag="green", note="Kept.", updated_by=officer)


def test_building_a_report_runs_the_same_number_of_queries_whatever_the_business(
    board, members, meeting, officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        counts = []
        for report in (
            Report(kind=ReportType.ANNUAL_REPORT, year=2025, version=1),
            Report(kind=ReportType.BOARD_PACK, meeting=meeting, version=1),
        ):
            with CaptureQueriesContext(connection) as queries:
                services.render_html(report)
            counts.append(len(queries.captured_queries))
        return counts

    _add_business(board, meeting, officer, members, 1)
    few = count_queries()
    _add_business(board, meeting, officer, members, 6)
    assert count_queries() == few



def test_officers_can_build_and_run_schedules_from_the_command_line(meeting, django_capture_on_commit_callbacks):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("build_report", "--annual", "2025", "--here", stdout=out)
    assert "Built Annual corporate parenting report 2024 to 2025 (version 1)" in out.getvalue()
    assert Report.objects.get(year=2025).status == ReportStatus.READY
    with pytest.raises(CommandError, match="no meeting with id"):
        call_command("build_report", "--meeting", str(meeting.pk + 100))

    ReportSchedule.objects.create(kind=ReportType.BOARD_PACK, days_before_meeting=7)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_report_schedules", stdout=out)
        call_command("run_report_schedules", stdout=out)
    assert "1 report(s) requested." in out.getvalue() and "0 report(s) requested." in out.getvalue()
    assert Report.objects.get(meeting=meeting).status == ReportStatus.READY

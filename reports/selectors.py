"""
What reports read: the content of each document (gathered from the other apps' selectors, so the PDFs show
the same figures and charts as the pages), who may see which reports, and who is told when one is ready.
"""
import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from core.permissions import BOARD_READERS, OFFICERS

from .models import AnnualReportContent, Report, ReportStatus, ReportType, collection_year_label

ORGANISATION = "Corporate Parenting Board"
# Who may download built reports: members and officers. Young people's representatives see the board's
# answers to them elsewhere; the packs carry officer names and detail meant for members.
DOWNLOAD_ROLES = BOARD_READERS


# --- Listing and status -----------------------------------------------------------------------------------


def visible_reports(user):
    """Officers see every build (with failures, so they can act); members see ready reports only."""
    reports = Report.objects.select_related("meeting", "meeting__board", "requested_by", "schedule")
    if user.role not in OFFICERS:
        reports = reports.filter(status=ReportStatus.READY)
    return reports.order_by("-requested_at", "-id")


def report_status(report, *, for_officer):
    """What the status page polls for. Errors are for officers only."""
    status = {
        "id": report.pk,
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": report.progress,
        "step": report.step,
        "attempts": report.attempts,
        "finished": report.is_finished,
        "download_url": report.get_download_url() if report.status == ReportStatus.READY else None,
        "page_count": report.page_count,
        "size_bytes": report.size_bytes,
    }
    if for_officer:
        status["error"] = report.error
    return status


def report_recipients(report):
    """
    Email addresses of the people to tell: current members of the meeting's board (or, for the annual
    report, of every board) who may download reports.
    """
    from boards.models import Membership

    today = timezone.localdate()
    memberships = Membership.objects.filter(Membership.current_q(today), user__is_active=True)
    memberships = memberships.filter(user__role__in=DOWNLOAD_ROLES).exclude(user__email="")
    if report.kind == ReportType.BOARD_PACK:
        if report.meeting_id is None:
            return []
        memberships = memberships.filter(board_id=report.meeting.board_id)
    return sorted(set(memberships.values_list("user__email", flat=True)))


# --- Schedules --------------------------------------------------------------------------------------------


def meeting_exists(meeting_id):
    from boards.models import Meeting

    return meeting_id is not None and Meeting.objects.filter(pk=meeting_id).exists()


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def meetings_due_for_pack(schedule, today):
    """Scheduled meetings from today up to ``days_before_meeting`` days ahead whose pack this schedule hasn't built."""
    from boards.models import Meeting, MeetingStatus

    last_day = today + datetime.timedelta(days=schedule.days_before_meeting)
    return (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=_local_midnight(today),
            starts_at__lt=_local_midnight(last_day + datetime.timedelta(days=1)),
        )
        .exclude(reports__schedule=schedule)
        .order_by("starts_at")
    )


def meetings_for_choice():
    """Meetings an officer can build a board pack for (latest first)."""
    from boards.models import Meeting, MeetingStatus

    return Meeting.objects.select_related("board").exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at")


# --- Document content -------------------------------------------------------------------------------------


def _section(section_id, title, template, data, introduction=""):
    return {
        "id": section_id,
        "title": title,
        "template": f"reports/pdf/sections/{template}.html",
        "data": data,
        "introduction": introduction,
    }


def _officer_text(section_id, title, text, empty):
    return _section(section_id, title, "officer_text", {"text": text, "empty": empty})


def annual_report_document(year):
    content = AnnualReportContent.objects.filter(year=year).first() or AnnualReportContent(year=year)
    not_written = "Officers have not written this section yet."
    sections = [
        _officer_text("strengths", "Strengths", content.strengths, not_written),
        _officer_text("areas-for-improvement", "Areas for improvement", content.areas_for_improvement, not_written),
        _officer_text("recommendations", "Recommendations to full council", content.recommendations, not_written),
    ]
    return {
        "title": f"Annual corporate parenting report {collection_year_label(year)}",
        "subtitle": "The corporate parenting board's report to full council, the executive and the children's trust",
        "organisation": ORGANISATION,
        "produced_on": timezone.localdate(),
        "sections": sections,
    }


def board_pack_document(meeting):
    sections = []
    return {
        "title": f"Board pack: {meeting.board.name}",
        "subtitle": f"Meeting on {timezone.localtime(meeting.starts_at):%-d %B %Y at %H:%M}, {meeting.venue}",
        "organisation": ORGANISATION,
        "produced_on": timezone.localdate(),
        "sections": sections,
    }

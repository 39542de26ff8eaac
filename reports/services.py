"""
Everything that changes reports: requesting a build, building it (HTML from templates, then WeasyPrint),
recording failures, emailing members, running the schedules, and saving officers' annual report text.

The Celery task in ``tasks.py`` only calls ``build_report`` and ``record_failure``; views call the rest.
"""
import datetime
import io
import time
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from core import collection_year, email
from core.tasks import time_limit_in_words

from . import merging, selectors
from .models import AnnualReportContent, Report, ReportSchedule, ReportStatus, ReportType

PDF_STYLESHEET = Path(__file__).resolve().parent / "static" / "reports" / "pdf.css"
# PDF/UA-1: a tagged PDF (headings, lists and tables marked up for screen readers) with a title and language.
PDF_VARIANT = "pdf/ua-1"
TEMPLATES = {
    ReportType.BOARD_PACK: "reports/pdf/board_pack.html",
    ReportType.ANNUAL_REPORT: "reports/pdf/annual_report.html",
}


class ReportCannotBeBuilt(Exception):
    """A failure that trying again will not mend (the meeting was deleted, the report no longer exists)."""


class Requested(NamedTuple):
    """What ``request_report`` did: ``report`` is the new version when ``started``, else the build under way."""

    report: Report | None  # None for a schedule that had nothing to request
    started: bool


# --- Requesting -------------------------------------------------------------------------------------------


def _next_version(kind, *, meeting=None, year=None):
    reports = Report.objects.filter(kind=kind)
    reports = reports.filter(meeting=meeting) if kind == ReportType.BOARD_PACK else reports.filter(year=year)
    return (reports.aggregate(latest=Max("version"))["latest"] or 0) + 1


def request_report(kind, *, meeting=None, year=None, requested_by=None, schedule=None, queue=True):
    """
    Create the next version of a report and queue its build once the surrounding transaction commits
    (so the worker never looks for a row it cannot see yet). ``queue=False`` leaves the caller to build it.

    Returns ``Requested(report, started)``. If a build of the same document is already queued or building,
    nothing new is made: ``started`` is False and ``report`` is the build under way (a schedule tries again on
    its next run); a schedule that has already built the document gets no report.
    """
    if kind == ReportType.BOARD_PACK:
        if meeting is None:
            raise ValueError("A board pack needs a meeting.")
        year = None
    elif kind == ReportType.ANNUAL_REPORT:
        if year is None:
            raise ValueError("An annual report needs a year.")
        meeting = None
    else:
        raise ValueError(f"Unknown report type {kind!r}.")
    for _attempt in range(3):
        under_way = _build_under_way(kind, meeting=meeting, year=year)
        if under_way is not None:
            return Requested(under_way, started=False)
        try:
            with transaction.atomic():
                fields = {"meeting": meeting} if meeting is not None else {}
                report = Report.objects.create(
                    kind=kind,
                    year=year,
                    version=_next_version(kind, meeting=meeting, year=year),
                    requested_by=requested_by,
                    schedule=schedule,
                    step="Waiting for the report builder",
                    **fields,
                )
            break
        except IntegrityError:
            # Two requests took the same version number at once (or a schedule fired twice): try again,
            # unless this schedule has already built the report.
            if schedule is not None and _schedule_already_built(schedule, meeting=meeting, year=year):
                return Requested(None, started=False)
    else:
        raise IntegrityError("Could not give the report a version number; try again.")
    if queue:
        _queue(report)
    return Requested(report, started=True)


def _build_under_way(kind, *, meeting=None, year=None):
    reports = Report.objects.filter(kind=kind, status__in=[ReportStatus.QUEUED, ReportStatus.BUILDING])
    reports = reports.filter(meeting=meeting) if kind == ReportType.BOARD_PACK else reports.filter(year=year)
    return reports.first()


def _queue(report):
    from .tasks import build_report as build_task

    def send():
        try:
            build_task.delay(report.pk)
        except Exception as error:  # the broker is down: say so on the report rather than leave it queued
            record_failure(report.pk, RuntimeError(f"The report builder could not be reached ({error})."), final=True)

    transaction.on_commit(send)


def retry_report(report, *, requested_by=None):
    """Queue a failed report's build again (same version: nothing was stored for it)."""
    # Only if it is still failed: a second press (or a second officer) finds it queued and queues nothing.
    try:
        with transaction.atomic():
            restarted = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
                status=ReportStatus.QUEUED, progress=0, step="Waiting for the report builder (tried again by hand)",
                finished_at=None,
            )
    except IntegrityError:
        raise ValueError("Another build of this document is already under way; wait for it to finish.") from None
    if not restarted:
        raise ValueError("Only a failed report can be tried again.")
    report.refresh_from_db()
    _queue(report)
    return report


# --- Building ---------------------------------------------------------------------------------------------


def _set_progress(report_id, progress, step, **fields):
    # An UPDATE straight away (outside any transaction in the worker) so the status page sees each step.
    Report.objects.filter(pk=report_id).update(progress=progress, step=step, **fields)


def render_html(report, *, public=False, figures=None):
    """
    The report's HTML, as WeasyPrint will lay it out: for a board pack, the members' pack unless ``public``, with
    ``figures`` (``selectors.pack_figures``) shared by the two packs of one build.
    """
    if report.kind == ReportType.BOARD_PACK:
        if report.meeting_id is None:
            raise ReportCannotBeBuilt("The meeting for this board pack has been deleted, so it cannot be built.")
        document = selectors.board_pack_document(report, include_exempt=not public, figures=figures)
    else:
        document = selectors.annual_report_document(report.year)
    return render_to_string(TEMPLATES[report.kind], {"report": report, "document": document})


def lay_out(html, *, base_url=None):
    """The report's pages: HTML laid out by WeasyPrint with the reports' print stylesheet."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).render(
        stylesheets=[CSS(filename=str(PDF_STYLESHEET))], pdf_variant=PDF_VARIANT
    )


def render_pdf(html, *, base_url=None):
    """
    Lay out HTML as a tagged PDF, with any papers its placeholders ask for merged in (``merging``); returns
    (pdf bytes, page count).
    """
    document = lay_out(html, base_url=base_url)
    output = io.BytesIO()
    document.write_pdf(output, pdf_variant=PDF_VARIANT)
    paper_pages = merging.placeholders(document)
    if paper_pages:
        files = {
            paper.pk: paper.printable_file
            for paper in selectors.papers_to_merge({pk for pk, _ in paper_pages.values()})
        }
        return merging.merge(output.getvalue(), paper_pages, files), len(document.pages)
    return output.getvalue(), len(document.pages)


def build_report(report_id, *, notify=True):
    """
    Build one report: queued -> building -> ready, then (``notify``) email the members. Raises on failure;
    the task records it and retries.
    """
    started = time.perf_counter()
    try:
        report = Report.objects.select_related("meeting").get(pk=report_id)
    except Report.DoesNotExist as error:
        raise ReportCannotBeBuilt(f"Report {report_id} no longer exists.") from error
    if report.status in (ReportStatus.READY, ReportStatus.FAILED):
        # A duplicate delivery of the task: the PDF is already stored, or the build failed for good (its
        # worker was lost, say) and "Try again" queues it afresh.
        return report
    Report.objects.filter(pk=report_id).update(
        status=ReportStatus.BUILDING,
        started_at=timezone.now(),
        attempts=report.attempts + 1,
        progress=10,
        step="Gathering the figures",
    )
    report.refresh_from_db()
    if report.kind == ReportType.BOARD_PACK and report.meeting_id:
        # Word and OpenDocument papers whose conversion has not run yet are turned into PDF here, on the worker.
        from boards.services import convert_papers

        waiting = selectors.papers_awaiting_conversion(report.meeting)
        if waiting:
            _set_progress(report_id, 20, "Turning Word and OpenDocument papers into PDF")
            convert_papers(waiting)
    figures = selectors.pack_figures(report) if report.kind == ReportType.BOARD_PACK and report.meeting_id else None
    html = render_html(report, figures=figures)
    _set_progress(report_id, 40, "Laying out the PDF")
    pdf, pages = render_pdf(html)
    public_pdf, public = None, {}
    if report.kind == ReportType.BOARD_PACK:
        _set_progress(report_id, 65, "Laying out the public pack")
        public_pdf, public["public_page_count"] = render_pdf(render_html(report, public=True, figures=figures))
        public["figures"] = {"sections": figures.sections}
    _set_progress(report_id, 90, "Storing the PDF")
    if not Report.objects.filter(pk=report_id).exists():
        raise ReportCannotBeBuilt(f"Report {report_id} was deleted while it was being built.")
    if report.kind == ReportType.BOARD_PACK and not selectors.meeting_exists(report.meeting_id):
        raise ReportCannotBeBuilt("The meeting for this board pack was deleted while its pack was being built.")
    report.pdf.save(report.filename, ContentFile(pdf), save=False)
    if public_pdf is not None:
        report.public_pdf.save(report.public_filename, ContentFile(public_pdf), save=False)
        public["public_pdf"] = report.public_pdf.name
    Report.objects.filter(pk=report_id).update(
        pdf=report.pdf.name,
        page_count=pages,
        **public,
        size_bytes=len(pdf),
        status=ReportStatus.READY,
        progress=100,
        step=f"Ready ({time.perf_counter() - started:.1f} seconds)",
        error="",
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    if notify:
        from .tasks import email_members as email_task

        # Emailing is a task of its own: a mail server's hiccup must not turn a built PDF into a failure.
        transaction.on_commit(lambda: email_task.delay(report.pk))
    return report


def record_failure(report_id, error, *, final):
    """Keep the error on the report; a final failure shows as failed, otherwise it waits to be tried again."""
    message = f"{type(error).__name__}: {error}"[:5000]
    if final:
        fields = {"status": ReportStatus.FAILED, "step": "Failed", "finished_at": timezone.now()}
    else:
        fields = {"status": ReportStatus.QUEUED, "step": "Failed; it will be tried again shortly"}
    Report.objects.filter(pk=report_id).update(error=message, progress=0, **fields)


ABANDONED_AFTER = datetime.timedelta(minutes=1)  # past the hard time limit, which a live worker enforces


def fail_abandoned_reports(now=None):
    """
    Mark failed every report still building past the build's hard time limit: its worker was stopped or lost,
    and nothing was stored for that version. The officer can try again. Returns the ids.
    """
    now = now or timezone.now()
    hard_limit = settings.TASK_TIME_LIMITS["report"][1]
    cutoff = now - datetime.timedelta(seconds=hard_limit) - ABANDONED_AFTER
    abandoned = Report.objects.filter(status=ReportStatus.BUILDING, started_at__lt=cutoff)
    ids = list(abandoned.values_list("pk", flat=True))
    # The same conditions again: a report that finished meanwhile is left alone.
    abandoned.filter(pk__in=ids).update(
        status=ReportStatus.FAILED, step="Failed", progress=0, finished_at=now,
        error=(
            "The report stopped before it was finished: the computer building it (the report worker) stopped, or "
            f"the build ran for longer than {time_limit_in_words('report', hard=True)}. Nothing was stored for this "
            "version. "
            "Press “Try again” to build it again."
        ),
    )
    return ids


def email_members(report):
    """Tell the board's members the report is ready. The email holds only the title and a sign-in link."""
    if report.status != ReportStatus.READY or report.members_emailed_at is not None:
        return 0
    recipients = selectors.report_recipients(report)
    if not recipients:
        return 0
    body = render_to_string("reports/email/report_ready.txt", {"report": report, "link": email.link(report.get_download_url())})
    email.send_each(f"Ready to read: {report.title}", body, recipients)
    Report.objects.filter(pk=report.pk).update(members_emailed_at=timezone.now())
    return len(recipients)


# --- Schedules --------------------------------------------------------------------------------------------


def _schedule_already_built(schedule, *, meeting=None, year=None):
    if meeting is not None:
        return Report.objects.filter(schedule=schedule, meeting=meeting).exists()
    return Report.objects.filter(schedule=schedule, year=year).exists()


def run_due_schedules(today=None):
    """
    Request every report a schedule says is due and has not yet requested. Safe to run any number of times
    a day: each schedule builds each meeting's pack, and each year's annual report, once.
    """
    today = today or timezone.localdate()
    requested = []
    for schedule in ReportSchedule.objects.filter(active=True):
        if schedule.kind == ReportType.BOARD_PACK:
            for meeting in selectors.meetings_due_for_pack(schedule, today):
                asked = request_report(ReportType.BOARD_PACK, meeting=meeting, schedule=schedule)
                if asked.started:
                    requested.append(asked.report)
        else:
            run_on = datetime.date(today.year, schedule.annual_month, schedule.annual_day)
            year = collection_year.latest_finished(run_on)
            if today >= run_on and not _schedule_already_built(schedule, year=year):
                asked = request_report(ReportType.ANNUAL_REPORT, year=year, schedule=schedule)
                if asked.started:
                    requested.append(asked.report)
        ReportSchedule.objects.filter(pk=schedule.pk).update(last_run_at=timezone.now())
    return requested


def save_schedule(schedule, *, created_by=None):
    schedule.full_clean()
    if schedule.pk is None:
        schedule.created_by = created_by
    schedule.save()
    return schedule


def set_schedule_active(schedule, *, active):
    schedule.active = active
    schedule.save(update_fields=["active"])
    return schedule


# --- Annual report text -----------------------------------------------------------------------------------


def save_annual_content(
    year, *, strengths, areas_for_improvement, recommendations, foreword="", priorities="", updated_by=None
):
    content, _created = AnnualReportContent.objects.update_or_create(
        year=year,
        defaults={
            "foreword": foreword,
            "priorities": priorities,
            "strengths": strengths,
            "areas_for_improvement": areas_for_improvement,
            "recommendations": recommendations,
            "updated_by": updated_by,
        },
    )
    return content

"""
Board packs and the annual corporate parenting report: PDFs that a Celery task builds with WeasyPrint.

A ``Report`` is one version of one document: it is requested (by an officer or by a ``ReportSchedule``),
queued, built and then either ready to download or failed with the error kept for officers to see.
Rebuilding never overwrites a PDF: it adds the next version, so what members read at a meeting stays on file.
"""
import datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core import stamps
from core.collection_year import long_label


class ReportType(models.TextChoices):
    BOARD_PACK = "board_pack", "Board pack"
    ANNUAL_REPORT = "annual_report", "Annual corporate parenting report"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def report_upload_to(report, filename):
    subject = f"meeting-{report.meeting_id}" if report.kind == ReportType.BOARD_PACK else f"year-{report.year}"
    return f"reports/{report.kind}/{subject}/v{report.version}/{filename}"


class Report(models.Model):
    objects = stamps.StampedManager()

    kind = models.CharField("report type", max_length=20, choices=ReportType.choices)
    meeting = models.ForeignKey(
        "boards.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The meeting a board pack is for.",
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For the annual report: the collection year ending 31 March, e.g. 2025."
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("progress (%)", default=0)
    step = models.CharField(max_length=200, blank=True, help_text="What the build is doing now.")
    error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule = models.ForeignKey(
        "ReportSchedule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The schedule that requested this build, if it was not requested by hand.",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(
        upload_to=report_upload_to, blank=True, max_length=255,
        help_text="For a board pack, the members' pack: exempt items with their papers, marked not for publication.",
    )
    page_count = models.PositiveIntegerField(null=True, blank=True)
    public_pdf = models.FileField(
        "public pack", upload_to=report_upload_to, blank=True, max_length=255,
        help_text="For a board pack, the public pack: exempt items named only by their paragraph of Schedule 12A.",
    )
    public_page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField("size (bytes)", null=True, blank=True)
    members_emailed_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(
        default=dict, blank=True,
        help_text="For a board pack: its measures as laid out, with when their figures stood, so that a later "
        "version can show them as they stood at its own date (reports.selectors.pack_figures).",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ReportType.BOARD_PACK) & Q(year__isnull=True))
                | (Q(kind=ReportType.ANNUAL_REPORT) & Q(year__isnull=False) & Q(meeting__isnull=True)),
                name="report_subject_matches_type",
            ),
            models.UniqueConstraint(
                fields=["kind", "meeting", "version"],
                condition=Q(meeting__isnull=False),
                name="one_board_pack_per_meeting_version",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "version"],
                condition=Q(year__isnull=False),
                name="one_annual_report_per_year_version",
            ),
            # One build of a document at a time: a second press, or a schedule firing during a build by hand,
            # finds the first one under way instead of queueing another (and emailing the members twice).
            models.UniqueConstraint(
                fields=["kind", "meeting"],
                condition=Q(meeting__isnull=False, status__in=["queued", "building"]),
                name="one_board_pack_build_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=Q(year__isnull=False, status__in=["queued", "building"]),
                name="one_annual_report_build_at_a_time",
            ),
            # A schedule triggers a meeting's board pack, or a year's annual report, once only.
            models.UniqueConstraint(
                fields=["schedule", "meeting"],
                condition=Q(schedule__isnull=False, meeting__isnull=False),
                name="schedule_builds_board_pack_once",
            ),
            models.UniqueConstraint(
                fields=["schedule", "year"],
                condition=Q(schedule__isnull=False, year__isnull=False),
                name="schedule_builds_annual_report_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    @property
    def title(self):
        if self.kind == ReportType.ANNUAL_REPORT:
            return f"Annual corporate parenting report {long_label(self.year)}"
        if self.meeting_id is None:
            return "Board pack (meeting deleted)"
        return f"Board pack for the meeting on {self.meeting.date:%-d %B %Y}"

    @property
    def contents_as_at(self):
        """
        The moment a board pack's contents stand at: when it was requested or, for a pack requested after its
        meeting began, the meeting's start (nothing recorded later belongs in it). Its figures may stand at
        another time, which the pack states (``reports.selectors.pack_figures``).
        """
        requested = self.requested_at or timezone.now()  # not yet saved: as if requested now
        if self.kind != ReportType.BOARD_PACK or self.meeting_id is None:
            return requested
        return min(requested, self.meeting.starts_at)

    @property
    def is_finished(self):
        return self.status in (ReportStatus.READY, ReportStatus.FAILED)

    @property
    def public_filename(self):
        return self.filename.replace("board-pack-", "board-pack-public-", 1)

    def get_public_download_url(self):
        return reverse("reports:report_download_public", args=[self.pk, self.version])

    @property
    def filename(self):
        if self.kind == ReportType.ANNUAL_REPORT:
            return f"annual-corporate-parenting-report-{self.year - 1}-{self.year}-v{self.version}.pdf"
        if self.meeting_id is None:
            return f"board-pack-{self.pk}-v{self.version}.pdf"
        return f"board-pack-{self.meeting.date:%Y-%m-%d}-v{self.version}.pdf"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    def get_download_url(self):
        return reverse("reports:report_download", args=[self.pk, self.version])


class AnnualReportContent(models.Model):
    """What officers write for the annual report to full council; the figures come from the data."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="Collection year ending 31 March, e.g. 2025.")
    foreword = models.TextField("chair's foreword", blank=True)
    strengths = models.TextField(blank=True)
    areas_for_improvement = models.TextField("areas for improvement", blank=True)
    recommendations = models.TextField(
        blank=True, help_text="What the board recommends to full council, the executive and the children's trust."
    )
    priorities = models.TextField("next year's priorities", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "annual report content"
        verbose_name_plural = "annual report content"

    def __str__(self):
        return f"Annual report content {long_label(self.year)}"


class ReportSchedule(models.Model):
    """
    When reports build themselves: board packs a number of days before each scheduled meeting, and the
    annual report each year on a given day for the year just ended. Celery beat runs
    ``reports.tasks.run_due_schedules`` daily; it builds each due report once.
    """

    kind = models.CharField("report type", max_length=20, choices=ReportType.choices)
    days_before_meeting = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Board packs: build this many days before each meeting."
    )
    annual_month = models.PositiveSmallIntegerField(
        "month", null=True, blank=True, help_text="Annual report: the month to build it in (1 to 12)."
    )
    annual_day = models.PositiveSmallIntegerField(
        "day", null=True, blank=True, help_text="Annual report: the day of the month (1 to 28)."
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        if self.kind == ReportType.BOARD_PACK:
            return f"Board pack {self.days_before_meeting} days before each meeting"
        return f"Annual report every {self.annual_day} {datetime.date(2000, self.annual_month or 1, 1):%B}"

    def clean(self):
        errors = {}
        if self.kind == ReportType.BOARD_PACK:
            if self.days_before_meeting is None:
                errors["days_before_meeting"] = "Enter how many days before each meeting to build the board pack."
            elif self.days_before_meeting > 60:
                errors["days_before_meeting"] = "Build the board pack no more than 60 days before the meeting."
        elif self.kind == ReportType.ANNUAL_REPORT:
            if self.annual_month is None or not 1 <= self.annual_month <= 12:
                errors["annual_month"] = "Enter the month as a number from 1 to 12."
            if self.annual_day is None or not 1 <= self.annual_day <= 28:
                errors["annual_day"] = "Enter a day from 1 to 28, so it falls in every month."
        if errors:
            raise ValidationError(errors)


# Who requested and rebuilt what, and officers' changes to the annual report's text and the schedules, are
# audited; each download is logged by the download view (``accessed`` signal).
auditlog.register(Report, include_fields=["kind", "meeting", "year", "version", "requested_by", "schedule"])
auditlog.register(AnnualReportContent, exclude_fields=["updated_at"])
auditlog.register(ReportSchedule, exclude_fields=["last_run_at", "created_at"])

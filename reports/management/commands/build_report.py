"""Build a board pack or an annual report from the command line (queued for the worker, or built here)."""
from django.core.management.base import BaseCommand, CommandError

from reports import services
from reports.models import ReportStatus, ReportType


class Command(BaseCommand):
    help = "Build the next version of a meeting's board pack or a year's annual report."

    def add_arguments(self, parser):
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--meeting", type=int, help="The meeting's id: build its board pack.")
        subject.add_argument("--annual", type=int, metavar="YEAR", help="The year ending 31 March, e.g. 2025.")
        parser.add_argument(
            "--here", action="store_true", help="Build in this process and wait, instead of queueing for the worker."
        )

    def handle(self, *args, **options):
        from boards.models import Meeting

        if options["meeting"] is not None:
            meeting = Meeting.objects.filter(pk=options["meeting"]).first()
            if meeting is None:
                raise CommandError(f"There is no meeting with id {options['meeting']}.")
            report = services.request_report(ReportType.BOARD_PACK, meeting=meeting, queue=not options["here"]).report
        else:
            report = services.request_report(ReportType.ANNUAL_REPORT, year=options["annual"], queue=not options["here"]).report
        if not options["here"]:
            self.stdout.write(f"Queued {report} (report {report.pk}).")
            return
        try:
            report = services.build_report(report.pk)
        except Exception as error:
            services.record_failure(report.pk, error, final=True)
            report.refresh_from_db()
        if report.status != ReportStatus.READY:
            raise CommandError(f"{report} failed: {report.error}")
        self.stdout.write(self.style.SUCCESS(f"Built {report}: {report.page_count} pages, {report.pdf.name}"))

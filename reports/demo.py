"""
Demo reports for Wyvern County Council: the board pack for the last meeting held and the annual report for
the last full year (built here, in-process, so the demo works without a worker), officers' text for the
annual report, and the schedules that build future packs and reports. Nobody here is real.
"""
from boards.models import Meeting, MeetingStatus
from core import collection_year

from . import services
from .models import ReportSchedule, ReportType

STRENGTHS = """More of our children now live with family or friends (kinship carers) than five years ago, and fewer live in residential care. Children tell us that living with people they already know helps them feel settled.

Almost all our care leavers aged 19 to 21 are still in touch with their personal adviser, which is better than the England average.

The Children in Care Council co-produced the refreshed Care Pledge, and the board now answers every issue they raise in writing ("you said, we did")."""

AREAS_FOR_IMPROVEMENT = """Too many children still live more than 20 miles from home, mostly because we do not have enough local foster carers for teenagers and for brothers and sisters who want to stay together.

Dental checks and health assessments are not yet done on time for every child, especially for children placed outside the county.

Fewer than half of our care leavers are in education, employment or training. This is the gap between our young people and their peers that worries the board most."""

RECOMMENDATIONS = """1. Full council should support a campaign to recruit 20 more local foster carers, with priority for teenagers and sibling groups.

2. The executive should ask the Integrated Care Board to report to the board twice a year on health assessments and dental checks for children placed outside the county.

3. Every council directorate should offer at least two apprenticeships or work placements a year ring-fenced for care leavers, and report the numbers to the board."""


def load(context):
    today = context["today"]
    people = context.get("people", {})
    officer = people.get("officer.lindqvist")
    year = collection_year.latest_finished(today)

    services.save_annual_content(
        year,
        strengths=STRENGTHS,
        areas_for_improvement=AREAS_FOR_IMPROVEMENT,
        recommendations=RECOMMENDATIONS,
        updated_by=officer,
    )
    services.save_schedule(ReportSchedule(kind=ReportType.BOARD_PACK, days_before_meeting=7), created_by=officer)
    services.save_schedule(
        ReportSchedule(kind=ReportType.ANNUAL_REPORT, annual_month=7, annual_day=1), created_by=officer
    )

    built = []
    last_held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
    if last_held is not None:
        built.append(services.request_report(ReportType.BOARD_PACK, meeting=last_held, requested_by=officer, queue=False))
    built.append(services.request_report(ReportType.ANNUAL_REPORT, year=year, requested_by=officer, queue=False))
    for report in built:
        report = services.build_report(report.pk, notify=False)
        if "stdout" in context:
            context["stdout"].write(f"  {report.title}: {report.page_count} pages")
    context["reports"] = built

"""
Demo reports for Wyvern County Council: the board pack for the last meeting held and the annual report for
the last full year (built here, in-process, so the demo works without a worker), officers' text for the
annual report, and the schedules that build future packs and reports. Nobody here is real.
"""
from boards.models import Meeting, MeetingStatus
from core import collection_year

from . import services
from .models import ReportSchedule, ReportType

# Officers' words sit beside sentences the report writes from the figures, so they make no claim about a
# figure's size, direction or comparison that the figures could contradict.
FOREWORD = """This is the board's report to full council on how well we have looked after the children in our care and our care leavers this year. Every councillor is their corporate parent: we hope it helps each of you ask the questions a good parent would.

The figures are set out first, each with what it says about the year. The young people of the Children in Care Council have told us what matters to them, and this report shows what we did about it."""

STRENGTHS = """Children tell us that living with family or friends (kinship carers) helps them feel settled, and the board has made finding and supporting kinship carers part of every placement decision.

The leaving care team keeps in touch with most of our care leavers aged 19 to 21, and now contacts every young person it has not heard from for three months.

The Children in Care Council co-produced the refreshed Care Pledge, and the board now answers every issue they raise in writing ("you said, we did")."""

AREAS_FOR_IMPROVEMENT = """Too many children still live more than 20 miles from home, mostly because we do not have enough local foster carers for teenagers and for brothers and sisters who want to stay together.

Dental checks and health assessments are not yet done on time for every child, especially for children placed outside the county.

Too few of our care leavers are in education, employment or training. This is the gap between our young people and their peers that worries the board most."""

RECOMMENDATIONS = """1. Full council should support a campaign to recruit 20 more local foster carers, with priority for teenagers and sibling groups.

2. The executive should ask the Integrated Care Board to report to the board twice a year on health assessments and dental checks for children placed outside the county.

3. Every council directorate should offer at least two apprenticeships or work placements a year ring-fenced for care leavers, and report the numbers to the board."""


PRIORITIES = """1. Recruit local foster carers for teenagers and for brothers and sisters, so fewer children live far from home.

2. Health assessments and dental checks on time for every child, wherever they live.

3. More care leavers in education, employment or training, starting with the council's own apprenticeships."""


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
        foreword=FOREWORD,
        priorities=PRIORITIES,
        updated_by=officer,
    )
    services.save_schedule(ReportSchedule(kind=ReportType.BOARD_PACK, days_before_meeting=7), created_by=officer)
    services.save_schedule(
        ReportSchedule(kind=ReportType.ANNUAL_REPORT, annual_month=7, annual_day=1), created_by=officer
    )

    if not context.get("build_reports", True):
        return
    built = []
    last_held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
    if last_held is not None:
        built.append(services.request_report(ReportType.BOARD_PACK, meeting=last_held, requested_by=officer, queue=False).report)
    built.append(services.request_report(ReportType.ANNUAL_REPORT, year=year, requested_by=officer, queue=False).report)
    for report in built:
        report = services.build_report(report.pk, notify=False)
        if "stdout" in context:
            context["stdout"].write(f"  {report.title}: {report.page_count} pages")
    context["reports"] = built

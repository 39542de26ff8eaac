"""
Real PDFs, built by the task and read back with pypdf: contents page, page numbers, headings as bookmarks,
a tagged structure for screen readers, charts with their titles and data, and small numbers shown as [c].
"""
import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone

from boards.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Membership,
    PledgeCommitment,
    PledgeUpdate,
)
from indicators.models import Area, Cycle, Evaluation, EvaluationStatus, Framework, QualityIndicator
from measures import queries as measure_queries
from measures.models import Comparator
from reports import services
from reports.models import ReportStatus, ReportType
from reports.selectors import in_annual_report_table

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def cohort(tmp_path):
    """Two small synthetic 903 returns, imported the way officers import them: some counts fall below 5."""
    from children import services as children_services
    from children import synthetic

    children_services.load_reference_data()
    written = synthetic.write_cohort(tmp_path / "903", children=60, last_year=YEAR, years=2, seed=11)
    for year, paths in written.items():
        result = children_services.import_files(year=year, paths=paths)
        assert result.status == result.Status.SUCCEEDED, result.errors[:3]
    Comparator.objects.create(measure="care_leavers_in_touch", year=YEAR, england=91, statistical_neighbours=93)
    return measure_queries.for_year(YEAR)


def _flat(pages):
    return " ".join(" ".join(pages).split())


def _build(django_capture_on_commit_callbacks, kind, **subject):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(kind, **subject).report
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    return report


def test_the_annual_report_pdf_has_contents_page_numbers_headings_charts_and_suppression(
    django_capture_on_commit_callbacks, cohort, board, members, officer
):
    # The year's business: a meeting held with attendance, a pledge commitment rated, an approved grade.
    held = Meeting.objects.create(
        board=board,
        starts_at=datetime.datetime(YEAR - 1, 9, 10, 14, tzinfo=timezone.get_current_timezone()),
        venue="County Hall",
        status=MeetingStatus.HELD,
    )
    chair = Membership.objects.get(user=members["chair"])
    Attendance.objects.create(meeting=held, membership=chair, status=AttendanceStatus.PRESENT)
    promise = PledgeCommitment.objects.create(number=1, commitment="We will help you stay in touch with your brothers and sisters.", owner=officer)
    PledgeUpdate.objects.create(
        commitment=promise, rag="amber", note="Contact plans reviewed.", updated_by=officer,
        updated_on=datetime.date(YEAR - 1, 11, 2),
        created_at=datetime.datetime(YEAR - 1, 11, 2, 10, tzinfo=timezone.get_current_timezone()),
    )
    # Recorded after the year ended (now): not in this year's report.
    PledgeUpdate.objects.create(commitment=promise, rag="green", note="Every plan now agreed.", updated_by=officer)
    framework = Framework.objects.create(name="Corporate parenting", slug="cp")
    area = Area.objects.create(framework=framework, number=1, name="Outcomes and impact")
    indicator = QualityIndicator.objects.create(
        area=area, number="QI 1.1", title="Improvements in outcomes for looked-after children",
        illustration_excellent="-", illustration_weak="-",
    )
    cycle = Cycle.objects.create(framework=framework, name="2024-25", starts_on=datetime.date(2024, 4, 1), ends_on=datetime.date(2025, 3, 31))
    Evaluation.objects.create(
        cycle=cycle, indicator=indicator, grade=4, status=EvaluationStatus.APPROVED,
        board_approval_date=datetime.date(2025, 3, 1),
    )
    services.save_annual_content(YEAR, strengths="More children live with kinship carers.", areas_for_improvement="Dental checks.", recommendations="Fund a health navigator.")

    report = _build(django_capture_on_commit_callbacks, ReportType.ANNUAL_REPORT, year=YEAR)
    pages, reader = pdf_text(report.pdf)
    text = _flat(pages)
    assert len(pages) == report.page_count > 5
    # The measures say whether their return was checked against the DfE's rules (these tests switch them off).
    assert "return, which was not checked against the DfE’s validation rules" in text

    # Contents page: every section with the page it starts on, and that page really starts it.
    contents = " ".join(pages[1].split())
    assert contents.startswith("Contents")
    starts = {}
    for number, title in enumerate(
        ["Chair's foreword", "Summary", "The year in figures", "Children's voice: you said, we did",
         "What the board did", "Care Pledge progress", "Self-evaluation grades", "Strengths",
         "Areas for improvement", "Recommendations to full council", "Next year's priorities", "Glossary"],
        start=1,
    ):
        match = re.search(rf"{number}\. {re.escape(title)} [. ]+(\d+)", contents)
        assert match, (title, contents)
        assert " ".join(pages[int(match.group(1)) - 1].split()).startswith(f"{number}. {title}")
        starts[title] = int(match.group(1))

    # The summary is one printed page (tests/reports/test_annual_report.py fills it with every sentence at its
    # longest).
    assert starts["The year in figures"] == starts["Summary"] + 1

    # Page numbers on every page.
    for index, page in enumerate(pages, start=1):
        assert f"Page {index} of {len(pages)}" in page

    # Headings are the PDF's bookmarks, and the PDF is tagged for screen readers, in English.
    outline = reader.outline
    assert outline[0].title == "Annual corporate parenting report 2024 to 2025"
    assert [item.title for item in outline[1] if not isinstance(item, list)][:3] == [
        "Contents", "1. Chair's foreword", "2. Summary",
    ]
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Annual corporate parenting report 2024 to 2025"

    # Charts (the same server-side SVG charts as the pages) with their data tables.
    assert "Placement mix at 31 March" in text
    assert "Data for the chart: Care leavers aged 19 to 21 in touch" in text
    assert "Statistical neighbours" in text and "93" in text

    # Small numbers are withheld: fewer than 5 children shows [c] in the summary table and the chart's table.
    small = [value for value in cohort.values() if value.is_small]
    assert small, "the synthetic cohort should have measures below 5 children"
    # A long title wraps in its table cell, after a hyphen too: "(long-" ends a line, "term stability)" begins one.
    unwrapped = text.replace("- ", "-")
    for value in small:
        title = value.measure.title
        if title.startswith("Category of need: "):
            assert f"{title.removeprefix('Category of need: ')} [c]" in unwrapped  # the category of need chart
        elif in_annual_report_table(value.measure):
            assert f"{title} [c]" in unwrapped
        assert f"{title} {value.shown(suppress=False)}" not in unwrapped

    # The year's business and the officers' words.
    assert "QI 1.1" in text and "4 Good" in text
    assert "We will help you stay in touch with your brothers and sisters." in text and "Amber" in text
    assert "Every plan now agreed." not in text
    assert "The board met 1 time in 2024 to 2025" in text
    assert str(members["chair"]) in text
    # Attendance is of voting members; the young people's representative (not voting) is never named.
    assert str(members["young"]) not in text
    assert "More children live with kinship carers." in text and "Fund a health navigator." in text


def test_the_board_pack_pdf_lists_agenda_measures_actions_pledge_and_papers(
    django_capture_on_commit_callbacks, cohort, meeting, officer
):
    from boards.models import BoardRole, Minute
    from measures.registry import get

    item = AgendaItem.objects.create(
        meeting=meeting, order=1, title="Care leavers' accommodation", report_author=officer,
        measures="placed_over_20_miles,placement_foster",
    )
    earlier = Meeting.objects.create(
        board=meeting.board, starts_at=meeting.starts_at - datetime.timedelta(days=60), venue="County Hall",
        status=MeetingStatus.HELD,
    )
    earlier_item = AgendaItem.objects.create(meeting=earlier, order=1, title="Children placed far from home")
    Minute.objects.create(agenda_item=earlier_item, number=7, text="The board asked for a map of placements.")
    clerk = Membership.objects.create(
        board=meeting.board, user=officer, role=BoardRole.CLERK, voting=False, start_date=datetime.date(2020, 1, 1))
    clerk.user.job_title, clerk.user.email = "Democratic services officer", "clerk@council.example"
    clerk.user.save()
    ActionItem.objects.create(
        meeting=earlier, description="Report on dental checks for children placed out of area", owner=officer,
        due_on=meeting.date - datetime.timedelta(days=10),
    )
    from boards.models import Paper
    from django.core.files.base import ContentFile

    paper = Paper(agenda_item=item, title="Accommodation for care leavers: report", published=True, published_at=timezone.now())
    paper.file.save("accommodation.pdf", ContentFile(b"%PDF-1.4 test"), save=True)

    report = _build(django_capture_on_commit_callbacks, ReportType.BOARD_PACK, meeting=meeting)
    pages, _reader = pdf_text(report.pdf)
    text = _flat(pages)
    assert "Board pack: Wyvern Corporate Parenting Board" in text
    assert f"{settings.COUNCIL_NAME}: Corporate Parenting Board" in pages[0]
    assert f"Clerk to the board: {officer}, Democratic services officer, clerk@council.example" in _flat(pages[:1])
    for title in ("1. Agenda", "2. Minutes of the previous meeting (draft)", "3. Action log",
                  "4. Measures named on the agenda", "5. Care Pledge progress", "6. Reports and their cover sheets"):
        assert title in text
    assert "draft, for the board to approve as a correct record at this meeting" in text
    assert "Minute 7. The board asked for a map of placements." in text
    assert "Care leavers' accommodation" in text and str(officer) in text
    # Only the measures the agenda names: distance, and the placement mix the placement type belongs to.
    assert "Data for the chart: Placed more than 20 miles from home" in text
    assert "Data for the chart: Placement mix at 31 March" in text
    assert f"Data for the chart: {get('health_assessment').title}" not in text
    assert "Report on dental checks for children placed out of area" in text and "Overdue" in text
    assert "Accommodation for care leavers: report" in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]

    # The meeting begins; then a target is set. A version built now is dated to the meeting's start, so its
    # figures are those this version kept from then, not today's (which carry the target), and it says so.
    from measures.models import Target
    from measures.registry import format_value, get
    from reports.selectors import PackFigures

    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    Target.objects.create(measure="placed_over_20_miles", value=37.77, amber_margin=2)
    target = format_value(get("placed_over_20_miles"), 37.77)
    later = services.request_report(ReportType.BOARD_PACK, meeting=meeting, queue=False).report
    later.meeting.refresh_from_db()
    (kept,) = report.figures["sections"].values()
    html = services.render_html(later)
    assert kept["html"] in html and target not in html
    assert "as an earlier version of this pack showed them: they changed on" in html
    today = services.render_html(later, figures=PackFigures(later.contents_as_at, None, {}))
    assert target in today

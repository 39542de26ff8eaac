"""
End-to-end journeys, each as the person would do it in a browser: signing in through the real form,
following links and filling in forms, and checking what they see.
"""
import datetime
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Role
from boards import services as board_services
from boards.models import ActionItem, Attendance, AttendanceStatus, Meeting, Theme, ViewSource
from children import services as children_services
from children.models import Child, CohortImport
from indicators.models import Evaluation, EvaluationStatus
from reports.models import Report, ReportStatus, ReportType

from .conftest import PDF_BYTES, check_accessibility, first_evaluation, sign_in

DATA_903 = Path(__file__).resolve().parents[1] / "children" / "data"  # real-shaped 903 files, valid and broken

pytestmark = pytest.mark.browser


def wait_for_build(report, seconds=90):
    """The worker builds the PDF (in-process in the SQLite run, a real worker with Redis): wait for it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (ReportStatus.READY, ReportStatus.FAILED):
            break
        time.sleep(0.5)
    assert report.status == ReportStatus.READY, f"The board pack was not built: {report.status} {report.error}"
    return report


@pytest.mark.worker
def test_an_officer_builds_the_board_pack_and_a_councillor_downloads_it(page, browser, live_server, board, celery_worker):
    meeting = board_services.schedule_meeting(
        board=board, starts_at=timezone.now() + datetime.timedelta(days=10), venue="Council Chamber, County Hall"
    )
    board_services.add_agenda_item(meeting=meeting, title="Placement stability and care leavers' outcomes")

    # The officer presses the button on the reports page, as a person does.
    sign_in(page, board.officer)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    page.get_by_label("Meeting").select_option(label=str(meeting))
    page.get_by_role("button", name="Build board pack").click()
    report = Report.objects.get(kind=ReportType.BOARD_PACK, meeting=meeting)
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    expect(page.get_by_text(f"{report.title} (version 1) has been requested.")).to_be_visible()
    wait_for_build(report)
    assert report.requested_by == board.officer
    expect(page.get_by_role("link", name=re.compile("Download the PDF"))).to_be_visible()

    # The chair, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    sign_in(page, board.chair)
    expect(page).to_have_url(re.compile(r"/dashboard/councillor/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Councillor's dashboard")
    # The chair reads what is coming: the next meeting and its agenda.
    next_meeting = page.get_by_role("heading", name="Next meeting").locator("xpath=following-sibling::*[1]")
    expect(next_meeting).to_contain_text("Council Chamber, County Hall")
    expect(page.get_by_role("main")).to_contain_text("1 item on the agenda.")
    # The summary counts the items; the chair opens the meeting to read them.
    next_meeting.get_by_role("link", name=str(meeting)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting on")
    expect(page.get_by_role("main")).to_contain_text("Placement stability and care leavers' outcomes")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=report.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(report.title)
    check_accessibility(page, "board pack page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the PDF")).click()
    download = download_info.value
    assert download.suggested_filename == report.filename
    pdf = PdfReader(download.path())
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Placement stability" in text, text
    assert len(pdf.pages) == report.page_count
    assert Report.objects.filter(kind=ReportType.BOARD_PACK, status=ReportStatus.READY).count() == 1
    context.close()


def upload_903(page, year_label, folder):
    page.goto("/children/imports/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a year's 903 return")
    page.get_by_label("Collection year").select_option(label=year_label)
    page.get_by_label("903 files").set_input_files(sorted(str(p) for p in (DATA_903 / folder).glob("*.csv")))
    page.get_by_role("button", name="Upload and import").click()


def test_an_officer_imports_a_903_return_and_sees_the_problems_in_a_broken_one(page, officer):
    children_services.load_reference_data()
    sign_in(page, officer)

    upload_903(page, "2024-25", "valid")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Import \d+: succeeded"))
    looked_after = Child.objects.count()
    assert looked_after > 0
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Children").click()
    first_child = Child.objects.order_by("child_id").first()
    expect(page.get_by_role("main")).to_contain_text(first_child.child_id)

    upload_903(page, "2024-25", "broken")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Import \d+: failed"))
    expect(page.get_by_role("alert")).to_contain_text("nothing was changed")
    check_accessibility(page, "import page listing problems")
    problems = page.get_by_role("table", name=re.compile("Problems found"))
    # Each problem names its table, row, field and value: here the impossible date of birth in Header row 1.
    bad_date = problems.get_by_role("row").filter(has_text="31/02/2012")
    expect(bad_date).to_have_count(1)
    expect(bad_date.get_by_role("rowheader")).to_have_text(re.compile("Header"))
    expect(bad_date.get_by_role("cell").nth(0)).to_have_text(re.compile(r"^\d+$"))
    expect(bad_date.get_by_role("cell").nth(1)).to_have_text("DOB")
    assert Child.objects.count() == looked_after, "a broken return must change nothing"
    assert CohortImport.objects.filter(status=CohortImport.Status.FAILED).count() == 1


def test_an_officer_grades_an_indicator_with_evidence_and_submits_it(page, officer, cycle, tmp_path):
    evaluation = first_evaluation(cycle)
    indicator = evaluation.indicator
    audit = tmp_path / "case-file-audit.pdf"
    audit.write_bytes(PDF_BYTES)

    sign_in(page, officer)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Self-evaluation").click()
    page.get_by_role("link", name=cycle.name, exact=True).click()
    page.get_by_role("link", name=f"{indicator.number} {indicator.title}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{indicator.number} {indicator.title}")

    page.get_by_role("link", name="Edit the evaluation").click()
    page.get_by_label("4 Good").check()
    page.get_by_label("How good are we now?").fill("Most children have a say in their plans; care leavers less so.")
    page.get_by_label("How do we know?").fill("Case file audit of 40 files in March; Children in Care Council survey.")
    page.get_by_label("How good can we be, and what will we do?").fill("Personal advisers to ask every care leaver.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("saved as a draft")

    page.get_by_role("link", name="Add evidence").click()
    page.get_by_role("button", name=re.compile("Save|Add")).click()  # nothing filled in yet
    error_summary = page.locator(".govuk-error-summary")
    expect(error_summary).to_contain_text("There is a problem")
    expect(error_summary.get_by_role("link").first).to_be_visible()  # each error links to its field
    check_accessibility(page, "evidence form with errors")
    page.get_by_label("Title").fill("Case file audit, March")
    page.get_by_label("Summary").fill("40 files audited; 31 showed the child's views recorded.")
    page.get_by_label("File").set_input_files(str(audit))
    expect(page.get_by_label("Officers only")).to_be_checked()  # a file is for officers unless opened
    page.get_by_role("button", name=re.compile("Save|Add")).click()
    expect(page.get_by_role("link", name="Download case-file-audit.pdf")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Open to the board")).click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("now open to the board")

    page.get_by_role("link", name="Submit for moderation").click()
    page.get_by_label("Comment (optional)").fill("Ready for moderation.")
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page.get_by_role("main")).to_contain_text("Submitted for moderation")

    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.grade == 4
    assert evaluation.evidence.get().file.read().startswith(b"%PDF")
    assert evaluation.evidence.get().file_audience == "board"
    assert Evaluation.objects.filter(cycle=cycle, status=EvaluationStatus.SUBMITTED).count() == 1


def test_the_clerk_schedules_a_meeting_records_attendance_and_actions(page, board, make_user):
    clerk = make_user(Role.CLERK, username="deborah", first_name="Deborah", last_name="Ashworth")
    day = timezone.localdate() + datetime.timedelta(days=30)

    sign_in(page, clerk)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Board").select_option(label=board.name)
    page.get_by_label("Date and time").fill(f"{day:%Y-%m-%d}T14:00")
    page.get_by_label("Venue").fill("Council Chamber, County Hall")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meeting on {day.day} {day:%B %Y}")
    meeting = Meeting.objects.get(board=board)

    # Thirty days ahead, attendance cannot be recorded yet; apologies received can.
    expect(page.get_by_role("link", name="Record attendance")).to_have_count(0)
    page.get_by_role("link", name="Record apologies").click()
    page.get_by_label("Member sending apologies").select_option(label=f"Gareth Hughes (Councillor, {board.name})")
    page.get_by_label("Substitute").fill("Cllr Priya Mistry")
    page.get_by_role("button", name="Record apologies").click()
    attendance = page.get_by_role("table", name="Attendance at this meeting")
    expect(attendance.get_by_role("row").filter(has_text="Gareth Hughes")).to_contain_text("Apologies")
    expect(attendance.get_by_role("row").filter(has_text="Gareth Hughes")).to_contain_text("Cllr Priya Mistry")
    expect(attendance.get_by_role("row").filter(has_text="Adaeze Okafor")).to_have_count(0)

    due = day + datetime.timedelta(days=42)
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Description").fill("Report care leavers' suitable accommodation by district.")
    page.get_by_label("Owner").select_option(label=str(board.officer))
    page.get_by_label("Due date").fill(f"{due:%Y-%m-%d}")
    page.get_by_role("button", name="Save").click()
    actions = page.get_by_role("table", name="Actions arising from this meeting")
    expect(actions).to_contain_text("Report care leavers' suitable accommodation")
    expect(actions).to_contain_text(str(board.officer))

    page.goto("/actions/")
    expect(page.get_by_role("main")).to_contain_text("Report care leavers' suitable accommodation")

    assert Attendance.objects.get(meeting=meeting, membership__user=board.member).status == AttendanceStatus.APOLOGIES
    action = ActionItem.objects.get(meeting=meeting)
    assert (action.owner, action.due_on) == (board.officer, due)


def test_a_young_peoples_representative_reads_you_said_we_did(page, make_user, officer):
    representative = make_user(Role.YOUNG_PERSON, username="jay", first_name="Jay", last_name="Morgan")
    heard = timezone.localdate() - datetime.timedelta(days=60)
    answered = board_services.record_childrens_view(
        view="We want to keep our pocket money when we move placement.",
        heard_on=heard, source=ViewSource.CICC_MEETING, recorded_by=officer, service_area=Theme.TRANSITIONS,
    )
    board_services.respond_to_view(
        answered, we_did="Changed the placement move checklist so savings move with you.",
        decision="Pocket money and savings always move with the young person.",
        reason="You told us money went missing at moves; the board agreed it is yours.",
        responded_by=officer, published=True,
    )
    not_yet = board_services.record_childrens_view(
        view="More say in who our social worker is.", heard_on=heard, source=ViewSource.SURVEY,
        recorded_by=officer, service_area=Theme.OTHER,
    )
    board_services.respond_to_view(
        not_yet, we_did="Draft wording still being agreed.", decision="Draft.", reason="Draft.",
        responded_by=officer, published=False,
    )

    sign_in(page, representative)
    expect(page).to_have_url(re.compile(r"/pledge/$"))
    page.get_by_role("link", name=re.compile("You said, we did")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You said, we did")
    main = page.get_by_role("main")
    expect(main).to_contain_text("We want to keep our pocket money when we move placement.")
    expect(main).to_contain_text("Changed the placement move checklist so savings move with you.")
    expect(main).to_contain_text("Pocket money and savings always move with the young person.")
    expect(main).to_contain_text("You told us money went missing at moves")
    # A response the board has not published yet is not shown, nor are officers' editing links.
    expect(main).not_to_contain_text("Draft wording still being agreed.")
    expect(page.get_by_role("link", name=re.compile("Respond|Change the response"))).to_have_count(0)
    # Young people's representatives never reach officers' or children's pages.
    assert page.goto("/children/").status == 403

"""
The clerk's journey, in the browser, from setting up the board to decisions followed through: set up the board
with the standard agenda template and add its chair, build an agenda from the template, receive a paper, publish
the agenda in time, record attendance and a declaration of interest on the day, write the minutes with a
recommendation, have the minutes approved at the next meeting, and record the response to the recommendation.

A browser test cannot wait weeks between meetings, so three meetings are used: one later this month whose agenda
is built and published in time, one today, and an extraordinary meeting later today that approves today's minutes
(minutes are approved at the next meeting, on its day, which the rule allows).
"""
import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from boards import services as board_services
from boards.models import (
    Attendance,
    AttendanceStatus,
    Board,
    BoardRole,
    Declaration,
    ForwardPlanItem,
    Meeting,
    Minute,
    MinuteKind,
    Theme,
)
from measures.registry import MEASURES

from .conftest import PDF_BYTES, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_clerk_sets_up_a_board_and_runs_a_meeting_from_agenda_to_the_response_to_its_recommendation(
    page, make_user, tmp_path, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clerk = make_user(Role.CLERK, username="deborah", first_name="Deborah", last_name="Ashworth")
    chair = make_user(Role.COUNCILLOR, username="adaeze", first_name="Adaeze", last_name="Okafor")
    councillor = make_user(Role.COUNCILLOR, username="gareth", first_name="Gareth", last_name="Hughes")
    officer = make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist")
    today = timezone.localdate()
    a_year_ago = today - datetime.timedelta(days=365)

    # The clerk lands on the desk and sets up the board, with the standard agenda, from the app.
    sign_in(page, clerk)
    expect(page.get_by_role("heading", level=1)).to_have_text("Clerk's desk")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Set up a board").click()
    page.get_by_label("Name", exact=True).fill("Wyvern Corporate Parenting Board")
    page.get_by_label("Terms of reference").fill("Leads and scrutinises the council's duties as corporate parent.")
    page.get_by_label("Quorum", exact=True).fill("2")
    page.get_by_label("The standard items in the usual order").check()
    check_accessibility(page, "setting up a board")
    page.get_by_role("button", name="Set up the board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wyvern Corporate Parenting Board")
    board = Board.objects.get(name="Wyvern Corporate Parenting Board")

    # Its chair, through the board's page; the other members as the clerk would add them the same way.
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Person").select_option(label=str(chair))
    page.get_by_label("Role on the board").select_option(label="Chair")
    page.get_by_label("Start date").fill(f"{a_year_ago:%Y-%m-%d}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("table", name=f"Members of {board.name}")).to_contain_text("Adaeze Okafor")
    board_services.add_member(board=board, user=councillor, role=BoardRole.COUNCILLOR, start_date=a_year_ago)
    board_services.add_member(board=board, user=officer, role=BoardRole.OFFICER, start_date=a_year_ago, voting=False)

    later = today + datetime.timedelta(days=28)
    planned = board_services.schedule_meeting(board=board, starts_at=at(later, 14), venue="Council Chamber")
    todays = board_services.schedule_meeting(board=board, starts_at=at(today, 0, 1), venue="Committee Room 1")
    extraordinary = board_services.schedule_meeting(board=board, starts_at=at(today, 23, 30), venue="Committee Room 1")
    housing = board_services.add_agenda_item(meeting=todays, title="Care leavers' housing", report_author=officer)
    ForwardPlanItem.objects.create(
        board=board, theme=Theme.HEALTH, topic="Health assessments on time", planned_meeting=planned,
        partner_asked="Integrated care board", lead=officer,
    )

    # The desk shows the next meetings' deadlines.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Clerk's desk").click()
    meetings = page.get_by_role("table", name="Next meetings with their deadlines")
    expect(meetings.get_by_role("row").filter(has_text=f"{later.day} {later:%B %Y}")).to_contain_text(
        f"{planned.agenda_deadline.day} {planned.agenda_deadline:%b %Y}"
    )
    check_accessibility(page, "clerk's desk")
    screenshot(page, "clerk-desk")

    # The planned meeting's agenda, built from the board's standard template.
    page.goto(f"/meetings/{planned.pk}/")
    page.get_by_label("Build the agenda from a template").select_option(label="Standard agenda")
    page.get_by_role("button", name="Add the template's items").click()
    headings = page.locator("section h3")
    expect(headings).to_have_text([
        "1. Apologies and substitutions", "2. Declarations of interest", "3. Minutes of the previous meeting",
        "4. Matters arising and the action log", "5. Health assessments on time", "6. Forward work programme",
        "7. Any other business",
    ])

    # A report, its measures chosen by name; then moved up above the forward plan topic with the keyboard.
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title").fill("Placement stability")
    page.get_by_label("Report author").select_option(label=str(officer))
    page.get_by_label(MEASURES[0].title, exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(headings.nth(5)).to_have_text("6. Placement stability")
    page.get_by_role("button", name=re.compile(r"^Move up\W+Placement stability$")).focus()
    page.keyboard.press("Enter")
    expect(headings.nth(4)).to_have_text("5. Placement stability")
    expect(page.get_by_role("link", name=MEASURES[0].title)).to_be_visible()

    # The officer's paper arrives; the clerk uploads it, then publishes, in time.
    paper = tmp_path / "placement-stability.pdf"
    paper.write_bytes(PDF_BYTES)
    page.get_by_role("link", name="Upload a paper for Placement stability").click()
    page.get_by_label("Title").fill("Placement stability report")
    page.get_by_label("Report author").fill("Sam Adeyemi")
    page.get_by_label("Author's service or agency").fill("Children's Services: Placements")
    page.get_by_label("Purpose of the report").fill("To show the board how stable children's placements are.")
    page.get_by_label("File").set_input_files(str(paper))
    page.get_by_role("button", name="Upload paper").click()
    page.get_by_role("button", name="Publish the agenda and papers").click()
    expect(page.get_by_role("status")).to_contain_text("published, in time")
    planned.refresh_from_db()
    assert planned.agenda_published_in_time
    assert sorted(message.to[0] for message in mail.outbox) == sorted([chair.email, councillor.email, officer.email])
    check_accessibility(page, "meeting page with its agenda")

    # Today's meeting: attendance (a substitute for Gareth) and a declaration of interest.
    page.goto(f"/meetings/{todays.pk}/")
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role("group", name=re.compile("Gareth Hughes")).get_by_label("Apologies").check()
    page.get_by_label("Substitute for Gareth Hughes").fill("Cllr Priya Mistry")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Quorate: 2 voting members present, quorum 2")
    page.get_by_role("link", name="Record a declaration of interest").click()
    page.get_by_label("Member").select_option(label=f"Adaeze Okafor (Chair, {board.name})")
    page.get_by_label("Agenda item").select_option(label="Care leavers' housing")
    page.get_by_label("Other registrable interest").check()
    page.get_by_label("The interest", exact=True).fill("Trustee of Wyvern Care Leavers' Association")
    page.get_by_label("Stayed, spoke as allowed, and did not vote").check()
    page.get_by_role("button", name="Record the declaration").click()
    expect(page.get_by_role("table", name="Declarations of interest at this meeting")).to_contain_text("Adaeze Okafor")

    # The minutes: a minute and a recommendation to the integrated care board.
    due = today + datetime.timedelta(days=56)
    page.get_by_role("link", name="Record a minute or decision for Care leavers' housing").click()
    page.get_by_label("Minute", exact=True).check()
    page.get_by_label("Text").fill("The board noted the housing protocol.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a minute or decision for Care leavers' housing").click()
    page.get_by_label("Recommendation").check()
    page.get_by_label("Text").fill("That the integrated care board funds a nurse for care leavers.")
    page.get_by_label("Recommended to").fill("Integrated care board")
    page.get_by_label("Response due").fill(f"{due:%Y-%m-%d}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Draft until the board approves them")).to_be_visible()

    # The next meeting (extraordinary, later today) approves them; then they are fixed.
    page.goto(f"/meetings/{extraordinary.pk}/")
    page.get_by_label("Build the agenda from a template").select_option(label="Standard agenda")
    page.get_by_role("button", name="Add the template's items").click()
    page.get_by_role("button", name="Approved as a correct record").click()
    expect(page.get_by_role("status")).to_contain_text("approved as a correct record and now fixed")
    page.goto(f"/meetings/{todays.pk}/")
    expect(page.get_by_text(re.compile("Approved as a correct record at the meeting on"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Change minute"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Record a correction to minute"))).to_have_count(2)

    # The recommendation followed to its response.
    page.goto("/recommendations/")
    page.get_by_role("link", name=re.compile("Record the response")).click()
    page.get_by_label("Their response").fill("Funded from April for two years.")
    page.get_by_label("Response received").fill(f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_role("main")).to_contain_text("No recommendations are awaiting a response.")
    page.get_by_role("link", name="Show all recommendations").click()
    expect(page.get_by_role("main")).to_contain_text("Funded from April for two years.")
    check_accessibility(page, "recommendations")

    statuses = dict(Attendance.objects.filter(meeting=todays).values_list("membership__user__username", "status"))
    assert statuses == {"adaeze": AttendanceStatus.PRESENT, "gareth": AttendanceStatus.APOLOGIES, "hanna": AttendanceStatus.PRESENT}
    assert Declaration.objects.get(meeting=todays).agenda_item == housing
    recommendation = Minute.objects.get(kind=MinuteKind.RECOMMENDATION)
    assert (recommendation.recommended_to, recommendation.response_due, recommendation.response_received_on) == (
        "Integrated care board", due, today
    )
    assert Meeting.objects.get(pk=todays.pk).minutes_approved_at == extraordinary

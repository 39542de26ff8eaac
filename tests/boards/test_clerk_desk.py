"""
The clerk's desk and the deadlines it works to: agenda publication (five clear working days, LGA 1972 s.100B),
papers owed by each report author, the reminders they get, and the email members get when the agenda is out.
"""
import datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from boards import selectors, services
from boards.models import AttendanceStatus, BoardRole, MeetingStatus

from .conftest import PDF, at

# Wednesday 31 March 2027, after Easter: the agenda is due by Friday 19 March (see tests/core/test_working_days.py)
# and, with the board's three working days for papers, papers by Tuesday 16 March.
MEETING_DAY = datetime.date(2027, 3, 31)


@pytest.fixture
def setting(board, member, make_user):
    board.papers_due_working_days = 3
    board.save()
    author = make_user(Role.OFFICER, email="author@council.example")
    punctual = make_user(Role.OFFICER, email="punctual@council.example")
    councillors = [member(make_user(Role.COUNCILLOR), start_date=datetime.date(2026, 1, 1)) for _ in range(2)]
    member(make_user(Role.OFFICER, email=""), BoardRole.OFFICER, voting=False, start_date=datetime.date(2026, 1, 1))
    meeting = services.schedule_meeting(board=board, starts_at=at(MEETING_DAY), venue="County Hall")
    owed = services.add_agenda_item(meeting=meeting, title="Care leavers' accommodation", report_author=author)
    done = services.add_agenda_item(meeting=meeting, title="Health of looked-after children", report_author=punctual)
    services.upload_paper(agenda_item=done, title="Health report", uploaded_by=punctual, file=ContentFile(PDF, name="h.pdf"))
    return meeting, author, owed, councillors


def test_the_meeting_knows_its_deadlines(setting):
    meeting = setting[0]
    assert meeting.agenda_deadline == datetime.date(2027, 3, 19)
    # Three working days before Fri 19 March: Thu 18, Wed 17, Tue 16.
    assert meeting.papers_due == datetime.date(2027, 3, 16)


def test_papers_owed_are_listed_by_author(setting):
    meeting, author, owed, _ = setting
    assert selectors.papers_owed(datetime.date(2027, 3, 1)) == {(meeting, author): [owed]}


@pytest.mark.parametrize(
    ("today", "reminded"),
    [
        (datetime.date(2027, 3, 11), False),  # Thu: three working days before
        (datetime.date(2027, 3, 12), True),  # Fri: two working days before Tue 16 (Mon 15, Tue 16)
        (datetime.date(2027, 3, 15), False),  # Mon
        (datetime.date(2027, 3, 16), True),  # the day it is due
        (datetime.date(2027, 3, 17), False),  # overdue: the clerk's desk shows it, no more emails
    ],
)
def test_report_authors_are_reminded_two_working_days_before_and_on_the_day(setting, today, reminded):
    assert services.remind_report_authors(today) == int(reminded)
    if reminded:
        (message,) = mail.outbox
        assert message.to == ["author@council.example"]
        assert "Care leavers' accommodation" in message.body and "Tuesday 16 March 2027" in message.body
        assert "Health of looked-after children" not in message.body  # that paper is in


def test_publishing_in_time_publishes_the_papers_and_emails_each_member(setting, django_capture_on_commit_callbacks):
    meeting = setting[0]
    paper = meeting.agenda_items.get(title__startswith="Health").papers.get()
    assert not paper.published
    publish_time = at(datetime.date(2027, 3, 19), 16)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agenda(meeting, published_by=None, now=publish_time)
    meeting.refresh_from_db()
    paper.refresh_from_db()
    assert meeting.agenda_published_in_time is True and paper.published
    # Two councillors with addresses; the officer member without one gets nothing; one message each.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        m.user.email for m in meeting.board.memberships.filter(role=BoardRole.COUNCILLOR)
    )
    assert all(len(m.to) == 1 and "County Hall" not in m.body for m in mail.outbox)
    assert "31 March 2027" in mail.outbox[0].body


def test_publishing_after_the_deadline_is_recorded_as_late(setting):
    meeting = setting[0]
    services.publish_agenda(meeting, published_by=None, now=at(datetime.date(2027, 3, 22), 9))
    meeting.refresh_from_db()
    assert meeting.agenda_published_in_time is False


def test_the_desk_lists_what_the_clerk_must_do(setting, board, make_user, django_assert_max_num_queries):
    meeting, author, owed, councillors = setting
    today = datetime.date(2027, 3, 10)
    services.record_apologies(meeting, councillors[0], substitute="Cllr R. Patel", today=today)
    held = services.schedule_meeting(
        board=board, starts_at=at(datetime.date(2027, 2, 3)), venue="County Hall", status=MeetingStatus.HELD
    )
    minuted = services.schedule_meeting(
        board=board, starts_at=at(datetime.date(2027, 1, 6)), venue="County Hall", status=MeetingStatus.HELD
    )
    item = services.add_agenda_item(meeting=minuted, title="Pledge")
    services.record_minute(agenda_item=item, kind="minute", text="Noted.", recorded_by=author)
    soon = services.create_action(meeting=held, description="Write to the ICB", owner=author, due_on=datetime.date(2027, 3, 20))
    services.create_action(meeting=held, description="Later", owner=author, due_on=datetime.date(2027, 6, 1))
    with django_assert_max_num_queries(8):
        desk = selectors.clerk_desk(today)
        [m.agenda_deadline for m in desk["upcoming"]]
    assert [m.pk for m in desk["upcoming"]] == [meeting.pk]
    # Two reports and the action log (the ICB letter falls due before the meeting); one paper owed.
    assert desk["upcoming"][0].owed_count == 1 and desk["upcoming"][0].item_count == 3
    assert list(desk["papers_owed"]) == [(meeting, author)]
    assert [m.pk for m in desk["minutes_to_write"]] == [held.pk]
    assert [a.pk for a in desk["actions_due"]] == [soon.pk]
    assert [(a.membership_id, a.status, a.substitute) for a in desk["apologies"]] == [
        (councillors[0].pk, AttendanceStatus.APOLOGIES, "Cllr R. Patel")
    ]


def test_the_clerk_lands_on_the_desk(client, make_user, world):
    client.force_login(make_user(Role.CLERK))
    response = client.get(reverse("dashboards:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("boards:clerk_desk")
    page = response.content.decode()
    assert "Clerk&#x27;s desk" in page and "Publish agenda by" in page and str(world.upcoming.board) in page

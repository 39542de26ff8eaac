"""
The quorum, as a board's terms of reference set it: voting members present, and a named substitute for a voting
member who sent apologies where the terms of reference allow substitutes. Advisers, officers in attendance and the
clerk never count. One rule (``selectors.counts_towards_quorum``) serves the meeting page and the annual report.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from boards import selectors, services
from boards.models import AttendanceStatus, BoardRole, Meeting, MeetingStatus

from .conftest import at


@pytest.fixture
def setting(board, member, make_user, today):
    board.quorum = 3
    board.save()
    councillors = [member(make_user(Role.COUNCILLOR)) for _ in range(4)]
    adviser = member(make_user(Role.OFFICER), BoardRole.OFFICER, voting=False)
    clerk = member(make_user(Role.ADMINISTRATOR), BoardRole.CLERK, voting=False)
    meeting = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=1)), venue="Hall", status=MeetingStatus.HELD
    )
    # Two councillors present, two sent apologies (one named a substitute); the adviser and clerk are there too.
    services.record_attendance(meeting, [
        (councillors[0], AttendanceStatus.PRESENT, ""),
        (councillors[1], AttendanceStatus.PRESENT, ""),
        (councillors[2], AttendanceStatus.APOLOGIES, "Cllr R. Patel"),
        (councillors[3], AttendanceStatus.APOLOGIES, ""),
        (adviser, AttendanceStatus.PRESENT, ""),
        (clerk, AttendanceStatus.PRESENT, ""),
    ])
    return meeting


def test_a_substitute_counts_when_the_terms_of_reference_allow_it(setting):
    # 2 councillors + 1 substitute = 3 = quorum; the adviser and the clerk are present but do not count.
    result = selectors.quorum_check(setting)
    assert (result.present_voting, result.quorum, result.is_quorate) == (3, 3, True)


def test_a_substitute_does_not_count_where_the_terms_of_reference_say_not(setting, board):
    board.substitutes_count_towards_quorum = False
    board.save()
    result = selectors.quorum_check(Meeting.objects.get(pk=setting.pk))
    assert (result.present_voting, result.is_quorate) == (2, False)


def test_the_annual_reports_figures_use_the_same_rule(setting, board):
    # Everyone present is 4 (two councillors, the adviser and the clerk); voting present with the substitute is 3.
    row = selectors.with_quorum(Meeting.objects.filter(pk=setting.pk)).get()
    assert (row.present, row.present_voting, row.quorate) == (4, 3, True)
    board.substitutes_count_towards_quorum = False
    board.save()
    row = selectors.with_quorum(Meeting.objects.filter(pk=setting.pk)).get()
    assert (row.present, row.present_voting, row.quorate) == (4, 2, False)


def test_a_substitute_for_an_adviser_does_not_count(board, member, make_user, today):
    board.quorum = 1
    board.save()
    adviser = member(make_user(Role.OFFICER), BoardRole.PARTNER, voting=False)
    meeting = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    result = services.record_attendance(meeting, [(adviser, AttendanceStatus.APOLOGIES, "A colleague")])
    assert (result.present_voting, result.is_quorate) == (0, False)


def test_attendance_is_refused_for_a_meeting_still_to_come_but_apologies_are_taken(board, member, make_user, today):
    councillor = member(make_user(Role.COUNCILLOR))
    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=49)), venue="Hall")
    with pytest.raises(ValidationError, match="on the day of the meeting or after"):
        services.record_attendance(meeting, [(councillor, AttendanceStatus.PRESENT, "")])
    assert not meeting.attendance.exists()
    services.record_apologies(meeting, councillor, substitute="Cllr R. Patel")
    assert meeting.attendance.get().status == AttendanceStatus.APOLOGIES


def test_attendance_is_taken_on_the_day(board, member, make_user, today):
    councillor = member(make_user(Role.COUNCILLOR))
    later_today = services.schedule_meeting(board=board, starts_at=at(today, hour=23), venue="Hall")
    result = services.record_attendance(later_today, [(councillor, AttendanceStatus.PRESENT, "")])
    assert result.present_voting == 1


def test_all_present_keeps_the_apologies_already_received(board, member, make_user, today):
    councillors = [member(make_user(Role.COUNCILLOR)) for _ in range(3)]
    former = member(make_user(Role.COUNCILLOR), start_date=today - datetime.timedelta(days=400),
                    end_date=today - datetime.timedelta(days=30))
    meeting = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    services.record_apologies(meeting, councillors[0], substitute="Cllr R. Patel")
    result = services.record_all_present(meeting)
    statuses = dict(meeting.attendance.values_list("membership_id", "status"))
    assert statuses == {
        councillors[0].pk: AttendanceStatus.APOLOGIES,
        councillors[1].pk: AttendanceStatus.PRESENT,
        councillors[2].pk: AttendanceStatus.PRESENT,
    }
    assert former.pk not in statuses
    assert result.present_voting == 3  # two present and the substitute


def test_attendance_by_member_over_the_year(client, board, member, make_user, today):
    from django.urls import reverse

    from core.collection_year import CollectionYear

    year = CollectionYear.containing(today)
    councillor = member(make_user(Role.COUNCILLOR, first_name="Rhian", last_name="Price"), start_date=year.starts_on)
    days = [year.starts_on + datetime.timedelta(days=n) for n in (10, 70, 130)]
    days = [day for day in days if day <= today][:3]
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES, AttendanceStatus.APOLOGIES][: len(days)]
    for day, status in zip(days, statuses):
        meeting = services.schedule_meeting(board=board, starts_at=at(day), venue="Hall", status=MeetingStatus.HELD)
        substitute = "Cllr R. Patel" if day == days[-1] and status == AttendanceStatus.APOLOGIES else ""
        services.record_attendance(meeting, [(councillor, status, substitute)])
    rows = selectors.board_attendance(board, year.starts_on, year.ends_on)
    row = next(r for r in rows if r["membership"] == councillor)
    expected_apologies = statuses.count(AttendanceStatus.APOLOGIES)
    assert (row["expected"], row["attended"], row["apologies"], row["substituted"]) == (
        len(days), statuses.count(AttendanceStatus.PRESENT), expected_apologies, int(expected_apologies > 0)
    )
    client.force_login(make_user(Role.CHIEF_EXECUTIVE))
    page = client.get(reverse("boards:board_attendance", args=[board.pk])).content.decode()
    assert "Rhian Price" in page and f"Attendance by member, {year.label}" in page


def test_the_clerk_sets_whether_substitutes_count_on_the_boards_page(client, board, make_user):
    from django.urls import reverse

    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("boards:board_edit", args=[board.pk]), {
        "name": board.name, "terms_of_reference": "Substitutes do not count towards the quorum.", "quorum": "3",
        "papers_due_working_days": "2",
    })
    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.quorum, board.substitutes_count_towards_quorum, board.papers_due_working_days) == (3, False, 2)
    refused = client.post(reverse("boards:board_edit", args=[board.pk]), {
        "name": board.name, "terms_of_reference": "x", "quorum": "0", "papers_due_working_days": "2",
    })
    assert refused.status_code == 200
    board.refresh_from_db()
    assert board.quorum == 3

"""The functions dashboards and board packs call: right answers in a constant number of queries."""
import datetime


from accounts.models import Role
from boards import selectors, services
from boards.models import ActionStatus, AttendanceStatus, BoardRole, MeetingStatus

from .conftest import PDF, at


def test_next_meeting_is_the_next_scheduled_one_the_person_may_see(world, make_user, member, today, django_assert_num_queries):
    later = services.schedule_meeting(board=world.board, starts_at=at(today + datetime.timedelta(days=80)), venue="Hall")
    services.schedule_meeting(
        board=world.board, starts_at=at(today + datetime.timedelta(days=5)), venue="Hall", status=MeetingStatus.CANCELLED
    )
    with django_assert_num_queries(3):  # meeting, agenda items, published papers
        meeting = selectors.next_meeting(world.chair)
        titles = [item.title for item in meeting.agenda_items_in_order]
        papers = [p.title for item in meeting.agenda_items_in_order for p in item.published_papers]
    assert meeting == world.upcoming != later
    assert titles == ["Matters arising and the action log"] and papers == []
    assert selectors.next_meeting(make_user(Role.COUNCILLOR)) is None  # not a member
    assert selectors.next_meeting(make_user(Role.YOUNG_PERSON)) is None
    assert selectors.next_meeting(make_user(Role.CHIEF_EXECUTIVE)) == world.upcoming


def test_next_meeting_prefetches_only_published_papers(world, today):
    item = services.add_agenda_item(meeting=world.upcoming, title="Report")
    from django.core.files.base import ContentFile

    services.upload_paper(agenda_item=item, title="Public", uploaded_by=world.officer, published=True, file=ContentFile(PDF, name="a.pdf"))
    services.upload_paper(agenda_item=item, title="Draft", uploaded_by=world.officer, file=ContentFile(PDF, name="b.pdf"))
    meeting = selectors.next_meeting(world.officer)
    last = meeting.agenda_items_in_order[-1]
    assert [p.title for p in last.published_papers] == ["Public"]


def test_actions_for_owner_lists_open_actions_with_overdue_flag(world, today):
    soon = services.create_action(
        meeting=world.held, description="Soon", owner=world.officer, due_on=today + datetime.timedelta(days=3)
    )
    services.create_action(
        meeting=world.held, description="Done", owner=world.officer, due_on=today, status=ActionStatus.DONE
    )
    rows = list(selectors.actions_for_owner(world.officer))
    assert [(row.description, row.is_overdue) for row in rows] == [
        ("Report on placement stability", True),
        ("Soon", False),
    ]
    assert soon in rows


def test_pledge_progress_gives_the_latest_rating_or_none(world, today, django_assert_num_queries):
    from boards.models import PledgeCommitment

    services.save_commitment(PledgeCommitment(), number=2, commitment="New promise", owner=world.officer)
    services.add_pledge_update(
        commitment=world.commitment, rag="red", note="Older", updated_by=world.officer,
        updated_on=today - datetime.timedelta(days=100),
    )
    with django_assert_num_queries(1):
        progress = selectors.pledge_progress()
    assert [(row["commitment"].number, row["latest_rag"], row["latest_note"]) for row in progress] == [
        (1, "amber", "Some progress."),
        (2, None, None),
    ]
    assert selectors.pledge_rag_counts() == {"red": 0, "amber": 1, "green": 0, "unrated": 1}


def test_governance_summary_counts_meetings_quorum_and_overdue_actions(world, member, make_user, today):
    second = member(make_user(Role.COUNCILLOR))
    chair = world.board.memberships.get(user=world.chair)
    services.record_attendance(
        world.held, [(chair, AttendanceStatus.PRESENT, ""), (second, AttendanceStatus.PRESENT, "")]
    )
    short = services.schedule_meeting(
        board=world.board, starts_at=at(today - datetime.timedelta(days=120)), venue="Hall", status=MeetingStatus.HELD
    )
    services.record_attendance(short, [(chair, AttendanceStatus.PRESENT, ""), (second, AttendanceStatus.APOLOGIES, "")])
    services.schedule_meeting(
        board=world.board, starts_at=at(today - datetime.timedelta(days=400)), venue="Hall", status=MeetingStatus.HELD
    )
    summary = selectors.governance_summary(today)
    assert summary["meetings_held_last_12_months"] == 2
    assert summary["quorate_meetings_last_12_months"] == 1
    assert summary["next_meeting"] == world.upcoming
    assert summary["overdue_actions"] == 1
    assert summary["pledge_rag_counts"]["amber"] == 1


def test_meeting_pack_has_everything_for_the_pdf(world, today, django_assert_max_num_queries):
    # 10 for the agenda, actions, attendance and pledge; the previous meeting, its items, minutes and their
    # corrections, and the clerk: 15, whatever the business.
    with django_assert_max_num_queries(15):
        pack = selectors.meeting_pack(world.upcoming, today=today)
        assert [item.title for item in pack["agenda_items"]] == ["Matters arising and the action log"]
        carried = list(pack["agenda_items"][0].carried_actions.all())
    assert carried == [world.action]
    assert [(a.description, a.is_overdue) for a in pack["open_actions"]] == [("Report on placement stability", True)]
    assert pack["pledge_progress"][0]["latest_rag"] == "amber"
    assert pack["quorum"].recorded is False
    held = selectors.meeting_pack(world.held)
    assert [p.title for p in held["agenda_items"][0].papers.all()] == ["Published report"]
    assert [a.description for a in held["actions_arising"]] == ["Report on placement stability"]


def test_attendance_summary_counts_expected_attended_and_apologies(board, member, make_user, today):
    year_start = today - datetime.timedelta(days=364)
    stayer = member(make_user(Role.COUNCILLOR), start_date=year_start - datetime.timedelta(days=30))
    joiner = member(make_user(Role.COUNCILLOR), start_date=today - datetime.timedelta(days=100))
    meetings = [
        services.schedule_meeting(
            board=board, starts_at=at(today - datetime.timedelta(days=days)), venue="Hall", status=MeetingStatus.HELD
        )
        for days in (300, 200, 50)
    ]
    services.schedule_meeting(board=board, starts_at=at(today - datetime.timedelta(days=150)), venue="Hall", status=MeetingStatus.CANCELLED)
    services.record_attendance(meetings[0], [(stayer, AttendanceStatus.PRESENT, "")])
    services.record_attendance(meetings[1], [(stayer, AttendanceStatus.APOLOGIES, "")])
    services.record_attendance(meetings[2], [(stayer, AttendanceStatus.PRESENT, ""), (joiner, AttendanceStatus.PRESENT, "")])
    rows = {row["membership"]: row for row in selectors.attendance_summary(year_start, today)}
    assert (rows[stayer]["expected"], rows[stayer]["attended"], rows[stayer]["apologies"]) == (3, 2, 1)
    assert (rows[joiner]["expected"], rows[joiner]["attended"], rows[joiner]["apologies"]) == (1, 1, 0)


def test_attendance_summary_is_one_query(board, member, make_user, today, django_assert_num_queries):
    for _ in range(5):
        member(make_user(Role.COUNCILLOR))
    with django_assert_num_queries(1):
        rows = selectors.attendance_summary(today - datetime.timedelta(days=365), today)
    assert len(rows) == 5 and all(row["expected"] == 0 for row in rows)


def test_board_members_lists_current_members_first(board, member, make_user, today):
    former = member(
        make_user(Role.COUNCILLOR), BoardRole.CHAIR, start_date=today - datetime.timedelta(days=700),
        end_date=today - datetime.timedelta(days=300),
    )
    current = member(make_user(Role.COUNCILLOR), BoardRole.COUNCILLOR)
    rows = list(selectors.board_members(board))
    assert rows == [current, former]
    assert [row.is_current for row in rows] == [True, False]

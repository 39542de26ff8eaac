import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from boards import selectors, services
from boards.models import (
    ActionStatus,
    AgendaItem,
    AgendaItemKind,
    AttendanceStatus,
    Board,
    BoardRole,
    MeetingStatus,
)

from .conftest import at


@pytest.fixture
def voting_members(board, member, make_user):
    return [member(make_user(Role.COUNCILLOR)) for _ in range(3)]


def test_a_meeting_is_quorate_only_when_enough_voting_members_are_present(
    board, voting_members, member, make_user, today
):
    adviser = member(make_user(Role.OFFICER), BoardRole.OFFICER, voting=False)
    meeting = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=1)), venue="Hall", status=MeetingStatus.HELD
    )
    assert str(selectors.quorum_check(meeting)) == "Attendance not recorded"

    # One councillor and an adviser: the adviser does not count, so 1 < quorum 2.
    result = services.record_attendance(
        meeting,
        [
            (voting_members[0], AttendanceStatus.PRESENT, ""),
            (voting_members[1], AttendanceStatus.APOLOGIES, ""),
            (voting_members[2], AttendanceStatus.ABSENT, ""),
            (adviser, AttendanceStatus.PRESENT, ""),
        ],
    )
    assert (result.present_voting, result.quorum, result.is_quorate) == (1, 2, False)

    result = services.record_attendance(meeting, [(voting_members[2], AttendanceStatus.PRESENT, "")])
    assert result.is_quorate and result.present_voting == 2
    assert meeting.attendance.count() == 4  # recording again replaces, it does not duplicate


def test_attendance_refuses_a_member_of_another_board(board, voting_members, make_user, today):
    other = Board.objects.create(name="Another board", terms_of_reference="x", quorum=1)
    stranger = services.add_member(board=other, user=make_user(Role.COUNCILLOR), role=BoardRole.COUNCILLOR, start_date=today)
    meeting = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    with pytest.raises(ValidationError):
        services.record_attendance(meeting, [(stranger, AttendanceStatus.PRESENT, "")])
    assert not meeting.attendance.exists()


def test_membership_must_end_after_it_starts(board, make_user, today):
    with pytest.raises(ValidationError) as error:
        services.add_member(
            board=board, user=make_user(Role.COUNCILLOR), role=BoardRole.CHAIR, start_date=today,
            end_date=today - datetime.timedelta(days=1),
        )
    assert "end date" in str(error.value)


@pytest.fixture
def history(board, make_user, today):
    owner = make_user(Role.OFFICER)
    earlier = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=90)), venue="Hall", status=MeetingStatus.HELD
    )
    overdue = services.create_action(
        meeting=earlier, description="Overdue one", owner=owner, due_on=today - datetime.timedelta(days=5)
    )
    done = services.create_action(
        meeting=earlier, description="Done one", owner=owner, due_on=today - datetime.timedelta(days=5),
        status=ActionStatus.DONE,
    )
    later = services.create_action(
        meeting=earlier, description="Due after the next meeting", owner=owner, due_on=today + datetime.timedelta(days=90)
    )
    return owner, earlier, overdue, done, later


def test_scheduling_a_meeting_puts_overdue_actions_on_its_agenda(board, history, today):
    _owner, _earlier, overdue, done, later = history
    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=14)), venue="Hall")
    item = meeting.agenda_items.get(kind=AgendaItemKind.ACTION_LOG)
    assert item.title == "Matters arising and the action log"
    assert list(item.carried_actions.all()) == [overdue]
    assert selectors.agenda(meeting)[0] == item  # taken first


def test_carry_forward_is_idempotent_and_follows_the_action_log(board, history, today, make_user):
    owner, earlier, overdue, _done, _later = history
    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=14)), venue="Hall")
    for _ in range(3):
        services.carry_forward_overdue_actions(meeting)
    assert AgendaItem.objects.filter(meeting=meeting, kind=AgendaItemKind.ACTION_LOG).count() == 1
    item = meeting.agenda_items.get(kind=AgendaItemKind.ACTION_LOG)
    assert list(item.carried_actions.all()) == [overdue]

    # A new overdue action is added automatically; one that is done leaves the agenda.
    another = services.create_action(
        meeting=earlier, description="Another", owner=owner, due_on=today - datetime.timedelta(days=1)
    )
    assert set(item.carried_actions.all()) == {overdue, another}
    services.add_action_update(overdue, updated_by=owner, note="Reported.", status=ActionStatus.DONE)
    assert list(item.carried_actions.all()) == [another]
    assert overdue.updates.get().note == "Reported."


def test_held_and_cancelled_meetings_keep_their_record(board, history, today):
    _owner, _earlier, overdue, _done, _later = history
    meeting = services.schedule_meeting(
        board=board, starts_at=at(today + datetime.timedelta(days=14)), venue="Hall", status=MeetingStatus.CANCELLED
    )
    assert services.carry_forward_overdue_actions(meeting) is None
    assert not meeting.agenda_items.exists()


def test_no_action_log_item_when_nothing_is_overdue(board, today):
    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=14)), venue="Hall")
    assert services.carry_forward_overdue_actions(meeting) is None
    assert not meeting.agenda_items.exists()


def test_an_action_cannot_point_at_another_meetings_item(board, make_user, today):
    first = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    second = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=60)), venue="Hall")
    foreign_item = services.add_agenda_item(meeting=second, title="Elsewhere")
    with pytest.raises(ValidationError):
        services.create_action(
            meeting=first, agenda_item=foreign_item, description="x", owner=make_user(), due_on=today
        )


def test_agenda_items_are_added_at_the_end(board, today):
    meeting = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    first = services.add_agenda_item(meeting=meeting, title="First")
    second = services.add_agenda_item(meeting=meeting, title="Second")
    assert (first.order, second.order) == (1, 2)


def test_pledge_updates_keep_their_history(world, today):
    services.add_pledge_update(
        commitment=world.commitment, rag="green", note="Kept.", updated_by=world.officer,
        updated_on=today + datetime.timedelta(days=1),
    )
    assert list(world.commitment.updates.values_list("rag", flat=True)) == ["green", "amber"]
    progress = selectors.pledge_progress()
    assert progress[0]["latest_rag"] == "green" and progress[0]["latest_note"] == "Kept."


def test_a_childrens_view_must_say_what_it_is_about(world, today):
    with pytest.raises(ValidationError):
        services.record_childrens_view(view="Something", heard_on=today, source="survey", recorded_by=world.clerk)


def test_a_response_needs_a_reason(world):
    with pytest.raises(ValidationError) as error:
        services.respond_to_view(
            world.shown, we_did="Did it.", decision="Yes.", reason="", responded_by=world.clerk, published=True
        )
    assert "reason" in error.value.message_dict


def test_agenda_items_and_pledge_measures_must_name_real_measures(board, today, world):
    meeting = services.schedule_meeting(board=board, starts_at=at(today), venue="Hall")
    with pytest.raises(ValidationError) as error:
        services.add_agenda_item(meeting=meeting, title="Report", measures="care_leavers_in_eet, made_up_measure")
    assert "Unknown measure identifier: made_up_measure" in str(error.value)
    item = services.add_agenda_item(meeting=meeting, title="Report", measures="care_leavers_in_eet , placement_kinship")
    assert [m.identifier for m in item.measure_list] == ["care_leavers_in_eet", "placement_kinship"]
    with pytest.raises(ValidationError):
        services.save_commitment(world.commitment, measure="not_a_measure")

import datetime

from accounts import demo as accounts_demo
from boards import demo, selectors
from boards.models import AgendaItemKind, BoardRole, MeetingStatus, Paper, Response


def test_the_demo_board_has_every_part_of_the_boards_business(db):
    today = datetime.date(2026, 6, 1)
    context = {"today": today}
    accounts_demo.load(context)
    board = demo.load(context)

    assert context["board"] == board
    assert {m.role for m in board.memberships.all()} == set(BoardRole.values)
    assert board.meetings.filter(status=MeetingStatus.HELD).count() == 9
    assert board.meetings.filter(status=MeetingStatus.SCHEDULED).count() == 3
    next_meeting = context["next_meeting"]
    assert next_meeting.starts_at.date() > today
    # The decisions of six and twelve months ago, with the measures they meant to move, come back to it.
    revisited = next_meeting.agenda_items.filter(revisits__isnull=False)
    assert sorted(revisited.values_list("revisit_months", flat=True)) == [6, 12]
    carried = next_meeting.agenda_items.get(kind=AgendaItemKind.ACTION_LOG).carried_actions.all()
    assert carried.exists()
    assert all(action.due_on < today and action.is_open for action in carried)

    papers = Paper.objects.all()
    assert papers.filter(published=True).exists() and papers.filter(published=False).exists()
    for paper in papers:
        with paper.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"

    progress = selectors.pledge_progress()
    assert len(progress) == 8 and all(row["latest_rag"] for row in progress)
    assert all(row["commitment"].updates.count() == 3 for row in progress)
    summary = selectors.governance_summary(today)
    assert summary["meetings_held_last_12_months"] == 6
    assert 0 < summary["quorate_meetings_last_12_months"] < 6  # one meeting fell short of its quorum
    assert summary["overdue_actions"] > 0
    assert Response.objects.filter(published=False).exists() and Response.objects.filter(published=True).exists()
    assert all(response.reason for response in Response.objects.all())

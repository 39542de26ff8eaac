"""
A decision names the measures it means to move; the board sees them again at its first meetings six and twelve
months on, each measure's figure as published on the day of the decision beside today's.
"""
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from boards import selectors, services
from boards.models import (
    AgendaItemKind, BoardRole, DecisionFigure, ExemptParagraph, Meeting, MeetingStatus, MinuteKind,
)
from boards.selectors import FigureRevisited
from core import suppression
from core.months import months_after
from reports import services as report_services
from reports.models import Report, ReportStatus, ReportType
from reports.selectors import pack_figures
from reports.services import render_html

from tests.measures.returns import Return, ep, load

from .conftest import at

LOOKED_AFTER = "looked_after_at_31_march"  # "Children looked after at 31 March", a count of children


@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_the_meeting_six_and_twelve_months_on_is_the_first_on_or_after_the_day():
    def meeting(day, status=MeetingStatus.SCHEDULED):
        return Meeting(starts_at=at(day), status=status)

    # Decided on 31 August 2025: six months on is 28 February 2026 (February has no 31st), twelve is 31 August 2026.
    decided = datetime.date(2025, 8, 31)
    day_before, on_the_day = meeting(datetime.date(2026, 2, 27)), meeting(datetime.date(2026, 2, 28))
    cancelled, after = meeting(datetime.date(2026, 8, 31), MeetingStatus.CANCELLED), meeting(datetime.date(2026, 9, 14))
    meetings = [day_before, on_the_day, meeting(datetime.date(2026, 8, 30)), cancelled, after]
    assert selectors.revisit_meeting(meetings, decided, 6) is on_the_day
    assert selectors.revisit_meeting(meetings, decided, 12) is after  # the 31 August meeting was cancelled
    # Decided on 3 March 2026: a meeting on 3 September 2026 is exactly six months on; none yet twelve months on.
    exactly = meeting(datetime.date(2026, 9, 3))
    assert selectors.revisit_meeting([meeting(datetime.date(2026, 9, 2)), exactly], datetime.date(2026, 3, 3), 6) is exactly
    assert selectors.revisit_meeting([exactly], datetime.date(2026, 3, 3), 12) is None


@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_the_change_says_whether_it_is_for_the_better():
    in_work = DecisionFigure(measure="care_leavers_in_eet", figure="52%")  # higher is better
    assert FigureRevisited(in_work, suppression.shown("58%"), 2026).change == "+6 points (better)"  # 58 - 52
    assert FigureRevisited(in_work, suppression.shown("52%"), 2026).change == "No change"
    assert FigureRevisited(in_work, suppression.withheld(), 2026).change == ""
    moves = DecisionFigure(measure="three_or_more_placements", figure="9%")  # lower is better
    assert FigureRevisited(moves, suppression.shown("11%"), 2026).change == "+2 points (worse)"  # 11 - 9


@pytest.fixture
def decision(board, make_user, today):
    """A decision made 30 days ago naming one measure, and the board's next meeting exactly six months after it."""
    clerk = make_user(Role.ADMINISTRATOR)
    held = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=30)), venue="Hall", status=MeetingStatus.HELD
    )
    item = services.add_agenda_item(meeting=held, title="Sufficiency strategy")
    services.record_minute(agenda_item=item, kind=MinuteKind.MINUTE, text="The board noted the report.", recorded_by=clerk)
    minute = services.record_minute(
        agenda_item=item, kind=MinuteKind.DECISION, text="RESOLVED to open two children's homes in the county.",
        recorded_by=clerk, measures=[LOOKED_AFTER],
    )
    six = services.schedule_meeting(board=board, starts_at=at(months_after(held.date, 6)), venue="Hall")
    return clerk, held, minute, six


def revisit_items(minute):
    return {item.revisit_months: item.meeting for item in minute.revisit_items.select_related("meeting")}


def test_the_decision_comes_back_six_and_twelve_months_on(decision, board):
    clerk, held, minute, six = decision
    assert minute.number == 2  # the second minute of the council year
    item = minute.revisit_items.get()  # no meeting twelve months on yet, so only the six-month item
    assert (item.meeting, item.revisit_months, item.kind) == (six, 6, AgendaItemKind.ITEM)
    assert item.title == "Decision 2 revisited: RESOLVED to open two children's homes in the county."
    # A meeting scheduled a day short of twelve months on is not the one; the next is.
    twelve_on = months_after(held.date, 12)
    services.schedule_meeting(board=board, starts_at=at(twelve_on - datetime.timedelta(days=1)), venue="Hall")
    later = services.schedule_meeting(board=board, starts_at=at(twelve_on + datetime.timedelta(days=14)), venue="Hall")
    assert revisit_items(minute) == {6: six, 12: later}
    # An earlier meeting still on or after the day takes the item; cancelling it sends the item on again.
    sooner = services.schedule_meeting(board=board, starts_at=at(twelve_on), venue="Hall")
    assert revisit_items(minute)[12] == sooner
    services.update_meeting(sooner, status=MeetingStatus.CANCELLED)
    assert revisit_items(minute)[12] == later
    assert services.revisit_decisions(board.pk) == []  # run again: nothing changes
    assert minute.revisit_items.count() == 2
    # The item is a report, taken after the opening items whatever order it was added in.
    services.add_agenda_item(meeting=six, title="Apologies", kind=AgendaItemKind.APOLOGIES)
    assert [i.kind for i in selectors.agenda(six)][0] == AgendaItemKind.APOLOGIES
    # A decision no longer naming measures comes off the agendas still to come.
    services.update_minute(minute, measures=[])
    assert revisit_items(minute) == {}


def test_no_item_while_the_board_has_no_meeting_on_or_after_the_day(board, make_user, today):
    clerk = make_user(Role.ADMINISTRATOR)
    held = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=30)), venue="Hall", status=MeetingStatus.HELD
    )
    services.schedule_meeting(
        board=board, starts_at=at(months_after(held.date, 6) - datetime.timedelta(days=1)), venue="Hall"
    )
    item = services.add_agenda_item(meeting=held, title="Report", exempt_paragraph=ExemptParagraph.FINANCIAL)
    minute = services.record_minute(
        agenda_item=item, kind=MinuteKind.DECISION, text="Agreed the contract.", recorded_by=clerk, measures=[LOOKED_AFTER]
    )
    assert minute.revisit_items.count() == 0
    six = services.schedule_meeting(board=board, starts_at=at(months_after(held.date, 6)), venue="Hall")
    revisit = minute.revisit_items.get()
    assert revisit.meeting == six and revisit.exempt_paragraph == ExemptParagraph.FINANCIAL  # exempt as the decision was


def test_only_a_decision_names_measures(decision):
    clerk, held, minute, six = decision
    with pytest.raises(ValidationError, match="Only a decision"):
        services.record_minute(
            agenda_item=minute.agenda_item, kind=MinuteKind.MINUTE, text="Noted.", recorded_by=clerk, measures=[LOOKED_AFTER]
        )


def figure_row(page, title):
    """The cells of the row headed ``title`` in the figures table: [then, today, change]."""
    row = re.search(rf'<th scope="row" class="govuk-table__header">{title}</th>(.*?)</tr>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


DISABILITY = "category_of_need_n2"  # "Category of need: Child's disability", a percentage of those at 31 March


def children_return(year, count, disabled=0):
    """
    The return for ``year``: ``count`` children looked after at 31 March, each in care since May of the year before
    (so the count is the number of children), ``disabled`` of them with category of need N2, the others N1. Each
    year's children are new to the returns.
    """
    children = [f"Y{year}C{number}" for number in range(count)]
    episodes = [ep(child, f"10/05/{year - 1}", "S", cin="N2" if n < disabled else "N1") for n, child in enumerate(children)]
    return Return(year, dict.fromkeys(children, "01/06/2014"), episodes)


# Module-level, so tests/children/test_hand_written_returns.py runs them through the DfE's rules for their year.
SIX_WITH_ONE_DISABLED_2024 = children_return(2024, 6, disabled=1)
EIGHT_2025 = children_return(2025, 8)


def test_the_figures_of_the_day_stay_and_members_see_only_published_figures(board, member, make_user, today, client):
    # 31 March 2024: 6 children, 1 with category of need N2. 6 is shown; N2 (1 of 6) is withheld as [c], and so is
    # N1 (5 of 6), which would give it away (6 - 5 = 1).
    load(SIX_WITH_ONE_DISABLED_2024)
    clerk = make_user(Role.ADMINISTRATOR)
    councillor = make_user(Role.COUNCILLOR)
    member(councillor, BoardRole.COUNCILLOR)
    held = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=30)), venue="Hall", status=MeetingStatus.HELD
    )
    item = services.add_agenda_item(meeting=held, title="Sufficiency strategy")
    minute = services.record_minute(
        agenda_item=item, kind=MinuteKind.DECISION, text="RESOLVED to open a short-breaks home.", recorded_by=clerk,
        measures=[LOOKED_AFTER, DISABILITY],
    )
    # What is kept is the published figure, never the count or percentage behind it.
    assert list(minute.figures.values_list("measure", "figure", "year", "recorded_on")) == [
        (LOOKED_AFTER, "6", 2024, today), (DISABILITY, suppression.MARKER, 2024, today),
    ]
    six = services.schedule_meeting(board=board, starts_at=at(months_after(held.date, 6)), venue="Hall")
    # The public board pack shows the same table. Its first version keeps the figures it laid out (as a build does).
    first = report_services.request_report(ReportType.BOARD_PACK, meeting=six, queue=False).report
    figures = pack_figures(first)
    html = render_html(first, public=True, figures=figures)
    assert "Decision 1 revisited" in html and "published figures then and now" in html
    Report.objects.filter(pk=first.pk).update(status=ReportStatus.READY, figures={"sections": figures.sections})
    # A second version is requested; before the worker builds it, the next return is loaded: 8 children at 31 March
    # 2025, none with N2 (0 of 8 is 0%, shown as it stands).
    second = report_services.request_report(ReportType.BOARD_PACK, meeting=six, queue=False).report
    load(EIGHT_2025)
    assert list(minute.figures.values_list("figure", flat=True)) == ["6", suppression.MARKER]
    client.force_login(councillor)
    page = client.get(reverse("boards:meeting_detail", args=[six.pk])).content.decode()
    assert "Decision 1 revisited: RESOLVED to open a short-breaks home." in page
    then, now, change = figure_row(page, "Children looked after at 31 March")
    assert (then.split()[0], now.split()[0], change) == ("6", "8", "+2")  # 8 - 6; how many is neither better nor worse
    assert "2023-24 return" in then and "2024-25 return" in now
    then, now, change = figure_row(page, "Category of need: Child&#x27;s disability")
    assert (then.split()[0], now.split()[0]) == ("[c]", "0%") and "17%" not in page  # 1 of 6 is 17%
    assert change == "Not comparable: a figure is withheld or missing"
    # The second version is dated to its request, so its figures are those of that moment (6, as the first version
    # kept them), not the build's (8), and it says so.
    html = render_html(second, public=True)
    row = re.search(r'<th scope="row">Children looked after at 31 March</th>(.*?)</tr>', html, re.S).group(1)
    then, at_the_pack, change = (" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
    assert (then.split()[0], at_the_pack, change) == ("6", "6 2023-24 return", "No change")
    assert "as an earlier version of this pack showed them: they changed on" in html


def test_the_clerk_chooses_the_measures_by_their_names(decision, client):
    clerk, held, minute, six = decision
    client.force_login(clerk)
    url = reverse("boards:minute_edit", args=[held.pk, minute.pk])
    page = client.get(url).content.decode()
    # Each measure's box is labelled with its name; the one the decision names is ticked.
    assert re.search(rf'value="{LOOKED_AFTER}"[^>]*checked[^>]*>\s*<label[^>]*>\s*Children looked after at 31 March', page)
    response = client.post(url, {"kind": MinuteKind.DECISION, "text": minute.text, "measures": [LOOKED_AFTER, DISABILITY]})
    assert response.status_code == 302
    assert set(minute.figures.values_list("measure", flat=True)) == {LOOKED_AFTER, DISABILITY}
    response = client.post(url, {"kind": MinuteKind.MINUTE, "text": "Noted.", "measures": [LOOKED_AFTER]})
    assert "Only a decision names the measures it means to move" in response.content.decode()

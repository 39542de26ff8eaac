"""
The agenda deadline (Local Government Act 1972 s.100B: at least five clear working days before the meeting,
not counting the day of publication or the meeting day, nor weekends or England and Wales bank holidays).
Each expected date is counted by hand on a calendar in the comment beside it.
"""
import datetime

import pytest

from core.working_days import (
    agenda_publication_deadline,
    clear_working_days_between,
    is_working_day,
    published_in_time,
)

D = datetime.date


@pytest.mark.parametrize(
    ("meeting", "deadline"),
    [
        # Wed 9 Dec 2026: clear days Tue 8, Mon 7, Fri 4, Thu 3, Wed 2 -> publish by Tue 1 Dec.
        (D(2026, 12, 9), D(2026, 12, 1)),
        # Mon 14 Dec 2026: Fri 11, Thu 10, Wed 9, Tue 8, Mon 7 -> the working day before, Fri 4 Dec.
        (D(2026, 12, 14), D(2026, 12, 4)),
        # Wed 31 Mar 2027, after Easter (Good Friday 26, Easter Monday 29 March): Tue 30, Thu 25, Wed 24, Tue 23,
        # Mon 22 -> Fri 19 March.
        (D(2027, 3, 31), D(2027, 3, 19)),
        # Thu 31 Dec 2026: Wed 30, Tue 29 (Mon 28 is Boxing Day's substitute, Fri 25 Christmas), Thu 24, Wed 23,
        # Tue 22 -> Mon 21 Dec.
        (D(2026, 12, 31), D(2026, 12, 21)),
        # Tue 26 May 2026, after the Spring bank holiday (Mon 25): Fri 22, Thu 21, Wed 20, Tue 19, Mon 18 -> Fri 15.
        (D(2026, 5, 26), D(2026, 5, 15)),
    ],
)
def test_the_agenda_deadline_leaves_five_clear_working_days(meeting, deadline):
    assert agenda_publication_deadline(meeting) == deadline
    assert published_in_time(deadline, meeting)
    # A day later is too late, whatever day that is.
    assert not published_in_time(deadline + datetime.timedelta(days=1), meeting) or not is_working_day(
        deadline + datetime.timedelta(days=1)
    )


def test_the_day_of_publication_and_the_meeting_day_are_not_counted():
    # Published Mon 7 Dec, meeting Mon 14 Dec 2026: Tue 8 to Fri 11 are four clear working days, not six.
    assert clear_working_days_between(D(2026, 12, 7), D(2026, 12, 14)) == 4
    assert not published_in_time(D(2026, 12, 7), D(2026, 12, 14))
    assert published_in_time(D(2026, 12, 4), D(2026, 12, 14))


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 12, 12))  # Saturday
    assert not is_working_day(D(2026, 12, 25))  # Christmas Day
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day falls on a Saturday: Monday is the bank holiday
    assert not is_working_day(D(2026, 8, 31))  # Late Summer bank holiday (England and Wales)
    assert is_working_day(D(2026, 8, 3))  # Scotland's summer bank holiday is not England's


def test_the_councils_nation_sets_the_bank_holidays(settings):
    # 2 January is a bank holiday in Scotland, not in England and Wales (Sat 2 Jan 2027 -> take 2 Jan 2026, a Friday).
    assert is_working_day(D(2026, 1, 2))
    settings.BANK_HOLIDAY_SUBDIVISION = "SCT"
    assert not is_working_day(D(2026, 1, 2))

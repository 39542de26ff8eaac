"""
Working days and the statutory deadlines built on them: one home for the date rule.

A working day is Monday to Friday and not a bank holiday of the council's nation (England and Wales share theirs),
from the ``holidays`` library (``settings.BANK_HOLIDAY_SUBDIVISION``, "ENG" by default). The Local Government Act
1972, s.100B, requires a meeting's agenda and reports to be open to inspection at least five clear days before it;
"clear" leaves out both the day of publication and the day of the meeting, and councils count working days.
"""
import datetime
from functools import lru_cache

from django.conf import settings

AGENDA_CLEAR_WORKING_DAYS = 5


@lru_cache(maxsize=64)
def _bank_holidays(subdivision, year):
    import holidays  # 9 MB of every country's calendars: loaded by the first process to count a working day

    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year).keys())


def bank_holiday_subdivision():
    return getattr(settings, "BANK_HOLIDAY_SUBDIVISION", "ENG")


def is_bank_holiday(day):
    return day in _bank_holidays(bank_holiday_subdivision(), day.year)


def is_working_day(day):
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_before(day, count):
    """The ``count``-th working day before ``day`` (``day`` itself not counted)."""
    found = 0
    while found < count:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            found += 1
    return day


def working_days_after(day, count):
    """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
    found = 0
    while found < count:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            found += 1
    return day


def previous_working_day(day):
    """The last working day strictly before ``day``."""
    return working_days_before(day, 1)


def clear_working_days_between(earlier, later):
    """Working days strictly between two dates (neither end counted)."""
    count, day = 0, earlier + datetime.timedelta(days=1)
    while day < later:
        count += is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


def agenda_publication_deadline(meeting_date):
    """
    The last working day on which a meeting's agenda can be published and still leave
    ``AGENDA_CLEAR_WORKING_DAYS`` clear working days before the meeting.
    """
    return previous_working_day(working_days_before(meeting_date, AGENDA_CLEAR_WORKING_DAYS))


def published_in_time(published_on, meeting_date):
    return clear_working_days_between(published_on, meeting_date) >= AGENDA_CLEAR_WORKING_DAYS

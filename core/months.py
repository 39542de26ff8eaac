"""
Calendar months, defined once: "six months after 31 August" is 28 (or 29) February. Reviews of a child's care
(``measures.history``) and the board's return to its decisions (``boards``) both count months this way.
"""
import calendar
import datetime


def months_before(day, months):
    """The same day ``months`` months earlier (the month's last day if it is shorter): 31 March -> 30 September."""
    count = day.year * 12 + day.month - 1 - months
    year, month = divmod(count, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_after(day, months):
    """The same day ``months`` months later (the month's last day if it is shorter): 31 August -> 28 February."""
    return months_before(day, -months)

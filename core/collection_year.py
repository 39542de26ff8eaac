"""
The collection year, defined once: when a year starts and ends, how it is written, and which is the latest
finished. Every app asks this module; none works the dates out for itself.

A year is named by the calendar year in which it ends: in England (the SSDA903 return) 2025 is 1 April 2024
to 31 March 2025, written "2024-25". The last day is ``settings.COLLECTION_YEAR_END`` (month, day), so a
nation whose year ends on 31 July sets ``(7, 31)`` and every date, label and "latest year" follows.

"Today" is the council's local date (``timezone.localdate``, in ``settings.TIME_ZONE``), never the server's.
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

ENGLAND_YEAR_END = (3, 31)  # the 903 collection year ends on 31 March


def year_end():
    """The (month, day) the collection year ends on."""
    return tuple(getattr(settings, "COLLECTION_YEAR_END", ENGLAND_YEAR_END))


def today():
    """The council's local date."""
    return timezone.localdate()


@dataclass(frozen=True, order=True)
class CollectionYear:
    """One collection year, named by the calendar year in which it ends."""

    year: int

    @property
    def ends_on(self):
        month, day = year_end()
        return datetime.date(self.year, month, day)

    @property
    def starts_on(self):
        return CollectionYear(self.year - 1).ends_on + datetime.timedelta(days=1)

    @property
    def label(self):
        """As the council writes it: "2024-25" (or "2025" for a year that is one calendar year)."""
        first = self.starts_on.year
        return str(self.year) if first == self.year else f"{first}-{str(self.year)[2:]}"

    @property
    def long_label(self):
        """As GOV.UK writes a span of years in running text: "2024 to 2025"."""
        first = self.starts_on.year
        return str(self.year) if first == self.year else f"{first} to {self.year}"

    def contains(self, date):
        return self.starts_on <= date <= self.ends_on

    def __str__(self):
        return self.label

    @classmethod
    def containing(cls, date):
        """The collection year ``date`` falls in."""
        month, day = year_end()
        return cls(date.year if (date.month, date.day) <= (month, day) else date.year + 1)

    @classmethod
    def latest_finished(cls, on=None):
        """The latest year whose last day is before ``on`` (default today): on 31 March 2025, 2023-24."""
        return cls(cls.containing(on or today()).year - 1)


def label(year):
    """2025 -> "2024-25"."""
    return CollectionYear(year).label


def long_label(year):
    """2025 -> "2024 to 2025"."""
    return CollectionYear(year).long_label


def starts_on(year):
    return CollectionYear(year).starts_on


def ends_on(year):
    return CollectionYear(year).ends_on


def latest_finished(on=None):
    """The latest finished collection year, as its number (2025 for 2024-25)."""
    return CollectionYear.latest_finished(on).year


def current(on=None):
    """The collection year in progress ``on`` (default today), as its number."""
    return CollectionYear.containing(on or today()).year
